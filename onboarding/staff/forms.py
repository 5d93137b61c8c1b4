"""Forms of the movement and staff pages: shape only. Choices are filled by
the views and checked there (a value not offered gets an error beside the
field, never a 500)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectChoice, SelectField
from wtforms.validators import DataRequired

from ..fields import text_field

CHOOSE = _l("Please choose from the list.")


def choice_field(label, description=None):
    return SelectField(label, choices=[], coerce=str, validate_choice=False, description=description)


def chosen_id(field, allowed: set[int]) -> int | None:
    """The id chosen in a select, if it is one offered; else an error beside it."""
    value = (field.data or "").strip()
    if value.isascii() and value.isdigit() and int(value) in allowed:
        return int(value)
    field.errors = [*field.errors, CHOOSE]
    return None


class ButtonForm(FlaskForm):
    """A button (CSRF only)."""


class TransferForm(FlaskForm):
    unit = choice_field(_l("Move to"))


class PromoteForm(FlaskForm):
    confirm = BooleanField(_l("Yes, move the class up a grade"),
                           validators=[DataRequired(_l("Please tick the box to confirm."))])


class PupilLeaveForm(FlaskForm):
    reason = text_field(_l("Reason (optional)"), required=False, max_length=200)
    confirm = BooleanField(_l("Yes, the pupil leaves the organisation"),
                           validators=[DataRequired(_l("Please tick the box to confirm."))])


class EmployeeLeaveForm(FlaskForm):
    successor = choice_field(_l("Who takes over the homeroom duty and moderation"))
    reason = text_field(_l("Reason (optional)"), required=False, max_length=200)
    confirm = BooleanField(_l("Yes, the employee leaves the organisation"),
                           validators=[DataRequired(_l("Please tick the box to confirm."))])


class RemoveLeadForm(FlaskForm):
    confirm = BooleanField(_l("Yes, remove without a successor"),
                           validators=[DataRequired(_l("Please tick the box to confirm."))])


class TeacherForm(FlaskForm):
    """Choose a verified teacher (the lead of a unit, or a subject teacher)."""

    teacher = choice_field(_l("Teacher"))


class PositionForm(FlaskForm):
    position = SelectField(_l("Position"), coerce=str, validate_choice=False, choices=[
        SelectChoice("", _l("No position")), SelectChoice("director", _l("Director")),
        SelectChoice("deputy", _l("Deputy director"))])
