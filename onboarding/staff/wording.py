"""The staff and movement pages' sentences for each kind of organisation: a
school's pupils, classes, homeroom teachers and teachers; a college's
students, groups, curators and lecturers; a kindergarten's groups, group
teachers and staff (its children have no accounts: nothing moves them
here). Whole sentences, one message each, so that every one reads right in
Russian; the single words in a safe slot (a heading, «куратор группы
ИС-21») come from `vocabulary.py`.

A sentence is formatted with `%` and a mapping (`|format(...)` in a
template); each kind's sentence takes the values it names and ignores the
rest. Moving a whole unit up a grade is a school's alone (only a school's
classes have a grade: `vocabulary.units_have_grades`), so its sentences
stay in the views and templates."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import LazyString, lazy_gettext as _l


@dataclass(frozen=True)
class StaffWords:
    units_intro: LazyString  # the overview: what a unit's page is for; %(unit)s the word (accusative)
    staff_label: LazyString  # the select of a unit's lead or staff: Учитель / Преподаватель / Сотрудник
    staff_of: LazyString  # a unit's staff, heading: %(unit)s the unit's name
    lead_hint: LazyString  # under the lead's select; %(unit)s the word (genitive), %(lead)s
    attach_hint: LazyString  # under the select of staff to attach
    attached: LazyString  # done; %(name)s, %(unit)s the unit's name
    detached: LazyString
    attached_already: LazyString  # refused: attached already
    attached_letter: LazyString  # to the person attached; %(unit_genitive)s, %(unit)s
    history_attached: LazyString  # a person's history; %(unit)s
    history_detached: LazyString
    lead_first: LazyString  # the lead is not detached: name another first
    leads: LazyString  # a leaving employee's page; %(units)s
    successor_label: LazyString
    successor_required: LazyString
    admin_verified_only: LazyString
    position_verified_only: LazyString
    # None where the learners have no accounts (a kindergarten): never shown.
    learners_hint: LazyString | None  # under a unit's list of learners
    no_learners: LazyString | None
    learner_moves_note: LazyString | None  # above the transfer's form
    learner_there: LazyString | None  # a transfer refused: in that unit already
    learner_leaves_note: LazyString | None  # %(unit)s the word (genitive)
    learner_leaves_confirm: LazyString | None
    learner_left_letter: LazyString | None  # to the parents; %(child)s, %(org)s
    # The head and their deputies (`membership.position`): a school's and a
    # college's «директор», a kindergarten's «заведующий».
    director: LazyString  # a choice: Директор
    deputy: LazyString
    director_short: LazyString  # in a list: директор
    deputy_short: LazyString
    history_director: LazyString  # a person's history: Должность: директор
    history_deputy: LazyString
    director_letter: LazyString  # to the person; %(org)s
    deputy_letter: LazyString


DIRECTOR = {"director": _l("Director"), "deputy": _l("Deputy director"), "director_short": _l("director"),
            "deputy_short": _l("deputy director"), "history_director": _l("position: director"),
            "history_deputy": _l("position: deputy director"),
            "director_letter": _l("You have been recorded as the director of %(org)s."),
            "deputy_letter": _l("You have been recorded as a deputy director of %(org)s.")}
HEAD = {"director": _l("Head"), "deputy": _l("Deputy head"), "director_short": _l("head"),
        "deputy_short": _l("deputy head"), "history_director": _l("position: head"),
        "history_deputy": _l("position: deputy head"),
        "director_letter": _l("You have been recorded as the head of %(org)s."),
        "deputy_letter": _l("You have been recorded as a deputy head of %(org)s.")}


STAFF_WORDS = {
    "school": StaffWords(
        units_intro=_l("Open a %(unit)s to move its pupils, up a grade or one by one, and to name its teachers."),
        staff_label=_l("Teacher"),
        staff_of=_l("Teachers of %(unit)s"),
        lead_hint=_l("Verified teachers only; the chats %(unit)s are moderated by the %(lead)s."),
        attach_hint=_l("A subject teacher joins the teachers' chat and may invite pupils and parents."),
        attached=_l("%(name)s now teaches %(unit)s."),
        detached=_l("%(name)s no longer teaches %(unit)s."),
        attached_already=_l("This teacher teaches it already."),
        attached_letter=_l("You have been added to the teachers %(unit_genitive)s %(unit)s: you may join its "
                           "teachers' chat and invite its pupils and parents."),
        history_attached=_l("teaches %(unit)s"),
        history_detached=_l("no longer teaches %(unit)s"),
        lead_first=_l("Name another homeroom teacher first."),
        leads=_l("Leads: %(units)s. Choose who takes over."),
        successor_label=_l("Who takes over the homeroom duty and moderation"),
        successor_required=_l("Please choose who takes over: this employee leads a class or moderates chats."),
        admin_verified_only=_l("Only a teacher whose status has been verified may be an administrator."),
        position_verified_only=_l("Only a teacher whose status has been verified may hold a position."),
        learners_hint=_l("Open a name to move one pupil or to record their leaving."),
        no_learners=_l("No pupils with an account yet."),
        learner_moves_note=_l("Their parents follow. Everyone is offered the new chats and joins them by choice."),
        learner_there=_l("The pupil is there already."),
        learner_leaves_note=_l("The pupil leaves every chat, and so do their parents, unless another child of "
                               "theirs is on the list %(unit)s. The parents are told by e-mail."),
        learner_leaves_confirm=_l("Yes, the pupil leaves the organisation"),
        learner_left_letter=_l("%(child)s has left %(org)s: the administrator has recorded it."),
        **DIRECTOR,
    ),
    "college": StaffWords(
        units_intro=_l("Open a group to move its students to another group, one by one, and to name its curator "
                       "and lecturers."),
        staff_label=_l("Lecturer"),
        staff_of=_l("Lecturers of the group %(unit)s"),
        lead_hint=_l("Verified lecturers only; the group's chats are moderated by its curator."),
        attach_hint=_l("A lecturer joins the group's lecturers' chat and may invite students and parents."),
        attached=_l("%(name)s now teaches the group %(unit)s."),
        detached=_l("%(name)s no longer teaches the group %(unit)s."),
        attached_already=_l("This lecturer teaches the group already."),
        attached_letter=_l("You have been added to the lecturers of the group %(unit)s: you may join its "
                           "lecturers' chat and invite its students and parents."),
        history_attached=_l("teaches the group %(unit)s"),
        history_detached=_l("no longer teaches the group %(unit)s"),
        lead_first=_l("Name another curator first."),
        leads=_l("Curator of %(units)s. Choose who takes over."),
        successor_label=_l("Who takes over the curatorship and moderation"),
        successor_required=_l("Please choose who takes over: this employee is a curator or moderates chats."),
        admin_verified_only=_l("Only a lecturer whose status has been verified may be an administrator."),
        position_verified_only=_l("Only a lecturer whose status has been verified may hold a position."),
        learners_hint=_l("Open a name to move one student or to record their leaving."),
        no_learners=_l("No students with an account yet."),
        learner_moves_note=_l("The student's parents follow. Everyone is offered the new chats and joins them by "
                              "choice."),
        learner_there=_l("The student is in this group already."),
        learner_leaves_note=_l("The student leaves every chat, and so do their parents, unless another child of "
                               "theirs is on the group's list. The parents are told by e-mail."),
        learner_leaves_confirm=_l("Yes, the student leaves the organisation"),
        learner_left_letter=_l("A student, %(child)s, has left %(org)s: the administrator has recorded it."),
        **DIRECTOR,
    ),
    "kindergarten": StaffWords(
        units_intro=_l("Open a group to name its group teacher and its other staff."),
        staff_label=_l("Staff member"),
        staff_of=_l("Staff of the group %(unit)s"),
        lead_hint=_l("Verified staff only; the group's chats are moderated by its group teacher."),
        attach_hint=_l("A staff member (an assistant, the music teacher, the speech therapist) joins the group's "
                       "staff chat and may invite parents."),
        attached=_l("%(name)s now works with the group %(unit)s."),
        detached=_l("%(name)s no longer works with the group %(unit)s."),
        attached_already=_l("This staff member works with the group already."),
        attached_letter=_l("You have been added to the staff of the group %(unit)s: you may join its staff chat "
                           "and invite its parents."),
        history_attached=_l("works with the group %(unit)s"),
        history_detached=_l("no longer works with the group %(unit)s"),
        lead_first=_l("Name another group teacher first."),
        leads=_l("Group teacher of %(units)s. Choose who takes over."),
        successor_label=_l("Who takes over the group teacher's duties and moderation"),
        successor_required=_l("Please choose who takes over: this employee is a group teacher or moderates "
                              "chats."),
        admin_verified_only=_l("Only a staff member whose status has been verified may be an administrator."),
        position_verified_only=_l("Only a staff member whose status has been verified may hold a position."),
        learners_hint=None,
        no_learners=None,
        learner_moves_note=None,
        learner_there=None,
        learner_leaves_note=None,
        learner_leaves_confirm=None,
        learner_left_letter=None,
        **HEAD,
    ),
}


def staff_words(kind: str) -> StaffWords:
    return STAFF_WORDS[kind]
