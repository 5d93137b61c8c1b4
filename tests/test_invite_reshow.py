"""A link can be shown again, on any device, to whoever may manage it: its
nonce is derived from the server's key and the invite's id (HMAC), so the
database holds only a hash and nothing usable. Links made before (random
nonces) keep working but can't be shown again; neither can one derived under
a key since rotated out. A verified teacher's home page leads to all this."""
import re

import pytest
from sqlalchemy import select

from onboarding import create_app
from onboarding.core import tokens
from onboarding.invites import operations as invites
from onboarding.models import Invite, utcnow

LINK = re.compile(r'id="invite-link"[^>]*value="([^"]+)"')
CANT_SHOW = "Эту ссылку нельзя показать снова"


@pytest.fixture
def school(make_org, make_user, make_member):
    org = make_org()
    admin = make_user(email="admin@school.ru", last_name="Админова")
    make_member(admin, org, "admin")
    teacher = make_user(email="teacher@school.ru", last_name="Учителева", first_name="Анна")
    make_member(teacher, org, "teacher")
    make_member(teacher, org, "teacher", unit="5А", is_lead=True)
    other = make_user(email="other@school.ru", last_name="Другова")
    make_member(other, org, "teacher")
    make_member(other, org, "teacher", unit="9В", is_lead=True)
    return {"org": org, "admin": admin, "teacher": teacher}


def _create(client, org, unit_id, kind="parent"):
    return client.post(f"/org/{org.id}/invites/new", data={
        "kind": kind, "unit": str(unit_id), "expiry": "7d", "expires_on": "", "max_uses": "40", "extra": "none",
        "lead_unit": "0", "pupil_name": ""})


def _login(app, email):
    client = app.test_client()  # another device: a session of its own
    assert client.post("/login", data={"identifier": email, "password": "correct horse battery staple"}
                       ).status_code == 302
    return client


def _unit_id(session, org, name):
    from support import unit_named

    return unit_named(session, org, name).id


def test_a_link_is_shown_again_on_another_device_and_works(app, client, auth, school, session):
    org = school["org"]
    auth.login("teacher@school.ru")
    created = _create(client, org, _unit_id(session, org, "5А"))
    assert created.status_code == 302
    first = LINK.search(client.get(created.headers["Location"]).text).group(1)

    phone = _login(app, "teacher@school.ru")
    share = phone.get(created.headers["Location"])
    assert LINK.search(share.text).group(1) == first and "<svg" in share.text and CANT_SHOW not in share.text
    printed = phone.get(created.headers["Location"] + "/print")
    assert printed.status_code == 200 and first in printed.text and "<svg" in printed.text
    # The administrator manages every link: shown to them as well; a teacher of another class gets nothing.
    assert LINK.search(_login(app, "admin@school.ru").get(created.headers["Location"]).text).group(1) == first
    assert _login(app, "other@school.ru").get(created.headers["Location"]).status_code in (403, 404)

    assert app.test_client().get(first.removeprefix("http://localhost")).status_code == 200


def test_the_database_holds_nothing_usable(app, client, auth, school, session):
    org = school["org"]
    auth.login("teacher@school.ru")
    _create(client, org, _unit_id(session, org, "5А"))
    session.rollback()
    invite = session.scalars(select(Invite)).one()
    with app.app_context():
        key = app.config["SECRET_KEY"]
        nonce = invites.link_nonce(key, invite.id)
    # Stored: only the nonce's hash; the nonce itself needs the key.
    assert invite.nonce_hash == tokens.hash_nonce(nonce) and nonce not in invite.nonce_hash
    assert invites.rebuilt_nonce(key, invite) == nonce
    assert invites.rebuilt_nonce("someone-elses-key", invite) is None
    assert invites.link_nonce(key, invite.id + 1) != nonce  # one nonce per invite
    assert re.fullmatch(r"[A-Za-z0-9_-]{22}", nonce)  # the shape every link's nonce has


