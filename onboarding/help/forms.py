"""The contact form: shape only."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField
from wtforms.validators import DataRequired, Length

from ..fields import CleanTextAreaField, PlainText, text_field
from .operations import MAX_MESSAGE, MAX_SUBJECT


class ContactForm(FlaskForm):
    subject = text_field(_l("Subject of the message"), max_length=MAX_SUBJECT)
    message = CleanTextAreaField(
        _l("Message"),
        validators=[DataRequired(_l("Write the message first.")),
                    Length(max=MAX_MESSAGE, message=_l("A message is at most %(max)d characters.")),
                    PlainText(multiline=True)],
        description=_l("Plain text, at most %(max)d characters.", max=MAX_MESSAGE),
        render_kw={"rows": 8, "maxlength": MAX_MESSAGE},
    )
    reply = BooleanField(_l("The administrators may answer me by e-mail"),
                         description=_l("Otherwise they see your name and role, but not your e-mail."))
