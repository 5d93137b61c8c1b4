"""The words of each kind of organisation, from one place.

A school has classes and teachers; a kindergarten has groups and staff
(воспитатель leads a group, pupils don't join); a college has groups,
lecturers and curators.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import LazyString, lazy_gettext as _l

from .orgs.policy import learners_join


@dataclass(frozen=True)
class Vocabulary:
    kind_name: LazyString
    unit: LazyString  # класс / группа
    units: LazyString  # классы / группы
    unit_genitive: LazyString  # класса / группы
    unit_accusative: LazyString  # (выберите) класс / группу
    staff_room: LazyString  # the staff-room unit's name
    staff_role: LazyString  # учитель / сотрудник / преподаватель
    staff_plural: LazyString
    lead: LazyString  # классный руководитель / воспитатель / куратор
    student: LazyString
    students: LazyString
    learners_join: bool
    units_have_grades: bool


VOCABULARY = {
    "school": Vocabulary(
        kind_name=_l("school"),
        unit=_l("class"),
        units=_l("classes"),
        unit_genitive=_l("of the class"),
        unit_accusative=_l("class (object)"),
        staff_room=_l("Staff room"),
        staff_role=_l("teacher"),
        staff_plural=_l("teachers"),
        lead=_l("homeroom teacher"),
        student=_l("pupil"),
        students=_l("pupils"),
        learners_join=learners_join("school"),
        units_have_grades=True,
    ),
    "kindergarten": Vocabulary(
        kind_name=_l("kindergarten"),
        unit=_l("group"),
        units=_l("groups"),
        unit_genitive=_l("of the group"),
        unit_accusative=_l("group (object)"),
        staff_room=_l("Staff"),
        staff_role=_l("staff member"),
        staff_plural=_l("staff members"),
        lead=_l("group teacher"),
        student=_l("child"),
        students=_l("children"),
        learners_join=learners_join("kindergarten"),
        units_have_grades=False,
    ),
    "college": Vocabulary(
        kind_name=_l("college"),
        unit=_l("group"),
        units=_l("groups"),
        unit_genitive=_l("of the group"),
        unit_accusative=_l("group (object)"),
        staff_room=_l("Staff room"),
        staff_role=_l("lecturer"),
        staff_plural=_l("lecturers"),
        lead=_l("curator"),
        student=_l("student"),
        students=_l("students"),
        learners_join=learners_join("college"),
        units_have_grades=False,
    ),
}

KIND_CHOICES = (
    ("school", _l("School")),
    ("kindergarten", _l("Kindergarten")),
    ("college", _l("College or additional education")),
)


def words(kind: str) -> Vocabulary:
    return VOCABULARY[kind]


def role_name(kind: str, role: str) -> LazyString:
    """A member's role as others in the organisation see it."""
    vocabulary = VOCABULARY[kind]
    return {
        "admin": _l("administrator"),
        "teacher": vocabulary.staff_role,
        "student": vocabulary.student,
        "parent": _l("parent"),
    }[role]
