"""Invite pages through real forms: create, share, lists, revoke, regenerate,
the landing page and its friendly error pages, bad tokens, key rotation."""
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from support import unit_named

from onboarding import create_app
from onboarding.core.tokens import make_token, new_nonce
from onboarding.db import get_session
from onboarding.invites import redemption
from onboarding.models import AuditEvent, Invite, utcnow
from onboarding.orgs import structure as orgs
from onboarding.people import members

LINK = re.compile(r'id="invite-link"[^>]*value="([^"]+)"')


@pytest.fixture
def school(make_org, make_user, make_member):
    org = make_org()
    admin = make_user(email="admin@school.ru", last_name="Админова")
    make_member(admin, org, "admin")
    teacher = make_user(email="teacher@school.ru", last_name="Учителева", first_name="Анна")
    make_member(teacher, org, "teacher")
    make_member(teacher, org, "teacher", unit="5А", is_lead=True)
    return {"org": org, "admin": admin, "teacher": teacher}


def db_count(app, model, *where):
    with app.app_context():
        return get_session().scalar(select(func.count()).select_from(model).where(*where))


def create_form(client, org, **data):
    values = {"kind": "student", "unit": "", "expiry": "7d", "expires_on": "", "max_uses": "40", "extra": "none",
              "lead_unit": "0", "pupil_name": ""}
    values.update(data)
    return client.post(f"/org/{org.id}/invites/new", data=values)


def test_teacher_creates_a_class_link_and_shares_it(app, client, auth, school, session):
    org = school["org"]
    unit = unit_named(session, org, "5А")
    auth.login("teacher@school.ru")
    form = client.get(f"/org/{org.id}/invites/new?unit={unit.id}")
    assert form.status_code == 200 and f'<option selected value="{unit.id}">' in form.text
    response = create_form(client, org, unit=str(unit.id), expiry="1d", max_uses="30")
    assert response.status_code == 302
    share = client.get(response.headers["Location"])
    link = LINK.search(share.text).group(1)
    assert link.startswith("http://localhost/i/") and len(link) < 100
    assert "<svg" in share.text and "style=" not in share.text
    assert "data-copy" in share.text  # the copy button, enabled by script
    session.rollback()
    invite = session.scalars(select(Invite)).one()
    assert (invite.kind, invite.max_uses, invite.created_by_id) == ("student", 30, school["teacher"].id)
    # expiry in the organisation's local time (Yekaterinburg, UTC+5)
    local = (invite.expires_at + timedelta(hours=5)).strftime("%H:%M")
    assert local in share.text
    assert client.get(response.headers["Location"] + "/print").status_code == 200

    client.post("/logout")
    landing = client.get(link.removeprefix("http://localhost"))
    assert landing.status_code == 200
    assert "Учителева Анна" in landing.text and "5А" in landing.text
    assert "/register/" in landing.text


def test_create_form_refuses_bad_values(app, client, auth, school, session, make_org):
    org = school["org"]
    unit = unit_named(session, org, "5А")
    other = make_org(name="Школа № 2")
    foreign = unit_named(session, other, "5А")
    auth.login("admin@school.ru")
    for data in ({"max_uses": "0"}, {"max_uses": "1001"}, {"max_uses": "много"}, {"expires_on": "2020-01-01"}):
        response = create_form(client, org, unit=str(unit.id), **data)
        assert response.status_code == 422, data
        assert 'class="error"' in response.text
    assert create_form(client, org, unit=str(foreign.id)).status_code == 404
    assert client.get(f"/org/{other.id}/invites/new").status_code == 404
    assert db_count(app, Invite) == 0


def test_admin_creates_a_staff_link_with_homeroom(app, client, auth, school, session):
    org = school["org"]
    unit = unit_named(session, org, "9В")
    auth.login("admin@school.ru")
    response = create_form(client, org, kind="staff", extra="lead", lead_unit=str(unit.id), max_uses="5")
    assert response.status_code == 302, response.text
    session.rollback()
    invite = session.scalars(select(Invite)).one()
    assert invite.unit_id == orgs.staff_room(session, org.id).id and invite.lead_unit_id == unit.id
    assert sorted(chat.kind for chat in invite.chats) == ["staff", "teachers"]


