from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField

from ..fields import text_field


class ReasonForm(FlaskForm):
    reason = text_field(_l("Reason (the person will see it)"), max_length=500)


class DecideForm(FlaskForm):
    """A button (CSRF only)."""


class MatchChildForm(FlaskForm):
    child = SelectField(_l("Which pupil is it?"), choices=[], coerce=str, validate_choice=False)
