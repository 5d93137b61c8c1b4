"""Registration forms: shape only. Role and unit are never fields: they come
from the invite."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, HiddenField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp, ValidationError

from ..auth.forms import remember_field
from ..fields import code_field, email_field, has_forbidden_characters, name_field, new_password_field, phone_field


class AdultForm(FlaskForm):
    """An administrator, a teacher or a parent."""

    last_name = name_field(_l("Last name"))
    first_name = name_field(_l("First name"))
    patronymic = name_field(_l("Patronymic (if any)"), required=False)
    email = email_field(_l("E-mail"))
    phone = phone_field(_l("Mobile phone (optional)"))
    password = new_password_field(_l("Password"))
    remember = remember_field()


class ParentForm(AdultForm):
    """A parent from the unit's link names their child; the teacher confirms."""

    child_name = name_field(_l("Your child's last and first name"), max_length=200)


class StudentStartForm(FlaskForm):
    last_name = name_field(_l("Last name"))
    first_name = name_field(_l("First name"))
    birth_date = DateField(
        _l("Date of birth"), format=["%Y-%m-%d", "%d.%m.%Y"],
        validators=[DataRequired(_l("Enter the date of birth, e.g. 01.09.2012."))],
        render_kw={"type": "date", "autocomplete": "bday"},
    )


class StudentOwnForm(FlaskForm):
    """A pupil aged 14 or older, not in grades 1-4."""

    email = email_field(_l("Your e-mail"))
    password = new_password_field(_l("Password"))
    remember = remember_field()


class LoginNameField(StringField):
    def process_formdata(self, valuelist):
        self.data = (valuelist[0] if valuelist else "").strip().lower()


class StudentYoungForm(FlaskForm):
    """A pupil in grades 1-4 or under 14: a login name, and a parent confirms."""

    login = LoginNameField(
        _l("Login name"),
        validators=[
            DataRequired(_l("Please fill in this field.")),
            Regexp(r"^[a-z][a-z0-9._-]{2,39}$",
                   message=_l("3 to 40 Latin letters, digits, dots or hyphens, starting with a letter.")),
        ],
        render_kw={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false", "maxlength": 40},
    )
    password = new_password_field(_l("Password"))
    parent_email = email_field(_l("A parent's e-mail"))
    remember = remember_field()


class CodeForm(FlaskForm):
    code = code_field(_l("Code from the e-mail"))


class ResendForm(FlaskForm):
    resend = SubmitField(_l("Send a new code"))


class ContinueForm(FlaskForm):
    go = SubmitField(_l("Continue"))


class ParentConfirmForm(FlaskForm):
    agree = BooleanField(
        _l("I am the parent (legal guardian) and consent to the processing of my child's personal data"),
        validators=[DataRequired(_l("Without consent the account stays inactive."))],
    )


class ParentAccountForm(FlaskForm):
    """The parent who confirmed a young pupil's registration, for an account
    of their own: the e-mail is the one the letter went to."""

    last_name = name_field(_l("Last name"))
    first_name = name_field(_l("First name"))
    patronymic = name_field(_l("Patronymic (if any)"), required=False)
    password = new_password_field(_l("Password"))
    agree = BooleanField(
        _l("I have read the text and consent to the processing of my personal data"),
        validators=[DataRequired(_l("Without consent we can't register you."))],
    )
    remember = remember_field()


class PersonalDataConsentForm(FlaskForm):
    agree = BooleanField(
        _l("I have read the text and consent to the processing of my personal data"),
        validators=[DataRequired(_l("Without consent we can't register you."))],
    )


class RedeemForm(FlaskForm):
    """A logged-in user takes a new invite."""

    step = HiddenField()

    child_name = name_field(_l("Your child's last and first name"), required=False, max_length=200)
    agree = BooleanField(_l("I have read the text and consent to the processing of my personal data"))


class CleanTextArea(TextAreaField):
    def process_formdata(self, valuelist):
        self.data = (valuelist[0] if valuelist else "").strip()


class MultilinePlain:
    def __call__(self, form, field):
        if field.data and has_forbidden_characters(field.data.replace("\n", " ").replace("\r", " ")):
            raise ValidationError(_l("Remove invisible or control characters."))


class JoinRequestForm(FlaskForm):
    last_name = name_field(_l("Last name"))
    first_name = name_field(_l("First name"))
    patronymic = name_field(_l("Patronymic (if any)"), required=False)
    email = email_field(_l("E-mail"))
    role = SelectField(_l("I am"), choices=[], validate_choice=True)
    unit = SelectField(_l("Class or group"), choices=[], coerce=str, validate_choice=True)
    message = CleanTextArea(
        _l("Message to the administrator (optional)"),
        validators=[Optional(), Length(max=1000, message=_l("At most %(max)d characters.")), MultilinePlain()],
        render_kw={"maxlength": 1000, "rows": 4},
    )
