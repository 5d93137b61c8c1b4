"""Languages, time zones, dates and «№ 1» as the organisation's people read them."""
from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo, available_timezones

from flask import Flask, current_app, g, request, session
from flask_babel import format_date, format_datetime
from markupsafe import Markup

from .extensions import babel
from .vocabulary import role_name, words


def init_app(app: Flask) -> None:
    babel.init_app(
        app,
        locale_selector=select_locale,
        timezone_selector=select_timezone,
        default_translation_directories="translations",
    )
    app.jinja_env.filters["local_datetime"] = local_datetime
    app.jinja_env.filters["local_date"] = local_date
    app.jinja_env.finalize = keep_number_sign_with_number
    app.jinja_env.add_extension("jinja2.ext.i18n")
    app.jinja_env.globals.update(words=words, role_name=role_name)
    app.context_processor(lambda: {"current_locale": select_locale()})


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    chosen = session.get("lang") if request else None
    if chosen in languages:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def select_timezone() -> str | None:
    """The organisation on the page sets the zone (views put it on `g`)."""
    org = g.get("org")
    return org.timezone if org is not None else None


def local_datetime(value: datetime | None, tz: str | None = None, fmt: str = "d MMMM y, HH:mm") -> str:
    if value is None:
        return ""
    if tz:
        return format_datetime(value.astimezone(ZoneInfo(tz)).replace(tzinfo=None), fmt, rebase=False)
    return format_datetime(value, fmt)


def local_date(value: datetime | None, tz: str | None = None) -> str:
    if value is None:
        return ""
    if tz and isinstance(value, datetime):
        value = value.astimezone(ZoneInfo(tz))
    return format_date(value, "d MMMM y")


NUMBER_SIGN = re.compile(r"№\s*(?=\w)")


def keep_number_sign_with_number(value):
    """Every value a template prints: «№» and the number after it joined by a
    no-break space (U+00A0), so a line never ends after «№» («Школа № 1»,
    «№5» → «№ 5»). Names are stored with a plain space (forms collapse any
    space to one); only the printed page changes."""
    if isinstance(value, str) and "№" in value:
        joined = NUMBER_SIGN.sub("№\u00a0", value)
        return Markup(joined) if isinstance(value, Markup) else joined
    return value


_ZONES: frozenset[str] | None = None


def is_valid_timezone(name: str) -> bool:
    global _ZONES
    if _ZONES is None:
        _ZONES = frozenset(available_timezones())
    return name in _ZONES


# Russia's time zones, as a school picks among them (west to east).
RUSSIAN_TIMEZONES = (
    "Europe/Kaliningrad",
    "Europe/Moscow",
    "Europe/Samara",
    "Asia/Yekaterinburg",
    "Asia/Omsk",
    "Asia/Novosibirsk",
    "Asia/Krasnoyarsk",
    "Asia/Irkutsk",
    "Asia/Yakutsk",
    "Asia/Vladivostok",
    "Asia/Magadan",
    "Asia/Kamchatka",
)
