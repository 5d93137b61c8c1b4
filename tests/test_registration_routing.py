"""Routing a pupil by date of birth and grade, in the organisation's time zone."""
from datetime import date, datetime, timezone

import pytest

from onboarding.models import Organisation, Unit
from onboarding.register.flow import BirthDateImplausible, age_on, student_route


def _org(kind="school", tz="Asia/Yekaterinburg"):
    return Organisation(kind=kind, name="Школа", timezone=tz)


def _unit(grade):
    return Unit(kind="class", name=f"{grade}А", grade=grade)


# Noon UTC on 1 September 2026 is 17:00 in Yekaterinburg.
NOW = datetime(2026, 9, 1, 12, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    ("birth_date", "grade", "route"),
    [
        (date(2012, 9, 2), 8, "parent"),   # 13 years 364 days
        (date(2012, 9, 1), 8, "own"),      # 14 years today
        (date(2012, 9, 1), 4, "parent"),   # 14, but in grade 4
        (date(2012, 9, 1), 5, "own"),      # 14 and in grade 5
        (date(2015, 1, 1), 5, "parent"),   # grade 5 but 11 years old
        (date(2000, 1, 1), 1, "parent"),   # grades 1-4 always go through a parent
    ],
)
def test_route_by_age_and_grade(birth_date, grade, route):
    assert student_route(_org(), _unit(grade), birth_date, NOW) == route


def test_age_is_counted_in_the_organisations_time_zone():
    # 20:00 UTC on 31 August is already 1 September in Vladivostok (UTC+10),
    # still 31 August in Kaliningrad (UTC+2).
    evening = datetime(2026, 8, 31, 20, 0, tzinfo=timezone.utc)
    birthday = date(2012, 9, 1)
    assert student_route(_org(tz="Asia/Vladivostok"), _unit(8), birthday, evening) == "own"
    assert student_route(_org(tz="Europe/Kaliningrad"), _unit(8), birthday, evening) == "parent"


def test_a_college_group_without_grade_goes_by_age_only():
    group = Unit(kind="group", name="ИС-21", grade=None)
    assert student_route(_org("college"), group, date(2010, 1, 1), NOW) == "own"
    assert student_route(_org("college"), group, date(2013, 1, 1), NOW) == "parent"


@pytest.mark.parametrize("birth_date", [date(2024, 1, 1), date(1900, 1, 1), date(2030, 1, 1)])
def test_implausible_birth_dates_are_refused(birth_date):
    with pytest.raises(BirthDateImplausible):
        student_route(_org(), _unit(5), birth_date, NOW)


def test_age_on_leap_day_birthday():
    assert age_on(date(2012, 2, 29), date(2026, 2, 28)) == 13
    assert age_on(date(2012, 2, 29), date(2026, 3, 1)) == 14


def test_the_form_routes_13_years_364_days_to_a_parent(app, client, make_org, make_invite, register):
    from zoneinfo import ZoneInfo

    from onboarding.models import utcnow

    org = make_org()
    invite, link = make_invite(org, kind="student", unit="9В")
    today = utcnow().astimezone(ZoneInfo(org.timezone)).date()
    just_under = today.replace(year=today.year - 14) if not (today.month == 2 and today.day == 29) else date(today.year - 14, 3, 1)
    from datetime import timedelta
    under = (just_under + timedelta(days=1)).isoformat()
    page = client.get(register.student_start(link, under).headers["Location"])
    assert 'name="parent_email"' in page.text
    page = client.get(register.student_start(link, just_under.isoformat()).headers["Location"])
    assert 'name="parent_email"' not in page.text and 'name="email"' in page.text


def test_the_form_accepts_a_russian_date(app, client, make_org, make_invite, register):
    org = make_org()
    invite, link = make_invite(org, kind="student", unit="5А")
    response = register.student_start(link, "01.09.2015")
    assert response.status_code == 302
