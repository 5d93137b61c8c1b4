from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, StringField
from wtforms.validators import DataRequired, Length

from ..fields import PlainText, email_field, new_password_field


def remember_field() -> BooleanField:
    """«Запомнить меня», ticked unless the person unticks it: 30 days on this
    device, ended by logging out or changing the password."""
    return BooleanField(
        _l("Remember me on this device"), default=True,
        description=_l("You stay logged in for 30 days, until you log out or change the password. "
                       "Untick it on someone else's device."),
    )


class LoginForm(FlaskForm):
    identifier = StringField(
        _l("E-mail or login"),
        validators=[DataRequired(_l("Please enter your e-mail or login.")), Length(max=254), PlainText()],
        render_kw={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false", "maxlength": 254},
        description=_l("A pupil without an e-mail enters the login given at registration."),
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(_l("Please enter your password.")), Length(max=1000)],
        render_kw={"autocomplete": "current-password"},
    )
    remember = remember_field()


class ForgotPasswordForm(FlaskForm):
    email = email_field(_l("E-mail"))


class ResetPasswordForm(FlaskForm):
    password = new_password_field(_l("New password"))


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        _l("Current password"),
        validators=[DataRequired(_l("Please enter your current password.")), Length(max=1000)],
        render_kw={"autocomplete": "current-password"},
    )
    password = new_password_field(_l("New password"))
