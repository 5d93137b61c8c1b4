from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SubmitField
from wtforms.validators import DataRequired

from ..fields import code_field, email_field, name_field, new_password_field, phone_field


class AdultForm(FlaskForm):
    """An administrator, a teacher or a parent."""

    last_name = name_field(_l("Last name"))
    first_name = name_field(_l("First name"))
    patronymic = name_field(_l("Patronymic (if any)"), required=False)
    email = email_field(_l("E-mail"))
    phone = phone_field(_l("Mobile phone (optional)"))
    password = new_password_field(_l("Password"))


class CodeForm(FlaskForm):
    code = code_field(_l("Code from the e-mail"))


class ResendForm(FlaskForm):
    resend = SubmitField(_l("Send a new code"))


class PersonalDataConsentForm(FlaskForm):
    agree = BooleanField(
        _l("I have read the text and consent to the processing of my personal data"),
        validators=[DataRequired(_l("Without consent we can't register you."))],
    )
