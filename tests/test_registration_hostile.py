"""Bad input and attacks on the registration path."""
import threading
from datetime import timedelta

import pytest
from support import PASSWORD
from test_registration_roles import fresh

from onboarding.models import ConsentRecord, Invite, Membership, User, utcnow
from onboarding.register import flow as registration


@pytest.mark.parametrize("variant", ["Anna@Mail.RU", "ＡＮＮＡ@mail.ru", " anna@mail.ru "])
def test_a_duplicate_email_in_any_case_or_unicode_variant_gives_a_form_error(
        app, client, session, make_org, make_user, make_invite, register, variant):
    make_user(email="anna@mail.ru")
    org = make_org()
    invite, link = make_invite(org, kind="parent", unit="1А")
    response = register.adult(link, email=variant, child_name="Петров Коля")
    assert response.status_code == 200
    assert 'href="/login"' in response.text
    assert ("already exists" in response.text) or ("уже есть" in response.text) or ("уже существует" in response.text)
    assert 'value="Петрова"' in response.text  # what was typed is kept (not the password)
    assert PASSWORD not in response.text
    assert fresh(session).query(User).count() == 1


def test_a_concurrent_double_submit_gives_one_account(app, session, make_org, make_invite):
    org = make_org()
    invite, link = make_invite(org, kind="staff")
    barrier = threading.Barrier(2)
    statuses = []

    def submit():
        client = app.test_client()
        barrier.wait()
        response = client.post(link.replace("/i/", "/register/"), data={
            "last_name": "Петрова", "first_name": "Анна", "email": "anna@mail.ru", "password": PASSWORD})
        statuses.append(response.status_code)

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert 500 not in statuses and statuses.count(302) >= 1, statuses
    assert fresh(session).query(User).filter_by(email="anna@mail.ru").count() == 1


def test_a_missing_csrf_token_gives_the_friendly_400_page(app_config, session, make_org, make_invite):
    from onboarding import create_app

    _invite, link = make_invite(make_org(units=""), kind="staff", max_uses=5)
    token = link.removeprefix("/i/")
    app = create_app({**app_config, "WTF_CSRF_ENABLED": True})
    client = app.test_client()
    response = client.post(f"/register/{token}", data={
        "last_name": "Петрова", "first_name": "Анна", "email": "anna@mail.ru", "password": PASSWORD})
    assert response.status_code == 400
    assert "<h1>" in response.text and "The browser (or proxy) sent a request" not in response.text
    assert "Форма устарела" in response.text
    assert fresh(session).query(User).count() == 0
    app.extensions["db"]["engine"].dispose()


@pytest.mark.parametrize("name", [
    "Анна\u202eдьявол",       # bidi override
    "Ан\u200bна",             # zero-width space
    "Анна\x00",               # NUL
    "Анна\x07",               # control
    "А" * 10_000,
    "<script>alert(1)</script>",
])
def test_hostile_names_are_refused(app, client, session, make_org, make_invite, register, name):
    org = make_org()
    invite, link = make_invite(org, kind="staff")
    response = register.adult(link, first_name=name)
    assert response.status_code == 200
    assert "<script>alert" not in response.text
    assert 'id="first_name-error"' in response.text
    assert fresh(session).query(User).count() == 0


def test_an_invite_revoked_mid_path_gives_410_and_stores_nothing(app, client, session, make_org, make_invite,
                                                                 register):
    org = make_org()
    invite, link = make_invite(org, kind="parent", unit="2Б")
    register.adult(link, child_name="Петров Коля")
    assert client.post("/register/confirm", data={"code": register.code()}).status_code == 302
    row = fresh(session).get(Invite, invite.id)
    row.revoked_at = utcnow()
    session.commit()
    response = client.post("/register/consent", data={"agree": "y"})
    assert response.status_code == 410
    fresh(session)
    user = session.query(User).one()
    assert user.status == "unconfirmed"
    assert session.query(Membership).filter_by(user_id=user.id).count() == 0
    assert session.query(ConsentRecord).count() == 0
    assert session.get(Invite, invite.id).uses == 0


