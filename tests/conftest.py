"""Fixtures in the flaskr manner: `app`, `session`, `client`, `runner`, `auth`,
and factories returning callables (`make_org`, `make_user`, `make_member`,
`make_invite`).

Every test that takes `app` runs twice: on SQLite (a file per test) and on
PostgreSQL (a database of its own per test run, emptied after each test),
when TEST_DATABASE_URL is set. With REQUIRE_POSTGRES=1 (as `.ci/run` sets) a
skipped PostgreSQL test fails the run.
"""
from __future__ import annotations

import os
import re
from datetime import timedelta

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import sessionmaker
from support import PASSWORD, form_errors, fresh_postgres_database, unit_named  # noqa: F401 (re-exported)

from onboarding import create_app
from onboarding.core import tokens
from onboarding.invites.operations import invite_token
from onboarding.models import Base, Invite, Membership, ParentLink, utcnow
from onboarding.orgs.policy import learners_join
from onboarding.orgs import structure as orgs
from onboarding.people import accounts
from onboarding.security import signing_keys
from onboarding.web import hasher

DATABASES = ["sqlite", "postgresql"]


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: end-to-end test in a real browser")


@pytest.fixture(scope="session")
def postgres_url():
    """A fresh PostgreSQL database for this run, with the schema, dropped at the end."""
    with fresh_postgres_database("onboarding_test") as url:
        engine = create_engine(url)
        Base.metadata.create_all(engine)
        engine.dispose()
        yield url


@pytest.fixture(params=DATABASES)
def database_url(request, tmp_path):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'test.sqlite3'}"
        engine = create_engine(url)
        Base.metadata.create_all(engine)
        engine.dispose()
        yield url
        return
    url = request.getfixturevalue("postgres_url")
    yield url
    engine = create_engine(url)
    with engine.begin() as connection:
        tables = ", ".join(f'"{table.name}"' for table in Base.metadata.sorted_tables)
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture
def app_config(database_url, tmp_path):
    """Overrides for `create_app`; a test may change it before using `app`."""
    return {
        "ENV_NAME": "testing",
        "DATABASE_URL": database_url,
        "INSTANCE_PATH": str(tmp_path / "instance"),
    }


@pytest.fixture
def app(app_config):
    app = create_app(app_config)
    yield app
    app.extensions["db"]["engine"].dispose()


@pytest.fixture
def session(app):
    """A session of the app's engine, for service calls and checks in tests.

    It holds no app context: requests made with `client` get their own app
    context (and their own `g`), as in production. Use `with app.app_context():`
    around code that needs `current_app`. Call `session.expire_all()` to see
    what a request changed. On SQLite its transactions begin DEFERRED (no
    write lock until it writes); end a transaction (commit or rollback) that
    read something before a request or command writes, and before writing
    after one did.
    """
    engine = app.extensions["db"]["engine"].execution_options(sqlite_begin="DEFERRED")
    db = sessionmaker(engine, expire_on_commit=False)()
    yield db
    db.close()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def sent_mail(app):
    """E-mail delivered so far (the testing config's memory backend)."""
    from onboarding.mail.sender import get_backend

    with app.app_context():
        return get_backend().sent


def once_more_if_locked(session, make):
    """A factory that tries again once when SQLite refused its write because
    another connection wrote since this session's read began (the
    homeserver's pushes are handled on their own thread while a test runs):
    the same write, in a fresh transaction."""
    def guarded(*args, **kwargs):
        try:
            return make(*args, **kwargs)
        except OperationalError as error:
            if "database is locked" not in str(error):
                raise
            session.rollback()
            return make(*args, **kwargs)

    return guarded


@pytest.fixture
def make_org(session):
    def make(kind="school", name="Школа № 1", timezone="Asia/Yekaterinburg", units="1А 2Б 5А 9В"):
        org = orgs.create_organisation(session, kind=kind, name=name, timezone=timezone, now=utcnow())
        if units:
            if kind == "school":
                specs, _ = orgs.parse_class_names(units)
            else:
                specs = orgs.parse_group_names(units.replace(" ", "\n"))
            orgs.create_units(session, org, specs, actor_id=None, now=utcnow())
        session.commit()
        return org

    return make


@pytest.fixture
def make_user(app, session):
    counter = iter(range(1, 10_000))

    def make(email=None, password=PASSWORD, status="active", **names):
        n = next(counter)
        with app.app_context():
            password_hasher = hasher()
        user = accounts.create_user(
            session, password_hasher, email=email or f"user{n}@school.ru", password=password,
            last_name=names.get("last_name", "Иванов"), first_name=names.get("first_name", f"Иван{chr(1071 + n % 30)}"),
            patronymic=names.get("patronymic"), login=names.get("login"), now=utcnow(), status=status,
        )
        session.commit()
        return user

    return once_more_if_locked(session, make)




_FACTORY_HASHER = []


def hasher_for_factories():
    """A cheap Argon2 hasher for accounts the factories make on the side."""
    from onboarding.people.passwords import make_hasher

    if not _FACTORY_HASHER:
        _FACTORY_HASHER.append(make_hasher(1, 1024, 1))
    return _FACTORY_HASHER[0]