def test_unverified_teacher_sees_why(client, auth, school, make_user, make_member):
    org = school["org"]
    make_member(make_user(email="new@school.ru"), org, "teacher", verification="pending")
    auth.login("new@school.ru")
    response = client.get(f"/org/{org.id}/invites/new")
    assert response.status_code == 403
    assert "verified" in response.text or "подтвердил" in response.text


def test_state_changes_refuse_get(client, auth, school, make_invite, session):
    org = school["org"]
    invite, _ = make_invite(org, kind="parent", unit="5А", created_by=school["admin"])
    unit = unit_named(session, org, "5А")
    auth.login("admin@school.ru")
    for path in (f"/org/{org.id}/invites/{invite.id}/revoke", f"/org/{org.id}/invites/{invite.id}/regenerate",
                 f"/org/{org.id}/units/{unit.id}/invites/revoke"):
        assert client.get(path).status_code == 405


def test_revoke_asks_first_then_the_link_shows_revoked(app, client, auth, school, make_invite):
    org = school["org"]
    invite, path = make_invite(org, kind="parent", unit="5А", created_by=school["teacher"])
    auth.login("teacher@school.ru")
    url = f"/org/{org.id}/invites/{invite.id}/revoke"
    ask = client.post(url)
    assert ask.status_code == 200 and 'name="confirmed" value="yes"' in ask.text
    assert db_count(app, Invite, Invite.revoked_at.is_not(None)) == 0
    assert client.post(url, data={"confirmed": "yes"}).status_code == 302
    assert db_count(app, Invite, Invite.revoked_at.is_not(None)) == 1
    assert db_count(app, AuditEvent, AuditEvent.action == "invite.revoked") == 1
    client.post("/logout")
    page = client.get(path)
    assert page.status_code == 410 and ("revoked" in page.text or "отозвана" in page.text.lower())


def test_revoke_all_unclaimed_in_a_unit(app, client, auth, school, make_invite, session):
    org = school["org"]
    for _ in range(3):
        make_invite(org, kind="parent", unit="5А", created_by=school["teacher"])
    make_invite(org, kind="parent", unit="9В", created_by=school["admin"])
    unit = unit_named(session, org, "5А")
    auth.login("teacher@school.ru")
    url = f"/org/{org.id}/units/{unit.id}/invites/revoke"
    assert "(3)" in client.post(url).text
    client.post(url, data={"confirmed": "yes"})
    assert db_count(app, Invite, Invite.revoked_at.is_not(None)) == 3


def test_regenerate_gives_a_new_link_and_kills_the_old(app, client, auth, school, make_invite):
    org = school["org"]
    invite, old_path = make_invite(org, kind="student", unit="5А", created_by=school["teacher"], max_uses=25)
    auth.login("teacher@school.ru")
    response = client.post(f"/org/{org.id}/invites/{invite.id}/regenerate", data={"confirmed": "yes"})
    assert response.status_code == 302
    new_link = LINK.search(client.get(response.headers["Location"]).text).group(1)
    client.post("/logout")
    assert client.get(old_path).status_code == 410
    assert client.get(new_link.removeprefix("http://localhost")).status_code == 200
    assert db_count(app, Invite, Invite.max_uses == 25, Invite.revoked_at.is_(None)) == 1


