from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField
from wtforms.validators import DataRequired, Length

from ..fields import CleanTextAreaField, PlainText
from ..matrix.messages import MAX_LENGTH


class RulesForm(FlaskForm):
    next = HiddenField()
    agree = BooleanField(
        _l("I have read the chat rules and will follow them"),
        validators=[DataRequired(_l("Please accept the rules to join chats."))],
    )


class ActionForm(FlaskForm):
    """A button that joins or leaves one chat (CSRF only); leaving asks once
    more, and the confirmation page sends `confirmed=yes`."""

    next = HiddenField()
    confirmed = HiddenField()

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed.data == "yes"


class MessageForm(FlaskForm):
    """A message: plain text, line breaks allowed; `txn` makes a repeated
    send (a weak connection's second tap) arrive once."""

    body = CleanTextAreaField(
        _l("Message"),
        validators=[DataRequired(_l("Write the message first.")),
                    Length(max=MAX_LENGTH, message=_l("A message is at most %(max)d characters.")),
                    PlainText(multiline=True)],
        render_kw={"rows": 3, "maxlength": MAX_LENGTH},
    )
    txn = HiddenField()
