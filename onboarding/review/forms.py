from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField

from ..fields import text_field


class ReasonForm(FlaskForm):
    reason = text_field(_l("Reason (the person will see it)"), max_length=500)


class DecideForm(FlaskForm):
    """A button (CSRF only)."""


class ApproveForm(FlaskForm):
    """Approve a join request; a teacher's may also make them homeroom teacher."""

    lead = BooleanField()


class MatchChildForm(FlaskForm):
    child = SelectField(_l("Which pupil is it?"), choices=[], coerce=str, validate_choice=False)
