"""Logging out ends that session on the server: a copied session cookie or
remember-me cookie no longer works; the user's other devices stay logged in."""
from datetime import timedelta

from sqlalchemy import func, select
from support import PASSWORD

from onboarding.models import utcnow

PROTECTED = "/account/password"


def _login(client, remember=False):
    data = {"identifier": "olga@school.ru", "password": PASSWORD}
    if remember:
        data["remember"] = "y"
    response = client.post("/login", data=data)
    assert response.status_code == 302
    return response


def _logged_in(client) -> bool:
    response = client.get(PROTECTED)
    if response.status_code == 302:
        assert "/login" in response.headers["Location"]
        return False
    assert response.status_code == 200
    return True


def _cookie(client, name):
    cookie = client.get_cookie(name)
    assert cookie is not None, name
    return cookie.value


def test_a_session_cookie_copied_before_logout_is_void_after_it(app, make_user):
    make_user(email="olga@school.ru")
    client = app.test_client()
    _login(client)
    copied = _cookie(client, "session")
    client.post("/logout")
    assert not _logged_in(client)

    thief = app.test_client()
    thief.set_cookie("session", copied)
    assert not _logged_in(thief)


def test_a_remember_me_cookie_is_void_after_logout(app, make_user):
    make_user(email="olga@school.ru")
    client = app.test_client()
    _login(client, remember=True)
    remembered = _cookie(client, "remember_token")

    # Before logout the remember-me cookie alone logs in (a new browser session).
    alone = app.test_client()
    alone.set_cookie("remember_token", remembered)
    assert _logged_in(alone)

    client.post("/logout")
    replay = app.test_client()
    replay.set_cookie("remember_token", remembered)
    assert not _logged_in(replay)


def test_logout_on_one_device_keeps_the_others_logged_in(app, make_user):
    make_user(email="olga@school.ru")
    phone, laptop = app.test_client(), app.test_client()
    _login(phone, remember=True)
    _login(laptop, remember=True)
    laptop_remembered = _cookie(laptop, "remember_token")
    phone.post("/logout")
    assert not _logged_in(phone)
    assert _logged_in(laptop)
    fresh = app.test_client()
    fresh.set_cookie("remember_token", laptop_remembered)
    assert _logged_in(fresh)


def test_a_session_with_a_forged_token_does_not_load(app, client, make_user):
    make_user(email="olga@school.ru")
    _login(client)
    with client.session_transaction() as session:
        login_session_id, token, version = session["_user_id"].split(":")
        session["_user_id"] = f"{login_session_id}:{'A' * len(token)}:{version}"
    assert not _logged_in(client)
    with client.session_transaction() as session:
        session["_user_id"] = f"99999999999999999999:{token}:{version}"
    assert not _logged_in(client)


def test_pruning_removes_ended_and_expired_login_sessions(app, runner, session, make_user):
    from onboarding.models import LoginSession

    make_user(email="olga@school.ru")
    clients = [app.test_client() for _ in range(3)]
    for client in clients:
        _login(client)
    clients[0].post("/logout")
    oldest = session.scalars(select(LoginSession).order_by(LoginSession.id.desc())).first()
    oldest.expires_at = utcnow() - timedelta(minutes=1)
    session.commit()

    result = runner.invoke(args=["accounts", "purge-unconfirmed"])
    assert result.exit_code == 0, result.output
    assert "removed 2 ended login session(s)" in result.output
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(LoginSession)) == 1
    session.rollback()
    assert _logged_in(clients[1])
