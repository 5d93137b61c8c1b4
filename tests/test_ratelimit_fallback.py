"""With the rate-limit store (Redis) down the site still works: limits fall
back to a per-process memory store, the failure is logged, nobody gets a 500."""
import logging

import pytest
from support import PASSWORD, closed_port


@pytest.fixture
def redis_down_app(app, app_config, monkeypatch):
    """Made after `app`: the limiter is one object, the last app made sets it
    up; its "store is down" mark is reset so each test sees the fall-back happen."""
    from onboarding import create_app
    from onboarding.extensions import limiter

    monkeypatch.setattr(limiter, "_storage_dead", False)
    return create_app({**app_config, "RATELIMIT_ENABLED": True,
                       "RATELIMIT_STORAGE_URI": f"redis://127.0.0.1:{closed_port()}/0"})


def test_log_in_works_with_the_rate_limit_store_down(redis_down_app, make_user, caplog):
    make_user(email="olga@school.ru")
    client = redis_down_app.test_client()
    with caplog.at_level(logging.WARNING):
        wrong = client.post("/login", data={"identifier": "olga@school.ru", "password": "wrong password"})
    assert wrong.status_code == 200
    assert "Неверный адрес почты, логин или пароль." in wrong.text
    assert any("unreachable" in record.getMessage() for record in caplog.records)
    right = client.post("/login", data={"identifier": "olga@school.ru", "password": PASSWORD})
    assert right.status_code == 302


def test_reset_and_registration_work_with_the_rate_limit_store_down(redis_down_app, make_org, make_invite):
    org = make_org(units="2Б")
    _invite, path = make_invite(org, kind="parent", unit="2Б")
    client = redis_down_app.test_client()
    assert client.post("/password/forgot", data={"email": "nobody@school.ru"}).status_code == 200
    response = client.post(path.replace("/i/", "/register/"), data={
        "last_name": "Петрова", "first_name": "Анна", "email": "anna@mail.ru", "password": PASSWORD})
    assert response.status_code in (200, 302), response.text


def test_limits_still_hold_in_the_memory_fallback(redis_down_app):
    client = redis_down_app.test_client()
    statuses = [client.post("/login", data={"identifier": "olga@school.ru", "password": "x"}).status_code
                for _ in range(11)]
    assert statuses[:10] == [200] * 10 and statuses[-1] == 429
