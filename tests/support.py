"""Helpers shared by the tests (import as `from support import ...`)."""
import re

PASSWORD = "correct horse battery staple"


def form_errors(html: str) -> list[str]:
    """The error messages shown beside fields."""
    return re.findall(r'<p class="error" id="[^"]+-error">([^<]*)', html)


def unit_named(session, org, name):
    """The organisation's unit of this name."""
    from onboarding.services import orgs

    return next(unit for unit in orgs.list_units(session, org.id) if unit.name == name)
