"""The Russian catalogue is complete, and the UI speaks Russian by default."""
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "onboarding/translations/ru/LC_MESSAGES/messages.po"
METHODS = [("onboarding/**.py", "python"), ("templates/**.html", "jinja2"), ("templates/**.txt", "jinja2")]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}


def _catalog():
    with PO.open("rb") as file:
        return read_po(file, locale="ru")


def _source_ids():
    ids = set()
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), METHODS, keywords=KEYWORDS, options_map={"templates/**.html": {"extensions": "jinja2.ext.i18n"}},
        # Babel skips folders starting with "_" by default; templates/_macros holds texts too.
        directory_filter=lambda path: not Path(path).name.startswith(".") and Path(path).name != "__pycache__",
    ):
        ids.add(message[0] if isinstance(message, tuple) else message)
    return ids


def test_every_message_in_the_source_is_translated():
    catalog = _catalog()
    translated = {m.id if isinstance(m.id, str) else m.id[0]: m for m in catalog if m.id}
    missing = sorted(i for i in _source_ids() if i not in translated)
    assert not missing, f"not in the Russian catalogue: {missing}"
    empty = sorted(i for i, m in translated.items() if not (m.string if isinstance(m.string, str) else all(m.string)))
    assert not empty, f"untranslated: {empty}"
    fuzzy = sorted(i for i, m in translated.items() if m.fuzzy)
    assert not fuzzy, f"fuzzy: {fuzzy}"


def test_catalogue_has_no_format_errors():
    catalog = _catalog()
    problems = [(m.id, errors) for m, errors in catalog.check() if errors]
    assert not problems


def test_pages_are_russian_by_default_and_english_on_request(client):
    page = client.get("/login")
    assert 'lang="ru"' in page.text and "Войти" in page.text and "Забыли пароль?" in page.text
    client.post("/language", data={"lang": "en", "next": "/login"})
    page = client.get("/login")
    assert 'lang="en"' in page.text and "Forgot your password?" in page.text


def test_dates_are_shown_in_the_organisations_zone_with_russian_month_names(app):
    from datetime import datetime, timezone

    from onboarding.i18n import local_datetime

    moment = datetime(2026, 8, 31, 20, 30, tzinfo=timezone.utc)
    with app.test_request_context("/"):
        assert local_datetime(moment, "Asia/Yekaterinburg") == "1 сентября 2026, 01:30"
        assert local_datetime(moment, "Europe/Kaliningrad") == "31 августа 2026, 22:30"
        assert local_datetime(moment, "Asia/Kamchatka") == "1 сентября 2026, 08:30"
