"""Log-in, log-out, sessions that end, password reset and change."""
import re

import pytest
from itsdangerous import URLSafeTimedSerializer
from support import PASSWORD, form_errors

from onboarding.models import User


def test_login_with_email_in_any_case_and_logout_by_post(client, auth, make_user):
    make_user(email="olga@school.ru")
    response = auth.login("  OLGA@School.RU ")
    assert response.status_code == 302
    assert "Выйти" in client.get("/").text
    assert client.get("/logout").status_code == 405
    assert "Выйти" in client.get("/").text
    auth.logout()
    assert "Выйти" not in client.get("/").text


def test_pupil_logs_in_with_a_login_name(client, auth, make_user, session):
    user = make_user(login="petya.ivanov")
    user.email = None
    session.commit()
    assert auth.login("Petya.Ivanov").status_code == 302


def test_wrong_password_shows_an_error_beside_the_field_and_keeps_the_identifier(client, auth, make_user):
    make_user(email="olga@school.ru")
    response = auth.login("olga@school.ru", "wrong password")
    assert response.status_code == 200
    assert form_errors(response.text) == ["Неверный адрес почты, логин или пароль."]
    assert 'value="olga@school.ru"' in response.text
    assert "wrong password" not in response.text


def test_unknown_address_gets_the_same_answer_as_a_wrong_password(client, auth, make_user):
    make_user(email="olga@school.ru")
    known = auth.login("olga@school.ru", "wrong password").text
    unknown = auth.login("nobody@school.ru", "wrong password").text
    assert form_errors(known) == form_errors(unknown)


def test_unconfirmed_and_disabled_accounts_cannot_log_in(auth, make_user):
    make_user(email="new@school.ru", status="unconfirmed")
    make_user(email="gone@school.ru", status="disabled")
    assert auth.login("new@school.ru").status_code == 200
    assert auth.login("gone@school.ru").status_code == 200


def test_session_is_renewed_at_login(client, auth, make_user):
    make_user(email="olga@school.ru")
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
    auth.login("olga@school.ru")
    with client.session_transaction() as session:
        assert "planted" not in session and session.get("_user_id")


def test_next_is_followed_only_to_this_sites_paths(client, make_user):
    make_user(email="olga@school.ru")
    data = {"identifier": "olga@school.ru", "password": PASSWORD}
    for target, expected in [("/account/password", "/account/password"), ("https://evil.example/", "/"),
                             ("//evil.example/x", "/"), ("/\\evil.example", "/"), ("javascript:alert(1)", "/")]:
        response = client.post("/login?next=" + target, data=data)
        assert response.headers["Location"] == expected, target
        client.post("/logout")


def test_remember_me_sets_a_lasting_http_only_cookie(client, auth, make_user):
    make_user(email="olga@school.ru")
    auth.login("olga@school.ru", remember="y")
    cookie = client.get_cookie("remember_token")
    assert cookie is not None and cookie.http_only and cookie.expires is not None


def test_changing_the_password_ends_other_sessions_but_keeps_this_one(app, make_user):
    make_user(email="olga@school.ru")
    phone, laptop = app.test_client(), app.test_client()
    for client in (phone, laptop):
        client.post("/login", data={"identifier": "olga@school.ru", "password": PASSWORD, "remember": "y"})
    response = phone.post("/account/password", data={"current_password": PASSWORD, "password": "новый длинный пароль"})
    assert response.status_code == 302
    assert "Выйти" in phone.get("/").text
    assert "Выйти" not in laptop.get("/").text  # its session and remember cookie are void
    fresh = app.test_client()
    assert fresh.post("/login", data={"identifier": "olga@school.ru", "password": PASSWORD}).status_code == 200
    assert fresh.post("/login", data={"identifier": "olga@school.ru",
                                      "password": "новый длинный пароль"}).status_code == 302


def test_change_password_refuses_a_wrong_current_password(client, auth, make_user):
    make_user(email="olga@school.ru")
    auth.login("olga@school.ru")
    response = client.post("/account/password", data={"current_password": "nope", "password": "новый длинный пароль"})
    assert form_errors(response.text) == ["Текущий пароль введён неверно."]


