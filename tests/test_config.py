"""Configuration: secrets, key rotation, BASE_URL, hosts, health, SQLite set-up."""
import sqlite3

import pytest
from sqlalchemy import text

from onboarding import create_app
from onboarding.db import get_session


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app({"ENV_NAME": "production", "SECRET_KEY": None, "DATABASE_URL": f"sqlite:///{tmp_path}/p.db"})


def test_production_starts_with_a_secret_key_and_secure_cookies(tmp_path):
    app = create_app({"ENV_NAME": "production", "SECRET_KEY": "x" * 40,
                      "DATABASE_URL": f"sqlite:///{tmp_path}/p.db", "RATELIMIT_STORAGE_URI": "memory://"})
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
    assert not app.debug


def test_development_creates_a_key_once_and_keeps_it(tmp_path):
    config = {"ENV_NAME": "development", "SECRET_KEY": None, "INSTANCE_PATH": str(tmp_path / "inst"),
              "DATABASE_URL": f"sqlite:///{tmp_path}/d.db"}
    first = create_app(config).config["SECRET_KEY"]
    second = create_app(config).config["SECRET_KEY"]
    assert first == second and len(first) >= 40
    assert (tmp_path / "inst" / "secret_key").stat().st_mode & 0o077 == 0


def test_unknown_environment_name_is_refused(tmp_path):
    with pytest.raises(RuntimeError, match="ONBOARDING_ENV"):
        create_app({"ENV_NAME": "staging"})


def test_session_signed_with_a_retired_key_still_works_while_it_is_a_fallback(app_config, make_user):
    from onboarding import create_app as make

    old = make({**app_config, "SECRET_KEY": "old-key"})
    user = make_user(email="rotate@school.ru")
    client = old.test_client()
    client.post("/login", data={"identifier": "rotate@school.ru", "password": "correct horse battery staple"})
    cookie = client.get_cookie("session").value

    rotated = make({**app_config, "SECRET_KEY": "new-key", "SECRET_KEY_FALLBACKS": ["old-key"]})
    client = rotated.test_client()
    client.set_cookie("session", cookie)
    assert "Выйти" in client.get("/").text  # still logged in

    dropped = make({**app_config, "SECRET_KEY": "new-key", "SECRET_KEY_FALLBACKS": []})
    client = dropped.test_client()
    client.set_cookie("session", cookie)
    page = client.get("/").text
    assert "Выйти" not in page and "Войти" in page
    assert user.id


def test_links_in_mail_use_base_url_not_the_host_header(app_config, make_user, sent_mail, app):
    make_user(email="base@school.ru")
    client = app.test_client()
    client.post("/password/forgot", data={"email": "base@school.ru"},
                headers={"Host": "evil.example.com"}, base_url="http://evil.example.com")
    body = sent_mail[-1].get_content()
    assert "http://localhost/password/reset/" in body and "evil" not in body


def test_untrusted_host_is_refused(app_config):
    app = create_app({**app_config, "TRUSTED_HOSTS": ["school.example.ru"]})
    client = app.test_client()
    assert client.get("/login", base_url="http://evil.example.com").status_code == 400
    assert client.get("/login", base_url="http://school.example.ru").status_code == 200


def test_healthz_checks_the_database(client, app):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json["status"] == "ok" and response.json["database"] == "ok"


def test_healthz_reports_a_broken_database(tmp_path):
    app = create_app({"ENV_NAME": "testing", "DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/none"})
    response = app.test_client().get("/healthz")
    assert response.status_code == 503 and response.json["database"] == "unavailable"


def test_sqlite_runs_in_wal_with_foreign_keys_and_takes_the_write_lock_at_begin(tmp_path):
    path = tmp_path / "lock.sqlite3"
    app = create_app({"ENV_NAME": "testing", "DATABASE_URL": f"sqlite:///{path}"})
    with app.app_context():
        session = get_session()  # outside a request: a writing session
        assert session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert session.execute(text("PRAGMA foreign_keys")).scalar() == 1
        # The first read already holds the write lock (BEGIN IMMEDIATE) ...
        session.execute(text("SELECT 1"))
        other = sqlite3.connect(path, timeout=0, isolation_level=None)
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")
        # ... while readers still read (WAL).
        assert other.execute("SELECT count(*) FROM sqlite_master").fetchone() is not None
        session.rollback()
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
        other.close()


def test_get_requests_do_not_take_the_write_lock(tmp_path):
    path = tmp_path / "read.sqlite3"
    app = create_app({"ENV_NAME": "testing", "DATABASE_URL": f"sqlite:///{path}"})
    with app.test_request_context("/", method="GET"):
        session = get_session()
        session.execute(text("SELECT 1"))
        other = sqlite3.connect(path, timeout=0, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
        other.close()
        session.rollback()


def test_passwords_are_hashed_with_argon2id_at_owasp_parameters(tmp_path):
    from onboarding.web import hasher

    app = create_app({"ENV_NAME": "production", "SECRET_KEY": "k" * 40,
                      "DATABASE_URL": f"sqlite:///{tmp_path}/p.db", "RATELIMIT_STORAGE_URI": "memory://"})
    with app.app_context():
        encoded = hasher().hash("зимний вечер у окна")
    assert encoded.startswith("$argon2id$v=19$m=19456,t=2,p=1$")


def test_rate_limits_are_shared_through_redis(app_config, tmp_path):
    """Production keeps the counters in Redis, so every gunicorn worker sees them."""
    import uuid

    import redis

    url = f"redis://127.0.0.1:6379/{15}"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    prefix = f"test-{uuid.uuid4().hex[:8]}"
    config = {**app_config, "RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": url,
              "RATELIMIT_KEY_PREFIX": prefix}
    worker_one, worker_two = create_app(config).test_client(), create_app(config).test_client()
    data = {"identifier": "olga@school.ru", "password": "x"}
    statuses = [(worker_one if n % 2 else worker_two).post("/login", data=data).status_code for n in range(11)]
    assert statuses[:10] == [200] * 10 and statuses[10] == 429
    client = redis.Redis.from_url(url)
    for key in client.scan_iter(f"*{prefix}*"):
        client.delete(key)
