"""/healthz reports each dependency; only a database outage makes it 503, so
a load balancer never pulls every worker because Redis or mail blinked."""
from datetime import timedelta

import pytest
import redis
from support import closed_port

from onboarding.models import OutboxMessage, utcnow

REDIS_URL = "redis://127.0.0.1:6379/15"


def _app(app_config, **overrides):
    from onboarding import create_app

    return create_app({**app_config, **overrides})


def test_healthz_with_everything_up(app, client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok", "rate_limit_store": "disabled",
                             "mail_queue": "ok", "mail_queue_oldest_seconds": None,
                             "chat_queue": "ok", "chat_queue_waiting": 0, "chat_queue_oldest_seconds": None}


def test_healthz_reports_changes_the_homeserver_has_yet_to_follow(app, client, session, make_org):
    from datetime import timedelta

    from onboarding.models import MatrixTask, utcnow

    make_org()  # its chats wait for a homeserver (none is configured here)
    body = client.get("/healthz").json
    assert body["chat_queue"] == "ok" and body["chat_queue_waiting"] > 0
    session.query(MatrixTask).update({"created_at": utcnow() - timedelta(hours=1)})
    session.commit()
    body = client.get("/healthz").json
    assert body["status"] == "degraded" and body["chat_queue"] == "degraded"
    assert body["chat_queue_oldest_seconds"] >= 3600


def test_healthz_reports_a_real_redis_as_ok(app, app_config):
    """A ping only: the check writes nothing into Redis."""
    connection = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        connection.ping()
    except redis.RedisError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    finally:
        connection.close()
    client = _app(app_config, RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI=REDIS_URL).test_client()
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json["status"] == "ok" and response.json["rate_limit_store"] == "ok"


def test_healthz_reports_redis_down_as_degraded_but_200(app, app_config):
    client = _app(app_config, RATELIMIT_ENABLED=True,
                  RATELIMIT_STORAGE_URI=f"redis://127.0.0.1:{closed_port()}/0").test_client()
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json["status"] == "degraded"
    assert response.json["database"] == "ok" and response.json["rate_limit_store"] == "down"


def test_healthz_reports_an_old_mail_queue_as_degraded_but_200(app, client, session):
    session.add(OutboxMessage(recipient="olga@school.ru", subject="s", body_text="b",
                              created_at=utcnow() - timedelta(hours=2), next_attempt_at=utcnow()))
    session.commit()
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json["status"] == "degraded" and response.json["mail_queue"] == "degraded"
    assert response.json["mail_queue_oldest_seconds"] >= 7200


def test_healthz_counts_only_undelivered_mail(app, client, session):
    old = utcnow() - timedelta(hours=2)
    session.add(OutboxMessage(recipient="a@school.ru", subject="s", body_text="b", created_at=old,
                              next_attempt_at=old, sent_at=old))
    session.add(OutboxMessage(recipient="b@school.ru", subject="s", body_text="b", created_at=utcnow(),
                              next_attempt_at=utcnow()))
    session.commit()
    response = client.get("/healthz")
    assert response.json["mail_queue"] == "ok" and response.json["mail_queue_oldest_seconds"] < 600


def test_healthz_is_503_when_the_database_is_down(app_config):
    app = _app({**app_config, "DATABASE_URL": f"postgresql+psycopg://nobody@127.0.0.1:{closed_port()}/none"})
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["status"] == "error" and response.json["database"] == "unavailable"
