"""A code proves control of an address to the browser that typed it, for the
registration it was issued for: nobody else can finish that registration by
restarting it with their own name and password."""
from datetime import timedelta

from support import PASSWORD, form_errors
from test_registration_roles import fresh

from onboarding.models import EmailCode, Membership, User

OWNER = "owner@mail.ru"


def _age_codes(session, seconds=61):
    """Move the account's codes into the past (the resend pause is over)."""
    session = fresh(session)
    for record in session.query(EmailCode).all():
        record.created_at -= timedelta(seconds=seconds)
        if record.confirmed_at is not None:
            record.confirmed_at -= timedelta(seconds=seconds)
    session.commit()


def _owner_reaches_consent(client, link, register):
    response = register.adult(link, email=OWNER, child_name="Петров Коля")
    assert response.status_code == 302
    response = client.post("/register/confirm", data={"code": register.code(OWNER)})
    assert response.headers["Location"].endswith("/register/consent")


def _attacker_posts(app, link, register_cls, sent_mail):
    attacker = app.test_client()
    response = attacker.post(link.replace("/i/", "/register/"), data={
        "last_name": "Злоумышленникова", "first_name": "Ирина", "email": OWNER, "phone": "",
        "password": "another long password 42", "child_name": "Сидоров Петя"})
    return attacker, response


def test_a_stranger_cannot_take_over_a_confirmed_registration(app, client, session, make_org, make_invite,
                                                              register, sent_mail):
    org = make_org()
    other = make_org(name="Школа № 2")
    _invite, owner_link = make_invite(org, kind="parent", unit="2Б")
    _other_invite, attacker_link = make_invite(other, kind="staff")
    _owner_reaches_consent(client, owner_link, register)
    mails_before = len(sent_mail)

    attacker, response = _attacker_posts(app, attacker_link, None, sent_mail)
    # Refused beside the field, the typing kept; or, at most, a code page that leads nowhere.
    if response.status_code == 200:
        assert form_errors(response.text)
        assert 'value="Злоумышленникова"' in response.text
    attacker.post("/register/consent", data={"agree": "y"})

    user = fresh(session).query(User).filter_by(email=OWNER).one()
    assert user.status == "unconfirmed" and user.last_name == "Петрова"
    assert session.query(Membership).filter_by(user_id=user.id).count() == 0

    # The owner carries on as if nothing happened.
    response = client.post("/register/consent", data={"agree": "y"})
    assert response.status_code == 302, response.text
    user = fresh(session).query(User).filter_by(email=OWNER).one()
    assert (user.status, user.last_name) == ("active", "Петрова")
    assert {m.org_id for m in session.query(Membership).filter_by(user_id=user.id)} == {org.id}
    assert len(sent_mail) == mails_before  # the attacker got no code sent either


def test_a_restart_voids_the_earlier_code_and_confirmation(app, client, session, make_org, make_invite,
                                                           register, sent_mail):
    """Once the pause is over a restart sends a new code to the address; the
    stranger still can't consent without it, and the first browser is told
    plainly that the registration was started again elsewhere."""
    org = make_org()
    _invite, link = make_invite(org, kind="parent", unit="2Б")
    _owner_reaches_consent(client, link, register)
    session_user = fresh(session).query(User).filter_by(email=OWNER).one()
    _age_codes(session, seconds=11 * 60)  # the confirmation is old: a restart is allowed

    attacker, response = _attacker_posts(app, link, None, sent_mail)
    assert response.status_code == 302 and response.headers["Location"].endswith("/register/confirm")
    assert register.last_mail(OWNER)  # a new code went to the owner's address
    response = attacker.get("/register/consent")
    assert response.status_code == 302 and response.headers["Location"].endswith("/register/confirm")
    attacker.post("/register/consent", data={"agree": "y"})
    user = fresh(session).get(User, session_user.id)
    assert user.status == "unconfirmed"

    response = client.post("/register/consent", data={"agree": "y"})
    assert response.status_code == 409
    assert "заново" in response.text  # «регистрация ... начата заново» — told, not a bare 404
    assert fresh(session).get(User, session_user.id).status == "unconfirmed"


def test_a_code_typed_in_one_browser_does_not_open_consent_in_another(app, client, session, make_org,
                                                                    make_invite, register):
    """The same person's second browser (or a copied session from before the
    code was typed) must type the code itself."""
    org = make_org()
    _invite, link = make_invite(org, kind="parent", unit="2Б")
    register.adult(link, email=OWNER, child_name="Петров Коля")
    with client.session_transaction() as cookie:
        copied = dict(cookie)
    client.post("/register/confirm", data={"code": register.code(OWNER)})

    other = app.test_client()
    with other.session_transaction() as cookie:
        cookie.update(copied)
    response = other.post("/register/consent", data={"agree": "y"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/register/confirm")
    assert fresh(session).query(User).filter_by(email=OWNER).one().status == "unconfirmed"


def test_the_same_form_sent_twice_still_goes_to_the_code_page(client, session, make_org, make_invite, register,
                                                              sent_mail):
    org = make_org()
    _invite, link = make_invite(org, kind="parent", unit="2Б")
    register.adult(link, email=OWNER, child_name="Петров Коля")
    response = register.adult(link, email=OWNER, child_name="Петров Коля")
    assert response.status_code == 302 and response.headers["Location"].endswith("/register/confirm")
    assert len([m for m in sent_mail if m["To"] == OWNER]) == 1
    register.confirm_and_consent(OWNER)
    assert fresh(session).query(User).filter_by(email=OWNER).one().status == "active"


def test_a_restart_within_the_pause_is_refused_with_the_wait(app, client, session, make_org, make_invite,
                                                              register, sent_mail):
    """Someone else restarting within 60 s of the code: no silent code page
    without a code, but a plain message beside the e-mail field."""
    org = make_org()
    _invite, link = make_invite(org, kind="parent", unit="2Б")
    register.adult(link, email=OWNER, child_name="Петров Коля")
    _attacker, response = _attacker_posts(app, link, None, sent_mail)
    assert response.status_code == 200
    assert any("Подождите" in error for error in form_errors(response.text)), form_errors(response.text)
    assert PASSWORD not in response.text
    user = fresh(session).query(User).filter_by(email=OWNER).one()
    assert user.last_name == "Петрова"
    register.confirm_and_consent(OWNER)
    assert fresh(session).query(User).filter_by(email=OWNER).one().status == "active"
