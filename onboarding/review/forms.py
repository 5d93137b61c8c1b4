from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, TextAreaField
from wtforms.validators import InputRequired, Length

from ..fields import text_field
from ..invites.forms import PupilNames


class ReasonForm(FlaskForm):
    reason = text_field(_l("Reason (the person will see it)"), max_length=500)


class DecideForm(FlaskForm):
    """A button (CSRF only)."""


class ApproveForm(FlaskForm):
    """Approve a join request; a teacher's may also make them homeroom teacher."""

    lead = BooleanField()


# The question on a parent's card, in the organisation's words.
CHILD_QUESTION = {
    "school": _l("Which pupil is it?"),
    "kindergarten": _l("Which child is it?"),
    "college": _l("Which student is it?"),
}


class MatchChildForm(FlaskForm):
    """A name on the class list ("e<id>"), a pupil account ("<id>"), or the
    name the parent typed ("new"); which of them exist is the view's question."""

    child = SelectField(_l("Which pupil is it?"), choices=[], coerce=str, validate_choice=False)


class RosterNamesForm(FlaskForm):
    names = TextAreaField(
        _l("Names to add"),
        validators=[InputRequired(_l("Please enter at least one name.")), Length(max=12000), PupilNames()],
        description=_l("One per line: surname and name, e.g. Петров Иван. You can paste a column from a spreadsheet."),
        render_kw={"rows": 8, "maxlength": 12000, "autocomplete": "off"},
    )


class RosterMatchForm(FlaskForm):
    """A name on the list and the pupil account it is; the view checks both belong to the unit."""

    entry = SelectField(_l("Name on the list"), choices=[], coerce=str, validate_choice=False)
    pupil = SelectField(_l("Pupil's account"), choices=[], coerce=str, validate_choice=False)


class RosterRemoveForm(FlaskForm):
    """A name to take off the list (a typing slip); the operation says whether it may go."""

    entry = SelectField(_l("Take a name off the list"), choices=[], coerce=str, validate_choice=False)
