"""Invite forms: shape only; who may create what is the service's question."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, IntegerField, RadioField, SelectChoice, SelectField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from ..core.tokens import is_row_id
from ..fields import DateWithin, email_field, has_forbidden_characters, is_plain_name, name_field
from .letters import MAX_LETTERS, split_names
from .operations import DEFAULT_MAX_USES, DEFAULT_PRESET, MAX_LIFETIME, MAX_USES_LIMIT

EXPIRY_CHOICES = [
    SelectChoice("1d", _l("1 day")),
    SelectChoice("7d", _l("7 days")),
    SelectChoice("30d", _l("30 days")),
    SelectChoice("aug31", _l("until 31 August")),
]


class UnitField(SelectField):
    """A unit id; whether it belongs to the organisation is checked by the view (404)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, coerce=int, validate_choice=False, **kwargs)

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None
        if self.data is not None and self.data != 0 and not is_row_id(self.data):
            self.data = None  # 0 is the «—» choice; no row has a negative or huge id


class InviteForm(FlaskForm):
    kind = RadioField(_l("Who is the link for"), validators=[InputRequired(_l("Please choose who the link is for."))])
    unit = UnitField(_l("Where to"), validators=[Optional()])
    pupil_name = name_field(_l("Pupil's full name"), required=False, max_length=200)
    expiry = RadioField(_l("Valid"), choices=EXPIRY_CHOICES, default=DEFAULT_PRESET)
    expires_on = DateField(
        _l("Or valid until a date (optional)"),
        # A day either side of the service's exact rule: the organisation's
        # "today" may differ from UTC's.
        validators=[Optional(), DateWithin(1, MAX_LIFETIME.days + 1, _l("Choose a date from tomorrow to a year ahead."))],
        render_kw={"type": "date"},
    )
    max_uses = IntegerField(
        _l("How many people may use it"), default=DEFAULT_MAX_USES,
        validators=[InputRequired(_l("Please enter a number from 1 to %(max)d.", max=MAX_USES_LIMIT)),
                    NumberRange(1, MAX_USES_LIMIT, _l("Please enter a number from 1 to %(max)d.", max=MAX_USES_LIMIT))],
        description=_l("A personal link always works once."),
        render_kw={"inputmode": "numeric", "min": 1, "max": MAX_USES_LIMIT},
    )
    extra = RadioField(_l("Also"), choices=[SelectChoice("none", _l("nothing more"))], default="none")
    invitee_email = email_field(_l("The new administrator's e-mail"), required=False)
    lead_unit = UnitField(_l("Homeroom of"), validators=[Optional()])


class PupilNames:
    """One plain name per line, at most MAX_LETTERS."""

    def __call__(self, form, field):
        names = split_names(field.data or "")
        if not names:
            raise ValidationError(_l("Please enter at least one name."))
        if len(names) > MAX_LETTERS:
            raise ValidationError(_l("At most %(max)d names at once, please.", max=MAX_LETTERS))
        bad = [name for name in names if len(name) > 200 or has_forbidden_characters(name) or not is_plain_name(name)]
        if bad:
            raise ValidationError(_l("Use letters only in names: %(names)s.", names=", ".join(bad[:3])))
        field.names = names


class LettersForm(FlaskForm):
    names = TextAreaField(
        _l("Pupils' names"),
        validators=[InputRequired(_l("Please enter at least one name.")), Length(max=12000), PupilNames()],
        description=_l("One per line, e.g. Петров Иван. Each letter gets its own single-use link for the parents."),
        render_kw={"rows": 10, "maxlength": 12000, "autocomplete": "off"},
    )
    expiry = RadioField(_l("Links valid"), choices=EXPIRY_CHOICES, default="30d")


class ConfirmForm(FlaskForm):
    """A state change asks once more before it happens."""

    confirmed = HiddenField()

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed.data == "yes"
