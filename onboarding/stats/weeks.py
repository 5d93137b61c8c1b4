"""Weeks of the school year in the organisation's time zone: a week starts
on Monday at 00:00 local time, the school year on 1 September."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo


def local_date(moment: datetime, zone: str) -> date:
    return moment.astimezone(ZoneInfo(zone)).date()


def week_start(day: date) -> date:
    """The Monday of the week that holds `day`."""
    return day - timedelta(days=day.weekday())


def school_year_start(today: date) -> date:
    """1 September of the school year `today` is in."""
    year = today.year if today.month >= 9 else today.year - 1
    return date(year, 9, 1)


def weeks_of_school_year(today: date) -> list[date]:
    """The Mondays from the week of 1 September up to this week."""
    first, last = week_start(school_year_start(today)), week_start(today)
    return [first + timedelta(weeks=n) for n in range((last - first).days // 7 + 1)]


def local_midnight(day: date, zone: str) -> datetime:
    """The moment a local day begins, as an aware datetime."""
    return datetime.combine(day, time(0), tzinfo=ZoneInfo(zone))
