"""Helpers shared by the tests (import as `from support import ...`)."""
import os
import re
import uuid
from contextlib import contextmanager

import pytest

PASSWORD = "correct horse battery staple"


def form_errors(html: str) -> list[str]:
    """The error messages shown beside fields."""
    return re.findall(r'<p class="error" id="[^"]+-error">([^<]*)', html)


def unit_named(session, org, name):
    """The organisation's unit of this name."""
    from onboarding.orgs import structure as orgs

    return next(unit for unit in orgs.list_units(session, org.id) if unit.name == name)


@contextmanager
def fresh_postgres_database(prefix: str):
    """A new, empty PostgreSQL database beside TEST_DATABASE_URL's, dropped
    afterwards (so parallel runs never share one); skips without it."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        pytest.skip("TEST_DATABASE_URL is not set: PostgreSQL tests skipped")
    url = make_url(base).set(drivername="postgresql+psycopg")
    name = f"{prefix}_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def closed_port() -> int:
    """A port on 127.0.0.1 that was bound a moment ago and is now closed:
    a service configured there is truly down."""
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
