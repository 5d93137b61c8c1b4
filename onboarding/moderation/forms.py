"""The moderator's forms: shape only (which member and which point are the
operations' question)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, SelectField
from wtforms.validators import DataRequired, Length, Optional

from ..fields import CleanTextAreaField, PlainText
from .operations import NOTE_LENGTH


def _member():
    return SelectField(_l("Member"), choices=[], coerce=str, validate_choice=False,
                       validators=[DataRequired(_l("Choose the member."))])


def _rule():
    return SelectField(_l("Point of the chat rules"), choices=[], coerce=str, validate_choice=False,
                       validators=[DataRequired(_l("Choose the point of the rules that was broken."))])


def _note():
    return CleanTextAreaField(
        _l("Note (optional)"),
        validators=[Optional(), Length(max=NOTE_LENGTH, message=_l("A note is at most %(max)d characters.")),
                    PlainText(multiline=True)],
        render_kw={"rows": 2, "maxlength": NOTE_LENGTH})


class ViolationForm(FlaskForm):
    member = _member()
    rule = _rule()
    note = _note()


class BlockForm(FlaskForm):
    member = _member()
    rule = _rule()
    until = DateField(
        _l("Blocked until (inclusive)"), format=["%Y-%m-%d", "%d.%m.%Y"],
        validators=[DataRequired(_l("Enter the date, e.g. 01.12.2026."))],
        render_kw={"type": "date"})


class RemovalForm(FlaskForm):
    member = _member()
    rule = _rule()
    note = _note()


class ButtonForm(FlaskForm):
    """A button (CSRF only): remind, propose, confirm, object, let back."""


class RedactForm(FlaskForm):
    event_id = HiddenField(validators=[DataRequired(), Length(max=255)])