def test_a_link_made_before_keeps_working_but_cant_be_shown_again(app, client, auth, school, make_invite):
    org = school["org"]
    invite, path = make_invite(org, kind="parent", unit="5А", created_by=school["teacher"])  # a random nonce
    auth.login("teacher@school.ru")
    share = client.get(f"/org/{org.id}/invites/{invite.id}")
    assert share.status_code == 200
    assert CANT_SHOW in share.text and 'id="invite-link"' not in share.text and "<svg" not in share.text
    assert f"/invites/{invite.id}/regenerate" in share.text  # offered, behind its confirmation
    assert client.get(f"/org/{org.id}/invites/{invite.id}/print").status_code == 302
    assert app.test_client().get(path).status_code == 200  # still works for whoever has it

    made = client.post(f"/org/{org.id}/invites/{invite.id}/regenerate", data={"confirmed": "yes"})
    assert made.status_code == 302
    again = client.get(made.headers["Location"])
    link = LINK.search(again.text).group(1)
    assert app.test_client().get(path).status_code == 410  # the old one revoked
    assert app.test_client().get(link.removeprefix("http://localhost")).status_code == 200


def test_regenerating_asks_first(app, client, auth, school, session):
    org = school["org"]
    auth.login("teacher@school.ru")
    created = _create(client, org, _unit_id(session, org, "5А"))
    invite_id = int(created.headers["Location"].rsplit("/", 1)[1])
    asked = client.post(f"/org/{org.id}/invites/{invite_id}/regenerate")
    assert asked.status_code == 200 and 'name="confirmed" value="yes"' in asked.text
    session.rollback()
    assert session.get(Invite, invite_id).revoked_at is None


def test_after_key_rotation_the_link_works_but_is_not_shown_again(app_config, app, client, auth, school, session):
    org = school["org"]
    auth.login("teacher@school.ru")
    created = _create(client, org, _unit_id(session, org, "5А"))
    link = LINK.search(client.get(created.headers["Location"]).text).group(1)
    old_key = app.config["SECRET_KEY"]

    app_config.update(SECRET_KEY="a-brand-new-key", SECRET_KEY_FALLBACKS=[old_key])
    rotated = create_app(app_config)
    try:
        assert rotated.test_client().get(link.removeprefix("http://localhost")).status_code == 200
        share = _login(rotated, "teacher@school.ru").get(created.headers["Location"])
        assert share.status_code == 200 and CANT_SHOW in share.text and link not in share.text
    finally:
        rotated.extensions["db"]["engine"].dispose()


def test_letters_can_be_shown_again(app, client, auth, school, session):
    org = school["org"]
    unit_id = _unit_id(session, org, "5А")
    auth.login("teacher@school.ru")
    page = client.post(f"/org/{org.id}/units/{unit_id}/letters", data={"names": "Петров Ваня", "expiry": "30d"})
    assert page.status_code == 200
    printed = re.search(r'<p class="letter-link">([^<]+)</p>', page.text).group(1)
    session.rollback()
    invite = session.scalars(select(Invite)).one()
    assert LINK.search(_login(app, "teacher@school.ru").get(f"/org/{org.id}/invites/{invite.id}").text
                       ).group(1) == printed


def test_a_verified_teachers_home_leads_to_links_letters_and_chats(app, client, auth, school, session,
                                                                   make_user, make_member):
    org = school["org"]
    unit_id = _unit_id(session, org, "5А")
    auth.login("teacher@school.ru")
    home = client.get("/").text
    assert "Ссылки-приглашения и письма" in home
    assert f'href="/org/{org.id}/invites/new?unit={unit_id}"' in home
    assert f'href="/org/{org.id}/units/{unit_id}/letters"' in home
    assert f'href="/org/{org.id}/units/{unit_id}/invites"' in home
    assert 'href="/chats/"' in home
    assert re.findall(r'/units/(\d+)/invites"', home) == [str(unit_id)]  # the staff room is no class

    session.rollback()
    pending = make_user(email="pending@school.ru")
    make_member(pending, org, "teacher", verification="pending")
    make_member(pending, org, "teacher", unit="2Б", verification="pending")
    home = _login(app, "pending@school.ru").get("/").text
    assert "Ссылки-приглашения и письма" not in home and "/invites/new" not in home


def test_an_invite_made_outside_the_site_has_no_derived_nonce(app, session, school):
    """The operator's administrator link (the CLI) keeps a random nonce: shown once, never again."""
    invite, nonce = invites.create_admin_invite(session, school["org"], name="Новикова Ольга",
                                                email="o.novikova@school.ru", now=utcnow())
    session.commit()
    with app.app_context():
        assert invites.rebuilt_nonce(app.config["SECRET_KEY"], invite) is None
    assert tokens.nonce_matches(nonce, invite.nonce_hash)