def test_disabling_an_account_ends_its_sessions(app, client, auth, make_user, session):
    from onboarding.models import utcnow
    from onboarding.people.accounts import disable_user

    user = make_user(email="olga@school.ru")
    auth.login("olga@school.ru")
    disable_user(session, session.get(User, user.id), actor_id=None, now=utcnow())
    session.commit()
    assert "Выйти" not in client.get("/").text


@pytest.mark.parametrize("password, error", [
    ("short", "Пароль должен быть не короче 8 символов."),
    ("qwerty123", "Это слишком распространённый пароль. Пожалуйста, выберите другой."),
    ("Password1", "Это слишком распространённый пароль. Пожалуйста, выберите другой."),
    ("йцукенгш", "Это слишком распространённый пароль. Пожалуйста, выберите другой."),
    ("x" * 129, "Пароль должен быть не длиннее 128 символов."),
])
def test_password_policy(client, auth, make_user, password, error):
    make_user(email="olga@school.ru")
    auth.login("olga@school.ru")
    response = client.post("/account/password", data={"current_password": PASSWORD, "password": password})
    assert form_errors(response.text) == [error]


def test_a_64_character_password_with_no_composition_rules_is_accepted(client, auth, make_user):
    make_user(email="olga@school.ru")
    auth.login("olga@school.ru")
    response = client.post("/account/password", data={"current_password": PASSWORD, "password": "в" * 64})
    assert response.status_code == 302


def _reset_link(sent_mail):
    return re.search(r"http://localhost(/password/reset/\S+)", sent_mail[-1].get_content()).group(1)


def test_password_reset_by_a_single_use_link(client, make_user, sent_mail):
    make_user(email="olga@school.ru")
    response = client.post("/password/forgot", data={"email": "Olga@School.ru"})
    assert "Проверьте почту" in response.text
    assert sent_mail[-1]["To"] == "olga@school.ru"
    link = _reset_link(sent_mail)
    assert client.get(link).status_code == 200
    assert client.post(link, data={"password": "совсем новый пароль"}).status_code == 302
    client.post("/logout")
    assert client.get(link).status_code == 410  # used once
    assert client.post("/login", data={"identifier": "olga@school.ru",
                                       "password": "совсем новый пароль"}).status_code == 302


def test_password_reset_for_an_unknown_address_looks_the_same_and_sends_nothing(client, sent_mail):
    response = client.post("/password/forgot", data={"email": "nobody@school.ru"})
    assert "Проверьте почту" in response.text and sent_mail == []


def test_password_reset_link_expires_after_an_hour(app, client, make_user, sent_mail, monkeypatch):
    make_user(email="olga@school.ru")
    client.post("/password/forgot", data={"email": "olga@school.ru"})
    link = _reset_link(sent_mail)
    import itsdangerous.timed

    real = itsdangerous.timed.time.time
    monkeypatch.setattr(itsdangerous.timed.time, "time", lambda: real() + 3601)
    assert client.get(link).status_code == 410


def test_forged_reset_links_are_not_found(app, client, make_user):
    user = make_user(email="olga@school.ru")
    forged = URLSafeTimedSerializer("another key", salt="password-reset").dumps({"u": user.id, "v": 1})
    for token in (forged, "x", "a" * 400, forged[:-3]):
        assert client.get(f"/password/reset/{token}").status_code == 404


def test_login_rate_limit_gives_a_russian_429_page(app_config, make_user):
    from onboarding import create_app

    app = create_app({**app_config, "RATELIMIT_ENABLED": True})
    client = app.test_client()
    statuses = [client.post("/login", data={"identifier": "olga@school.ru", "password": "x"}).status_code
                for _ in range(12)]
    assert statuses[:10] == [200] * 10 and statuses[-1] == 429
    page = client.post("/login", data={"identifier": "olga@school.ru", "password": "x"})
    assert "Слишком много попыток" in page.text
