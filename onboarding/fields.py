"""Form fields and validators shared by every form: shape only.

Names are NFC-normalised and refused if they hold control or format
characters (NUL, bidi overrides, zero-width characters) or anything but
letters, spaces, hyphens, apostrophes and dots. E-mail addresses go through
email-validator; phone numbers through phonenumbers (region RU) to E.164.
"""
from __future__ import annotations

import re
import unicodedata
from datetime import date

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l
from wtforms import PasswordField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from .people.passwords import MAX_LENGTH, MIN_LENGTH, is_common


def normalise_text(value: str | None) -> str:
    if value is None:
        return ""
    value = unicodedata.normalize("NFC", value)
    return " ".join(value.split())


def has_forbidden_characters(value: str) -> bool:
    """Control (Cc), format (Cf: bidi overrides, zero-width), unassigned or private use."""
    return any(unicodedata.category(ch) in {"Cc", "Cf", "Cn", "Co", "Cs"} for ch in value)


_NAME_PUNCTUATION = set(" -'’.")


def is_plain_name(value: str) -> bool:
    return all(ch.isalpha() or ch in _NAME_PUNCTUATION or unicodedata.category(ch) == "Mn" for ch in value)


class CleanStringField(StringField):
    """NFC-normalised, trimmed, inner whitespace collapsed."""

    def process_formdata(self, valuelist):
        if valuelist:
            self.data = normalise_text(valuelist[0])
        else:
            self.data = ""


class PlainText:
    """No control or format characters (line breaks allowed where `multiline`)."""

    def __init__(self, message=None, multiline: bool = False):
        self.message = message or _l("Remove invisible or control characters.")
        self.multiline = multiline

    def __call__(self, form, field):
        value = field.data or ""
        if self.multiline:
            value = value.replace("\r", "").replace("\n", "")
        if has_forbidden_characters(value):
            raise ValidationError(self.message)


class CleanTextAreaField(TextAreaField):
    """NFC-normalised lines, each trimmed; line breaks kept."""

    def process_formdata(self, valuelist):
        raw = valuelist[0] if valuelist else ""
        lines = unicodedata.normalize("NFC", raw).replace("\r\n", "\n").replace("\r", "\n").split("\n")
        self.data = "\n".join(" ".join(line.split()) for line in lines).strip("\n")


class PersonName(PlainText):
    def __call__(self, form, field):
        super().__call__(form, field)
        if field.data and not is_plain_name(field.data):
            raise ValidationError(_l("Use letters only: hyphens and spaces are allowed too."))


def name_field(label, required: bool = True, max_length: int = 100):
    presence = DataRequired(_l("Please fill in this field.")) if required else Optional()
    return CleanStringField(
        label,
        validators=[presence, Length(max=max_length, message=_l("At most %(max)d characters.")), PersonName()],
        render_kw={"autocomplete": "off", "maxlength": max_length},
    )


def text_field(label, required: bool = True, max_length: int = 200, **render_kw):
    presence = DataRequired(_l("Please fill in this field.")) if required else Optional()
    return CleanStringField(
        label,
        validators=[presence, Length(max=max_length, message=_l("At most %(max)d characters.")), PlainText()],
        render_kw={"maxlength": max_length, **render_kw},
    )


def masked_email(email: str) -> str:
    """p•••@mail.ru: enough for its owner to recognise, little for anyone else."""
    local, _sep, domain = email.partition("@")
    return f"{local[:1]}•••@{domain}"


def normalise_email(value: str) -> str:
    """The canonical form of an address; raises ValueError if it is not one."""
    if not value or "\r" in value or "\n" in value or len(value) > 254:
        raise ValueError("invalid")
    value = unicodedata.normalize("NFKC", value.strip())
    try:
        result = validate_email(value, check_deliverability=False)
    except EmailNotValidError as error:
        raise ValueError(str(error)) from error
    return result.normalized.lower()


class EmailAddressField(StringField):
    def process_formdata(self, valuelist):
        self.raw = valuelist[0] if valuelist else ""
        self.data = self.raw.strip()

    def pre_validate(self, form):
        if not self.data:
            return
        try:
            self.data = normalise_email(self.data)
        except ValueError:
            raise ValidationError(_l("Enter an e-mail address like name@example.ru.")) from None


def email_field(label, required: bool = True):
    presence = DataRequired(_l("Please enter your e-mail address.")) if required else Optional()
    return EmailAddressField(
        label,
        validators=[presence, Length(max=254, message=_l("At most %(max)d characters."))],
        render_kw={"type": "email", "autocomplete": "email", "inputmode": "email", "maxlength": 254},
    )


class PhoneField(StringField):
    def process_formdata(self, valuelist):
        self.data = (valuelist[0] if valuelist else "").strip()

    def pre_validate(self, form):
        if not self.data:
            self.data = None
            return
        if len(self.data) > 30 or has_forbidden_characters(self.data):
            raise ValidationError(_l("Enter a mobile number like +7 912 345-67-89."))
        try:
            number = phonenumbers.parse(self.data, "RU")
        except phonenumbers.NumberParseException:
            raise ValidationError(_l("Enter a mobile number like +7 912 345-67-89.")) from None
        if not phonenumbers.is_valid_number(number):
            raise ValidationError(_l("Enter a mobile number like +7 912 345-67-89."))
        self.data = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)

    def _value(self):
        return self.data or ""


def phone_field(label):
    return PhoneField(
        label,
        validators=[Optional()],
        render_kw={"type": "tel", "autocomplete": "tel", "inputmode": "tel", "maxlength": 30},
    )


class NewPassword:
    def __call__(self, form, field):
        password = field.data or ""
        if len(password) < MIN_LENGTH:
            raise ValidationError(_l("The password must be at least %(min)d characters long.", min=MIN_LENGTH))
        if len(password) > MAX_LENGTH:
            raise ValidationError(_l("The password must be at most %(max)d characters long.", max=MAX_LENGTH))
        if is_common(password):
            raise ValidationError(_l("This password is too common. Please choose another."))


def new_password_field(label):
    return PasswordField(
        label,
        validators=[DataRequired(_l("Please choose a password.")), NewPassword()],
        render_kw={"autocomplete": "new-password", "maxlength": MAX_LENGTH},
        description=_l("At least 8 characters. A phrase of several words is easy to remember."),
    )


class DateWithin:
    """A date at most `before` days before and `after` days after today (UTC).

    A typed date (9999-12-31, 0001-01-01) never reaches date arithmetic, where
    the ends of the calendar overflow; the exact rule is the service's.
    """

    def __init__(self, before: int, after: int, message):
        self.before, self.after, self.message = before, after, message

    def __call__(self, form, field):
        if field.data is None:
            return
        days = (field.data - date.today()).days
        if not -self.before <= days <= self.after:
            raise ValidationError(self.message)


_DIGITS = re.compile(r"[0-9]{6}")


class CodeField(StringField):
    """Six ASCII digits; spaces and hyphens people type are dropped."""

    def process_formdata(self, valuelist):
        raw = valuelist[0] if valuelist else ""
        self.data = raw.replace(" ", "").replace("-", "")[:20]

    def pre_validate(self, form):
        if not _DIGITS.fullmatch(self.data or ""):
            raise ValidationError(_l("Enter the six digits from the e-mail."))


def code_field(label):
    return CodeField(
        label,
        render_kw={
            "inputmode": "numeric",
            "autocomplete": "one-time-code",
            "pattern": "[0-9 ]*",
            "maxlength": 7,
        },
    )
