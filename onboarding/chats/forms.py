from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField
from wtforms.validators import DataRequired


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
