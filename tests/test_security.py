"""Headers, cookies, CSRF and the friendly error pages."""
import pytest
from support import PASSWORD


@pytest.mark.parametrize("path", ["/", "/login", "/healthz", "/no-such-page", "/static/site.css"])
def test_security_headers_on_every_response(client, path):
    response = client.get(path)
    csp = response.headers["Content-Security-Policy"]
    for directive in ("default-src 'self'", "frame-ancestors 'none'", "object-src 'none'", "base-uri 'none'",
                      "script-src 'self'", "style-src 'self'"):
        assert directive in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "Strict-Transport-Security" not in response.headers  # only in production


def test_pages_are_not_cached_but_static_files_may_be(client):
    assert client.get("/login").headers["Cache-Control"] == "no-store"
    assert "no-store" not in client.get("/static/site.css").headers.get("Cache-Control", "")


def test_production_sends_hsts_and_secure_cookies(tmp_path, app_config):
    from onboarding import create_app

    app = create_app({**app_config, "ENV_NAME": "production", "SECRET_KEY": "k" * 40,
                      "RATELIMIT_STORAGE_URI": "memory://", "MAIL_BACKEND": "memory",
                      "WTF_CSRF_ENABLED": False})
    client = app.test_client()
    response = client.get("/login", base_url="https://localhost")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    client.post("/language", data={"lang": "en"}, base_url="https://localhost")
    set_cookie = client.post("/language", data={"lang": "ru"}, base_url="https://localhost").headers["Set-Cookie"]
    assert "Secure" in set_cookie and "HttpOnly" in set_cookie and "SameSite=Lax" in set_cookie


def test_session_cookie_is_http_only_and_same_site_lax(client, auth, make_user):
    make_user(email="olga@school.ru")
    set_cookie = auth.login("olga@school.ru").headers["Set-Cookie"]
    assert "HttpOnly" in set_cookie and "SameSite=Lax" in set_cookie and "Secure" not in set_cookie


def test_a_form_without_a_csrf_token_gets_the_friendly_400_page(app_config, make_user):
    from onboarding import create_app

    app = create_app({**app_config, "WTF_CSRF_ENABLED": True})
    make_user(email="olga@school.ru")
    client = app.test_client()
    response = client.post("/login", data={"identifier": "olga@school.ru", "password": PASSWORD})
    assert response.status_code == 400
    assert "Форма устарела" in response.text and "Обновите страницу" in response.text
    # With the token from the page, the same form works.
    page = client.get("/login").text
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    response = client.post("/login", data={"identifier": "olga@school.ru", "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302


@pytest.mark.parametrize("method, path, code, text", [
    ("get", "/no-such-page", 404, "Страница не найдена"),
    ("get", "/logout", 405, "Это действие здесь недоступно"),
    ("put", "/login", 405, "Это действие здесь недоступно"),
])
def test_friendly_russian_error_pages(client, method, path, code, text):
    response = getattr(client, method)(path)
    assert response.status_code == code
    assert text in response.text and "На главную" in response.text


def test_too_large_a_request_gets_the_413_page(client):
    response = client.post("/login", data={"identifier": "x" * (300 * 1024), "password": "y"})
    assert response.status_code == 413
    assert "Слишком много данных" in response.text


def test_a_failure_inside_a_view_gets_the_500_page_and_rolls_back(app_config):
    from onboarding import create_app

    app = create_app({**app_config, "TESTING": False, "PROPAGATE_EXCEPTIONS": False})

    @app.get("/boom")
    def boom():
        raise RuntimeError("internal detail 42")

    response = app.test_client().get("/boom")
    assert response.status_code == 500
    assert "У нас что-то сломалось" in response.text and "internal detail 42" not in response.text


def test_a_first_visit_to_an_invite_link_sets_no_cookie(client, make_org, make_invite):
    org = make_org(units="2Б")
    _invite, path = make_invite(org, kind="parent", unit="2Б")
    response = client.get(path)
    assert response.status_code == 200 and "Set-Cookie" not in response.headers


def test_a_get_request_that_tries_to_write_fails_and_stores_nothing(app_config, session):
    from sqlalchemy import func, select

    from onboarding import create_app
    from onboarding.db import get_session
    from onboarding.models import Organisation, utcnow

    app = create_app({**app_config, "TESTING": False, "PROPAGATE_EXCEPTIONS": False})

    @app.get("/sneaky")
    def sneaky():
        db = get_session()
        db.add(Organisation(kind="school", name="Тайная школа", timezone="Europe/Moscow", created_at=utcnow()))
        db.flush()
        return "written"

    assert app.test_client().get("/sneaky").status_code == 500
    assert session.scalar(select(func.count()).select_from(Organisation)) == 0