def test_lists_show_status_uses_and_who_joined(app, client, auth, school, make_invite, make_user, session):
    org = school["org"]
    used, _ = make_invite(org, kind="guardian", unit="5А", created_by=school["teacher"], max_uses=1,
                          pupil_name="Петров Иван")
    parent = make_user(last_name="Петрова", first_name="Мария")
    redemption.record_redemption(session, used, parent, now=utcnow())
    session.commit()
    make_invite(org, kind="parent", unit="5А", created_by=school["teacher"], expires_in=timedelta(seconds=-1))
    make_invite(org, kind="student", unit="9В", created_by=school["admin"])
    unit = unit_named(session, org, "5А")
    auth.login("teacher@school.ru")
    page = client.get(f"/org/{org.id}/units/{unit.id}/invites").text
    assert "Петрова Мария" in page and "Петров Иван" in page and "Учителева Анна" in page
    assert page.count("status-used_up") == 1 and page.count("status-expired") == 1
    # the teacher sees only the units they teach; the administrator sees all
    assert client.get(f"/org/{org.id}/invites").text.count('class="card ') == 2
    nine = unit_named(session, org, "9В")
    assert client.get(f"/org/{org.id}/units/{nine.id}/invites").status_code == 403
    client.post("/logout")
    auth.login("admin@school.ru")
    assert client.get(f"/org/{org.id}/invites").text.count('class="card ') == 3
    assert f"/org/{org.id}/invites/new" in client.get(f"/org/{org.id}/admin/").text


def test_another_organisations_invite_is_not_found(client, auth, school, make_org, make_invite, make_user,
                                                   make_member):
    other = make_org(name="Школа № 2")
    invite, _ = make_invite(other, kind="parent", unit="5А")
    auth.login("admin@school.ru")
    org = school["org"]
    assert client.get(f"/org/{org.id}/invites/{invite.id}").status_code == 404
    assert client.post(f"/org/{org.id}/invites/{invite.id}/revoke", data={"confirmed": "yes"}).status_code == 404
    assert client.get(f"/org/{other.id}/invites").status_code == 404


@pytest.mark.parametrize("make_token_text", [
    lambda good: good[:-1] + ("A" if good[-1] != "A" else "B"),   # tampered signature
    lambda good: good[:-5],                                         # truncated
    lambda good: "x" * 10_000,                                      # 10 KB
    lambda good: "%%%%.!!!!.????",                                  # not base64
    lambda good: "1.abc.def",                                       # malformed
    lambda good: make_token(["testing-secret-key"], "password-reset", 1, new_nonce()),  # other salt
    lambda good: make_token(["retired-key"], "invite", 1, good.split(".")[1]),          # unknown key
    lambda good: good.split(".")[0] + "." + new_nonce() + "." + good.split(".")[2],    # other nonce
])
def test_bad_tokens_give_the_not_found_page(app, client, school, make_invite, make_token_text):
    invite, path = make_invite(school["org"], kind="parent", unit="5А", created_by=school["teacher"])
    before = db_count(app, AuditEvent)
    response = client.get("/i/" + make_token_text(path.removeprefix("/i/")))
    assert response.status_code == 404
    assert "<h1>" in response.text
    assert db_count(app, AuditEvent) == before
    assert client.get("/i/").status_code == 404


@pytest.mark.parametrize("state, phrase", [
    ("expired", "teacher"), ("revoked", "cancelled"), ("used_up", "as many times"),
])
def test_each_dead_link_has_its_own_page(app_config, school, make_invite, session, state, phrase):
    app_config["BABEL_DEFAULT_LOCALE"] = "en"
    from onboarding import create_app as factory
    app = factory(app_config)
    client = app.test_client()
    fields = {"expired": {"expires_in": timedelta(seconds=-1)}, "used_up": {"max_uses": 1, "uses": 1},
              "revoked": {"revoked_at": utcnow()}}[state]
    _invite, path = make_invite(school["org"], kind="parent", unit="5А", created_by=school["teacher"], **fields)
    response = client.get(path)
    assert response.status_code == 410 and phrase in response.text
    app.extensions["db"]["engine"].dispose()


def test_link_stops_when_creator_leaves(client, school, make_invite, session):
    _invite, path = make_invite(school["org"], kind="parent", unit="5А", created_by=school["teacher"])
    assert client.get(path).status_code == 200
    for membership in members.memberships_of(session, school["teacher"].id):
        membership.left_at = utcnow()
    session.commit()
    assert client.get(path).status_code == 410


