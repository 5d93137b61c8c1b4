"""Helpers shared by the tests (import as `from support import ...`)."""
import re

PASSWORD = "correct horse battery staple"


def form_errors(html: str) -> list[str]:
    """The error messages shown beside fields."""
    return re.findall(r'<p class="error" id="[^"]+-error">([^<]*)', html)
