"""The statistics' sentences for each kind of organisation: a school's
pupils and classes, a college's students and groups, a kindergarten's
parents of its groups (its children have no accounts). Whole sentences, one
message each, so that every one reads right in Russian; the single words
(класс, группы) come from `vocabulary.py`."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import LazyString, lazy_gettext as _l


@dataclass(frozen=True)
class StatisticsWords:
    # None where the learners have no accounts (a kindergarten): never shown.
    learners: LazyString | None  # a column's head: Ученики / Студенты
    learners_registered: LazyString | None  # Учеников зарегистрировано
    learners_of_list: LazyString | None  # the units table's note
    share_note: LazyString  # what a chat's share in the units table means
    brackets_note: LazyString  # the same, under the chats' table
    people_chart: LazyString  # the registrations chart's description

    def people_chart_description(self, first: str, learners: int, parents: int) -> str:
        return str(self.people_chart) % {"first": first, "pupils": learners, "students": learners,
                                         "parents": parents}


STATISTICS_WORDS = {
    "school": StatisticsWords(
        learners=_l("Pupils"),
        learners_registered=_l("Pupils registered"),
        learners_of_list=_l("Pupils: registered of the list."),
        share_note=_l("A chat's share: how many of the registered pupils (or parents) of the class are in its "
                      "chat."),
        brackets_note=_l("In brackets: the share of the pupils (or parents) of the class who are in its chat. "
                         "Every week since 1 September is in the spreadsheet."),
        people_chart=_l("Pupils and parents registered, week by week from %(first)s; now pupils: %(pupils)d, "
                        "parents: %(parents)d. The dashed line is parents. The figures are in the table below."),
    ),
    "kindergarten": StatisticsWords(
        learners=None,
        learners_registered=None,
        learners_of_list=None,
        share_note=_l("A chat's share: how many of the registered parents of the group are in its chat."),
        brackets_note=_l("In brackets: the share of the parents of the group who are in its chat. Every week "
                         "since 1 September is in the spreadsheet."),
        people_chart=_l("Parents registered, week by week from %(first)s; now: %(parents)d. The figures are in "
                        "the table below."),
    ),
    "college": StatisticsWords(
        learners=_l("Students"),
        learners_registered=_l("Students registered"),
        learners_of_list=_l("Students: registered of the list."),
        share_note=_l("A chat's share: how many of the registered students (or parents) of the group are in its "
                      "chat."),
        brackets_note=_l("In brackets: the share of the students (or parents) of the group who are in its chat. "
                         "Every week since 1 September is in the spreadsheet."),
        people_chart=_l("Students and parents registered, week by week from %(first)s; now students: "
                        "%(students)d, parents: %(parents)d. The dashed line is parents. The figures are in the "
                        "table below."),
    ),
}


def statistics_words(kind: str) -> StatisticsWords:
    return STATISTICS_WORDS[kind]