def test_key_rotation(app_config, school, make_invite, session):
    """A link signed with an old key works while the key is a fallback."""
    _invite, path = make_invite(school["org"], kind="parent", unit="5А", created_by=school["teacher"])
    app_config.update(SECRET_KEY="a-brand-new-key", SECRET_KEY_FALLBACKS=["testing-secret-key"])
    rotated = create_app(app_config)
    assert rotated.test_client().get(path).status_code == 200
    rotated.extensions["db"]["engine"].dispose()
    app_config.update(SECRET_KEY_FALLBACKS=[])
    retired = create_app(app_config)
    assert retired.test_client().get(path).status_code == 404
    retired.extensions["db"]["engine"].dispose()


def test_pupil_account_opening_a_parent_link(client, auth, school, make_invite, make_user, make_member):
    org = school["org"]
    pupil = make_user(email="pupil@school.ru")
    make_member(pupil, org, "student", unit="5А")
    _invite, path = make_invite(org, kind="parent", unit="5А", created_by=school["teacher"])
    auth.login("pupil@school.ru")
    page = client.get(path)
    assert page.status_code == 403
    assert "http://localhost" + path in page.text and "<svg" in page.text
    assert 'action="/logout"' in page.text


def test_logged_in_user_gets_a_redeem_button_or_already_member(client, auth, school, make_invite, make_user,
                                                               make_member):
    org = school["org"]
    _invite, path = make_invite(org, kind="parent", unit="5А", created_by=school["teacher"])
    make_user(email="mum@mail.ru")
    auth.login("mum@mail.ru")
    page = client.get(path)
    assert page.status_code == 200 and "<form" in page.text
    client.post("/logout")
    auth.login("teacher@school.ru")
    staff, staff_path = make_invite(org, kind="staff", created_by=school["admin"])
    assert client.get(staff_path).status_code == 200
    assert "already" in client.get(staff_path).text or "уже" in client.get(staff_path).text


def test_revoke_with_csrf_on(app_config, school, make_invite, session):
    """The list's buttons and the confirmation page carry their CSRF tokens."""
    app_config["WTF_CSRF_ENABLED"] = True
    app = create_app(app_config)
    client = app.test_client()
    org = school["org"]
    invite, path = make_invite(org, kind="parent", unit="5А", created_by=school["teacher"])
    token_of = lambda html: re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)  # noqa: E731
    login = client.get("/login").text
    client.post("/login", data={"identifier": "teacher@school.ru", "password": "correct horse battery staple",
                                "csrf_token": token_of(login)})
    listing = client.get(f"/org/{org.id}/units/{invite.unit_id}/invites").text
    url = f"/org/{org.id}/invites/{invite.id}/revoke"
    assert client.post(url).status_code == 400  # no token
    ask = client.post(url, data={"csrf_token": token_of(listing), "back": "unit"})
    assert ask.status_code == 200
    done = client.post(url, data={"csrf_token": token_of(ask.text), "confirmed": "yes", "back": "unit"})
    assert done.status_code == 302
    client.post("/logout", data={"csrf_token": token_of(ask.text)})
    assert client.get(path).status_code == 410
    app.extensions["db"]["engine"].dispose()


def _redeem_by(session, invite, make_user, count, first_index=0):
    session.rollback()  # SQLite: no reading snapshot may stand in the way of these writes
    for n in range(first_index, first_index + count):
        parent = make_user(last_name="Родителева", first_name=f"Мать{chr(1040 + n)}")
        redemption.record_redemption(session, invite, parent, now=utcnow() + timedelta(seconds=n))
    session.commit()


def _statements_of(app, client, path):
    from sqlalchemy import event

    statements = []

    def count(conn, cursor, statement, *args):
        if not statement.lstrip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK")):
            statements.append(statement)

    engine = app.extensions["db"]["engine"]
    event.listen(engine, "before_cursor_execute", count)
    try:
        response = client.get(path)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return response, len(statements)


