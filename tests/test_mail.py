"""The outbox: written with the change that causes it, delivered to a real
SMTP server after commit, retried with backoff while the server is down."""
import socket
from datetime import timedelta
from email import message_from_bytes
from email.policy import default

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from onboarding.mail import outbox
from onboarding.models import OutboxMessage, utcnow


class Sink:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(message_from_bytes(envelope.content, policy=default))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_port():
    return free_port()


@pytest.fixture
def smtp_server(smtp_port):
    """A real SMTP server on loopback; `.start()`/`.stop()` simulate an outage."""
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=smtp_port)
    controller.sink = sink
    yield controller
    try:
        controller.stop()
    except AssertionError:
        pass


@pytest.fixture
def smtp_app(app_config, smtp_port):
    from onboarding import create_app

    app = create_app({**app_config, "MAIL_BACKEND": "smtp", "MAIL_SERVER": "127.0.0.1",
                      "MAIL_PORT": smtp_port, "MAIL_TIMEOUT": 2})
    yield app
    app.extensions["db"]["engine"].dispose()


def _reset_request(app, make_user):
    make_user(email="olga@school.ru")
    return app.test_client().post("/password/forgot", data={"email": "olga@school.ru"})


def test_mail_reaches_a_real_smtp_server_after_commit(smtp_app, smtp_server, make_user, session):
    smtp_server.start()
    response = _reset_request(smtp_app, make_user)
    assert response.status_code == 200
    [message] = smtp_server.sink.messages
    assert message["To"] == "olga@school.ru"
    assert message["Subject"] == "Восстановление пароля"
    assert "/password/reset/" in message.get_content()
    sent = session.scalars(select(OutboxMessage)).one()
    assert sent.sent_at is not None and sent.attempts == 1


def test_an_smtp_outage_loses_nothing_and_the_sender_retries_with_backoff(smtp_app, smtp_server, make_user, session):
    # The server is down: the user's action still succeeds, the mail waits.
    response = _reset_request(smtp_app, make_user)
    assert response.status_code == 200
    waiting = session.scalars(select(OutboxMessage)).one()
    assert waiting.sent_at is None and waiting.attempts == 1 and "Connection" in waiting.last_error
    assert waiting.next_attempt_at > utcnow()
    session.rollback()

    runner = smtp_app.test_cli_runner()
    assert "sent 0" in runner.invoke(args=["mail", "send"]).output  # not due yet: backoff

    smtp_server.start()  # the server comes back
    session.execute(OutboxMessage.__table__.update().values(next_attempt_at=utcnow() - timedelta(seconds=1)))
    session.commit()
    result = runner.invoke(args=["mail", "send"])
    assert "sent 1, failed 0" in result.output
    assert [m["To"] for m in smtp_server.sink.messages] == ["olga@school.ru"]
    session.expire_all()
    delivered = session.scalars(select(OutboxMessage)).one()
    assert delivered.sent_at is not None and delivered.attempts == 2 and delivered.last_error is None
    # Sending again delivers nothing twice.
    assert "sent 0" in runner.invoke(args=["mail", "send"]).output
    assert len(smtp_server.sink.messages) == 1


def test_mail_is_written_in_the_same_transaction_as_the_change(session, make_org):
    org = make_org(units=None)
    outbox.enqueue(session, to="a@school.ru", subject="s", body="b", now=utcnow(), org_id=org.id)
    session.rollback()
    assert session.scalars(select(OutboxMessage)).all() == []


def test_backoff_grows_and_is_capped():
    delays = [outbox.backoff(n).total_seconds() for n in range(1, 12)]
    assert delays[:4] == [30, 60, 120, 240]
    assert delays == sorted(delays) and max(delays) == 6 * 3600


def test_a_message_is_given_up_after_the_last_attempt(session, make_org):
    org = make_org(units=None)
    message = outbox.enqueue(session, to="a@school.ru", subject="s", body="b", now=utcnow(), org_id=org.id)
    session.commit()

    def failing(_message):
        raise ConnectionRefusedError("down")

    now = utcnow()
    factory = lambda: type(session)(bind=session.get_bind(), expire_on_commit=False)  # noqa: E731
    for attempt in range(3):
        outbox.deliver_due(factory, failing, now=now + timedelta(days=attempt), max_attempts=3)
    session.expire_all()
    message = session.get(OutboxMessage, message.id)
    assert message.attempts == 3 and message.failed_at is not None and message.sent_at is None


def test_the_sent_mail_page_exists_only_in_debug_mode(app_config, client, make_user):
    from onboarding import create_app

    assert client.get("/dev/mail/").status_code == 404
    production = create_app({**app_config, "ENV_NAME": "production", "SECRET_KEY": "k" * 40,
                             "MAIL_DEBUG_PAGE": True, "RATELIMIT_STORAGE_URI": "memory://"})
    assert production.test_client().get("/dev/mail/").status_code == 404
    debug = create_app({**app_config, "ENV_NAME": "development", "MAIL_BACKEND": "memory",
                        "MAIL_DEBUG_PAGE": True, "RATELIMIT_ENABLED": False, "WTF_CSRF_ENABLED": False})
    make_user(email="olga@school.ru")
    debug.test_client().post("/password/forgot", data={"email": "olga@school.ru"})
    page = debug.test_client().get("/dev/mail/")
    assert page.status_code == 200 and "olga@school.ru" in page.text and "Восстановление пароля" in page.text


def test_console_backend_prints_the_mail(app_config, make_user, capsys):
    from onboarding import create_app

    app = create_app({**app_config, "MAIL_BACKEND": "console"})
    make_user(email="olga@school.ru")
    app.test_client().post("/password/forgot", data={"email": "olga@school.ru"})
    printed = capsys.readouterr().err
    assert "To: olga@school.ru" in printed and "/password/reset/" in printed


def test_delivered_mail_keeps_no_working_link(smtp_app, smtp_server, make_user, session):
    smtp_server.start()
    _reset_request(smtp_app, make_user)
    [message] = smtp_server.sink.messages
    assert "/password/reset/" in message.get_content()
    stored = session.scalars(select(OutboxMessage)).one()
    assert stored.sent_at is not None and "/password/reset/" not in stored.body_text