@pytest.fixture
def make_member(session):
    def make(user, org, role, unit=None, verification=None, is_lead=False, confirmed_child="Иванов Ваня"):
        if unit is None:
            unit = orgs.staff_room(session, org.id)
        elif isinstance(unit, str):
            unit = unit_named(session, org, unit)
        if role == "teacher" and verification is None:
            verification = "verified"
        membership = Membership(org_id=org.id, user_id=user.id, unit_id=unit.id, role=role,
                                verification=verification, is_lead=is_lead, created_at=utcnow())
        session.add(membership)
        if role == "parent" and confirmed_child:
            # A parent of the unit whose child a teacher has confirmed (their chats are open): in a
            # school matched to a pupil's account, as the teacher must; in a kindergarten as named.
            child_id = None
            if learners_join(org.kind):
                last, _sep, first = confirmed_child.partition(" ")
                child = accounts.create_user(
                    session, hasher_for_factories(), email=None, login=f"child{user.id}.{unit.id}",
                    password=PASSWORD, last_name=last, first_name=first or last, now=utcnow(), status="active")
                session.add(Membership(org_id=org.id, user_id=child.id, unit_id=unit.id, role="student",
                                       created_at=utcnow()))
                child_id = child.id
            session.add(ParentLink(org_id=org.id, unit_id=unit.id, parent_id=user.id, child_id=child_id,
                                   child_name_given=confirmed_child, status="confirmed", created_at=utcnow(),
                                   decided_at=utcnow()))
        session.commit()
        return membership

    return once_more_if_locked(session, make)


@pytest.fixture
def make_invite(app, session):
    """An invite row and its link path (`/i/<token>`)."""

    def make(org, kind="parent", unit=None, max_uses=40, expires_in=timedelta(days=7), created_by=None, **fields):
        if unit is None:
            unit = orgs.staff_room(session, org.id)
        elif isinstance(unit, str):
            unit = unit_named(session, org, unit)
        from onboarding.invites.operations import ROLE_OF_KIND

        nonce = tokens.new_nonce()
        invite = Invite(
            org_id=org.id, unit_id=unit.id, kind=kind, role=ROLE_OF_KIND[kind], nonce_hash=tokens.hash_nonce(nonce),
            created_at=utcnow(), expires_at=utcnow() + expires_in, max_uses=max_uses,
            created_by_id=created_by.id if created_by else None, **fields,
        )
        session.add(invite)
        session.flush()
        from onboarding.invites.operations import offered_chats

        invite.chats = offered_chats(session, invite)  # as create_invite does
        session.commit()
        with app.app_context():
            keys = signing_keys()
        return invite, "/i/" + invite_token(keys, invite, nonce)

    return make


class AuthActions:
    def __init__(self, client):
        self._client = client

    def login(self, identifier, password=PASSWORD, **extra):
        return self._client.post("/login", data={"identifier": identifier, "password": password, **extra})

    def logout(self):
        return self._client.post("/logout")


@pytest.fixture
def auth(client):
    return AuthActions(client)


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session, exitstatus):
    """With REQUIRE_ALL_TESTS=1 (CI), a skipped test is a failure: CI must
    prove PostgreSQL and the browser, not skip them."""
    if os.environ.get("REQUIRE_ALL_TESTS") != "1":
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if skipped:
        reporter.write_line(f"REQUIRE_ALL_TESTS=1: {len(skipped)} skipped test(s) count as failures", red=True)
        session.exitstatus = 1


# --- Registration helpers (walk the real forms) --------------------------------

class RegistrationActions:
    """Walks registration forms with `client`; codes are read from `sent_mail`."""

    def __init__(self, client, sent_mail):
        self.client = client
        self.sent_mail = sent_mail

    def last_mail(self, to=None):
        for message in reversed(self.sent_mail):
            if to is None or message["To"] == to:
                return message
        raise AssertionError(f"no mail to {to}")

    def code(self, to=None):
        return re.search(r"^\s+(\d{6})\s*$", self.last_mail(to).get_content(), re.M).group(1)

    def adult(self, link, email="anna@mail.ru", **fields):
        data = {"last_name": "Петрова", "first_name": "Анна", "patronymic": "Сергеевна", "email": email,
                "phone": "", "password": PASSWORD, **fields}
        return self.client.post(link.replace("/i/", "/register/"), data=data)

    def confirm_and_consent(self, to=None):
        response = self.client.post("/register/confirm", data={"code": self.code(to)})
        assert response.status_code == 302 and response.headers["Location"].endswith("/register/consent"), response.text
        return self.client.post("/register/consent", data={"agree": "y"})

    def student_start(self, link, birth_date, last_name="Сидоров", first_name="Петя"):
        return self.client.post(link.replace("/i/", "/register/"), data={
            "last_name": last_name, "first_name": first_name, "birth_date": birth_date})


@pytest.fixture
def register(client, sent_mail):
    return RegistrationActions(client, sent_mail)


@pytest.fixture(scope="session")
def synapse(tmp_path_factory):
    """A real Synapse for this test run (see tests/matrix_support.py)."""
    from matrix_support import Receiver, Synapse, free_port, start_receiver

    receiver = Receiver()
    server, url = start_receiver(receiver)
    homeserver = Synapse(tmp_path_factory.mktemp("synapse"), receiver, url, free_port())
    homeserver.start()
    yield homeserver
    homeserver.stop()
    server.shutdown()


@pytest.fixture
def matrix_app(synapse, app_config):
    """An app whose chats live on the test run's Synapse; its pushes reach it."""
    app_config.update(synapse.app_config())
    app = create_app(app_config)
    synapse.receiver.app = app
    yield app
    synapse.receiver.app = None
    app.extensions["db"]["engine"].dispose()