def test_a_busy_link_lists_the_last_few_and_its_page_lists_everyone(app, client, auth, school, make_invite,
                                                                     make_user, session):
    org = school["org"]
    invite, _ = make_invite(org, kind="parent", unit="5А", created_by=school["teacher"], max_uses=40)
    _redeem_by(session, invite, make_user, 12)
    unit = unit_named(session, org, "5А")
    auth.login("teacher@school.ru")
    page = client.get(f"/org/{org.id}/units/{unit.id}/invites").text
    assert "Кто присоединился (12)" in page
    assert page.count("Родителева Мать") == 5  # the newest five
    assert "Родителева МатьЛ" in page and "Родителева МатьА" not in page
    assert "Все 12 — на странице ссылки" in page
    details = client.get(f"/org/{org.id}/invites/{invite.id}").text
    assert details.count("Родителева Мать") == 12


def test_the_unit_list_asks_the_database_the_same_whatever_the_number_who_joined(app, client, auth, school,
                                                                                  make_invite, make_user, session):
    org = school["org"]
    invite, _ = make_invite(org, kind="parent", unit="5А", created_by=school["teacher"], max_uses=100)
    make_invite(org, kind="student", unit="5А", created_by=school["admin"])
    unit = unit_named(session, org, "5А")
    path = f"/org/{org.id}/units/{unit.id}/invites"
    auth.login("admin@school.ru")
    _redeem_by(session, invite, make_user, 2)
    client.get(path)
    few, few_queries = _statements_of(app, client, path)
    _redeem_by(session, invite, make_user, 30, first_index=2)
    many, many_queries = _statements_of(app, client, path)
    assert few.status_code == many.status_code == 200
    assert few_queries == many_queries <= 7


def test_the_operators_link_and_a_revoked_link_are_not_made_again(app, client, auth, school, make_invite):
    org = school["org"]
    admin_invite, _ = make_invite(org, kind="admin", max_uses=1)
    revoked, _ = make_invite(org, kind="student", unit="5А", created_by=school["admin"])
    auth.login("admin@school.ru")
    assert client.post(f"/org/{org.id}/invites/{revoked.id}/revoke", data={"confirmed": "yes"}).status_code == 302
    before = db_count(app, Invite)
    response = client.post(f"/org/{org.id}/invites/{admin_invite.id}/regenerate", data={"confirmed": "yes"},
                           follow_redirects=True)
    assert response.status_code == 200 and "выдаёт оператор платформы" in response.text
    response = client.post(f"/org/{org.id}/invites/{revoked.id}/regenerate", data={"confirmed": "yes"},
                           follow_redirects=True)
    assert response.status_code == 200 and "Эта ссылка уже отозвана" in response.text
    assert db_count(app, Invite) == before
    share = client.get(f"/org/{org.id}/invites/{admin_invite.id}").text
    assert f"/invites/{admin_invite.id}/regenerate" not in share


def test_the_landing_page_speaks_the_words_of_the_invite_and_the_organisation(client, school, make_org,
                                                                               make_invite):
    _staff, staff_path = make_invite(school["org"], kind="staff", created_by=school["admin"])
    page = client.get(staff_path).text
    assert "Куда" in page and "Учительская" in page and "Класс</dt>" not in page
    _join, join_path = make_invite(school["org"], kind="join", created_by=school["admin"])
    page = client.get(join_path).text
    assert "учитель или ученик" in page and "Мы пришлём" not in page  # a request: no code, no consent yet
    garden = make_org(kind="kindergarten", name="Детский сад «Ромашка»", units="Солнышко")
    _kjoin, kjoin_path = make_invite(garden, kind="join")
    page = client.get(kjoin_path).text
    assert "сотрудник — после одобрения администратором" in page and "ребёнок" not in page
    _parent, parent_path = make_invite(garden, kind="parent", unit="Солнышко")
    assert "воспитатель подтвердит связь" in client.get(parent_path).text