def test_an_invite_used_up_by_someone_else_mid_path_stores_nothing(app, client, session, make_org, make_invite,
                                                                   register):
    org = make_org()
    invite, link = make_invite(org, kind="staff", max_uses=1)
    register.adult(link)
    client.post("/register/confirm", data={"code": register.code()})
    row = fresh(session).get(Invite, invite.id)
    row.uses = 1
    session.commit()
    assert client.post("/register/consent", data={"agree": "y"}).status_code == 410
    assert fresh(session).query(Membership).count() == 0


def test_a_code_for_one_registration_never_confirms_another(app, session, make_org, make_invite, register):
    org = make_org()
    invite, link = make_invite(org, kind="staff")
    first, second = app.test_client(), app.test_client()
    first.post(link.replace("/i/", "/register/"), data={
        "last_name": "Петрова", "first_name": "Анна", "email": "anna@mail.ru", "password": PASSWORD})
    code_a = register.code("anna@mail.ru")
    second.post(link.replace("/i/", "/register/"), data={
        "last_name": "Орлова", "first_name": "Вера", "email": "vera@mail.ru", "password": PASSWORD})
    code_b = register.code("vera@mail.ru")
    if code_a == code_b:  # one in a million: the codes coincide, nothing to prove
        pytest.skip("the two random codes coincide")
    response = second.post("/register/confirm", data={"code": code_a})
    assert response.status_code == 200 and 'id="code-error"' in response.text
    assert second.post("/register/consent", data={"agree": "y"}).status_code == 302  # back to the code page
    assert fresh(session).query(User).filter_by(status="active").count() == 0
    assert second.post("/register/confirm", data={"code": code_b}).status_code == 302


def test_purge_deletes_only_stale_unconfirmed_accounts(app, runner, session, make_org, make_invite, register):
    org = make_org()
    invite, link = make_invite(org, kind="staff")
    register.adult(link, email="old@mail.ru")
    user = fresh(session).query(User).filter_by(email="old@mail.ru").one()
    user.created_at = utcnow() - timedelta(days=3)
    session.commit()
    register.client.post("/logout")
    fresh_client = app.test_client()
    fresh_client.post(link.replace("/i/", "/register/"), data={
        "last_name": "Орлова", "first_name": "Вера", "email": "new@mail.ru", "password": PASSWORD})
    result = runner.invoke(args=["accounts", "purge-unconfirmed"])
    assert result.exit_code == 0 and "purged 1" in result.output
    assert [u.email for u in fresh(session).query(User)] == ["new@mail.ru"]
    assert registration.purge_unconfirmed(session, now=utcnow(), max_age=timedelta(days=2)) == 0


def test_someone_restarting_my_registration_cant_take_the_account(app, session, make_org, make_invite, register):
    from test_registration_takeover import _age_codes

    org = make_org()
    invite, link = make_invite(org, kind="staff")
    path = link.replace("/i/", "/register/")
    me, attacker = app.test_client(), app.test_client()
    data = {"last_name": "Петрова", "first_name": "Анна", "email": "anna@mail.ru"}
    assert me.post(path, data={**data, "password": PASSWORD}).status_code == 302
    # Within the minute after my code, a restart is refused outright.
    assert attacker.post(path, data={**data, "password": "attacker owns this now"}).status_code == 200
    _age_codes(session)
    assert attacker.post(path, data={**data, "password": "attacker owns this now"}).status_code == 302
    # My path is void (the details changed under it), and I am told so; the attacker has no code.
    assert me.get("/register/confirm").status_code == 409
    assert attacker.post("/register/confirm", data={"code": "000000"}).status_code == 200
    # I start again, and the latest code (sent to my mailbox) finishes it, with my password.
    _age_codes(session)
    assert me.post(path, data={**data, "password": PASSWORD}).status_code == 302
    assert attacker.get("/register/confirm").status_code == 409
    assert me.post("/register/confirm", data={"code": register.code("anna@mail.ru")}).status_code == 302
    assert me.post("/register/consent", data={"agree": "y"}).status_code == 302
    me.post("/logout")
    assert me.post("/login", data={"identifier": "anna@mail.ru", "password": PASSWORD}).status_code == 302
    assert attacker.post("/login", data={"identifier": "anna@mail.ru",
                                         "password": "attacker owns this now"}).status_code == 200
    assert fresh(session).query(User).count() == 1
