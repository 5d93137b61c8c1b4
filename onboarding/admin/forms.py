from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectChoice, SelectField
from wtforms.validators import DataRequired, Length, NumberRange

from ..fields import CleanTextAreaField, PlainText, text_field
from ..i18n import RUSSIAN_TIMEZONES


class OrganisationForm(FlaskForm):
    name = text_field(_l("Full name of the organisation"), max_length=200,
                      description=_l("As in the charter, e.g. МБОУ «Средняя школа № 5»."))
    short_name = text_field(_l("Short name (optional)"), required=False, max_length=100)
    city = text_field(_l("City or village (optional)"), required=False, max_length=100)
    timezone = SelectField(
        _l("Time zone"),
        choices=[SelectChoice(zone, zone) for zone in RUSSIAN_TIMEZONES],
        description=_l("Quiet hours in the parents' chat and all dates follow it."),
    )

    def __init__(self, *args, current_timezone: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if current_timezone and current_timezone not in RUSSIAN_TIMEZONES:
            self.timezone.choices.insert(0, SelectChoice(current_timezone, current_timezone))


class ClassListForm(FlaskForm):
    names = CleanTextAreaField(
        _l("Classes"),
        validators=[DataRequired(_l("Please enter at least one class.")), Length(max=2000), PlainText(multiline=True)],
        description=_l("Separated by spaces, e.g. 1А 1Б 2А 5В."),
        render_kw={"rows": 3, "autocapitalize": "characters", "maxlength": 2000},
    )


class GradeLettersForm(FlaskForm):
    grade = IntegerField(
        _l("Grade"),
        validators=[DataRequired(_l("Please enter a grade from 1 to 11.")),
                    NumberRange(min=1, max=11, message=_l("Please enter a grade from 1 to 11."))],
        render_kw={"inputmode": "numeric", "min": 1, "max": 11},
    )
    letters = text_field(_l("Letters"), max_length=40, description=_l("E.g. АБВ or А-Г."),
                         autocapitalize="characters")


class GroupListForm(FlaskForm):
    names = CleanTextAreaField(
        _l("Groups"),
        validators=[DataRequired(_l("Please enter at least one group.")), Length(max=3000), PlainText(multiline=True)],
        description=_l("One per line, e.g. Солнышко or ИС-21."),
        render_kw={"rows": 4, "maxlength": 3000},
    )
