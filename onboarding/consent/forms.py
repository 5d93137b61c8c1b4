from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField
from wtforms.validators import DataRequired


class WithdrawForm(FlaskForm):
    sure = BooleanField(
        _l("I understand what happens and want to withdraw this consent"),
        validators=[DataRequired(_l("Please tick the box to confirm."))],
    )
