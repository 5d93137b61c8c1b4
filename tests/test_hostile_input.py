"""Hostile values posted to every form: never a 500, nothing stored, nothing
unescaped."""
import pytest
from sqlalchemy import func, select
from support import PASSWORD, form_errors

from onboarding.models import AuditEvent, OutboxMessage, Unit, User

HOSTILE = [
    "Иван\x00ов",
    "Иван\u202eов",  # right-to-left override
    "Ива\u200bнов",  # zero-width space
    "<script>alert(1)</script>",
    "x" * 10_000,
    "'; DROP TABLE user_account; --",
    "Robert\r\nBcc: victim@example.com",
]


def _counts(session):
    session.expire_all()
    counts = tuple(session.scalar(select(func.count()).select_from(model))
                   for model in (User, Unit, OutboxMessage, AuditEvent))
    session.rollback()
    return counts


def _check(response):
    assert response.status_code < 500
    assert "<script>alert(1)</script>" not in response.text


@pytest.fixture
def admin_org(make_org, make_user, make_member, auth, client):
    org = make_org(units="1А")
    admin = make_user(email="admin@school.ru")
    make_member(admin, org, "admin")
    return org


@pytest.fixture
def admin_invite_path(session, make_org, make_invite):
    org = make_org(name="Новая школа", units="")
    _invite, path = make_invite(org, kind="admin", max_uses=1)
    return path


@pytest.mark.parametrize("value", HOSTILE)
def test_anonymous_forms(client, session, make_user, admin_invite_path, value):
    make_user(email="olga@school.ru")
    before = _counts(session)
    register = admin_invite_path.replace("/i/", "/register/")
    posts = [
        ("/login", {"identifier": value, "password": value}),
        ("/password/forgot", {"email": value}),
        ("/password/reset/" + "a" * 40, {"password": value}),
        (register, {"last_name": value, "first_name": value, "patronymic": value, "email": value,
                    "phone": value, "password": value}),
        (register, {"last_name": "Иванова", "first_name": value, "email": "olga2@school.ru", "password": PASSWORD}),
        (register, {"last_name": "Иванова", "first_name": "Ольга", "email": value, "password": PASSWORD}),
        (register, {"last_name": "Иванова", "first_name": "Ольга", "email": "o3@school.ru", "phone": value,
                    "password": PASSWORD}),
        ("/register/confirm", {"code": value}),
        ("/register/consent", {"agree": value}),
        ("/language", {"lang": value, "next": value}),
    ]
    for path, data in posts:
        _check(client.post(path, data=data))
    assert _counts(session) == before


@pytest.mark.parametrize("value", HOSTILE)
def test_administrator_forms(client, session, auth, admin_org, value):
    auth.login("admin@school.ru")
    before = _counts(session)
    org_id = admin_org.id
    posts = [
        (f"/org/{org_id}/admin/details", {"name": value, "short_name": value, "city": value, "timezone": value}),
        (f"/org/{org_id}/admin/units", {"mode": "list", "list-names": value}),
        (f"/org/{org_id}/admin/units", {"mode": "grade", "grade-grade": value, "grade-letters": value}),
        (f"/org/{org_id}/admin/units", {"mode": value, "list-names": value}),
        ("/account/password", {"current_password": value, "password": value}),
    ]
    for path, data in posts:
        _check(client.post(path, data=data))
    assert _counts(session)[:3] == before[:3]
    session.expire_all()
    assert session.get(type(admin_org), org_id).name == "Школа № 1"
    session.rollback()


def test_invalid_utf8_and_a_wrong_content_type_are_not_a_500(client, admin_org):
    response = client.post("/login", data=b"identifier=\xff\xfe\xfd&password=\xc3\x28",
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    response = client.post("/login", data=b"\x00\x01\x02", content_type="multipart/form-data; boundary=x")
    assert response.status_code in (200, 400)


def test_a_name_with_script_is_refused_not_stored(client, session, admin_invite_path):
    register = admin_invite_path.replace("/i/", "/register/")
    response = client.post(register, data={"last_name": "<script>alert(1)</script>", "first_name": "Ольга",
                                           "email": "olga@school.ru", "password": PASSWORD})
    assert response.status_code == 200
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text  # kept, escaped
    assert "Используйте только буквы; можно также дефис и пробел." in response.text


# --- Dates and ids from outside are bounded before arithmetic or the database ----

HUGE_IDS = [2**31, 999_999_999_999]


@pytest.mark.parametrize("zone", ["America/New_York", "Asia/Kamchatka"])
@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "2999-01-01"])
def test_an_invite_valid_until_a_far_date_is_refused_beside_the_field(client, session, auth, make_org, make_user,
                                                                       make_member, zone, day):
    org = make_org(timezone=zone, units="1А")
    make_member(make_user(email="admin@school.ru"), org, "admin")
    auth.login("admin@school.ru")
    unit = session.scalars(select(Unit).where(Unit.org_id == org.id, Unit.name == "1А")).one()
    session.rollback()
    before = _counts(session)
    response = client.post(f"/org/{org.id}/invites/new", data={
        "kind": "parent", "unit": str(unit.id), "expiry": "7d", "expires_on": day, "max_uses": "40",
        "extra": "none", "lead_unit": "0", "pupil_name": ""})
    assert response.status_code == 422
    assert form_errors(response.text) == ["Выберите дату не раньше завтрашней и не позже чем через год."]
    assert f'value="{day}"' in response.text  # what was typed is kept
    assert _counts(session)[:3] == before[:3]


@pytest.mark.parametrize("unit_id", [str(n) for n in HUGE_IDS] + ["-1", "0"])
def test_an_invite_for_a_huge_unit_id_is_not_a_500(client, session, auth, admin_org, unit_id):
    auth.login("admin@school.ru")
    response = client.post(f"/org/{admin_org.id}/invites/new", data={
        "kind": "parent", "unit": unit_id, "expiry": "7d", "expires_on": "", "max_uses": "40", "extra": "none",
        "lead_unit": unit_id, "pupil_name": ""})
    assert response.status_code in (404, 422)
    assert client.get(f"/org/{admin_org.id}/invites/new?unit={unit_id}").status_code == 200


@pytest.mark.parametrize("row_id", HUGE_IDS)
def test_a_correctly_signed_invite_link_with_a_huge_id_is_not_found(app, client, auth, make_user, row_id):
    from onboarding.core import tokens
    from onboarding.invites.operations import SALT
    from onboarding.security import signing_keys

    with app.app_context():
        token = tokens.make_token(signing_keys(), SALT, row_id, tokens.new_nonce())
    assert client.get(f"/i/{token}").status_code == 404
    for path in (f"/register/{token}", f"/register/{token}/student"):
        assert client.get(path).status_code == 404, path
        assert client.post(path, data={"last_name": "Иванова"}).status_code == 404, path
    make_user(email="olga@school.ru")
    auth.login("olga@school.ru")  # an account taking a link goes through redeem
    assert client.get(f"/register/redeem/{token}").status_code == 404
    assert client.post(f"/register/redeem/{token}").status_code == 404


@pytest.mark.parametrize("row_id", HUGE_IDS)
def test_correctly_signed_reset_and_parent_links_with_huge_ids_are_not_found(app, client, make_user, row_id):
    from onboarding.auth.views import RESET_SALT
    from onboarding.register.helpers import PARENT_SALT
    from onboarding.security import serializer

    make_user(email="olga@school.ru")
    with app.app_context():
        reset = serializer(RESET_SALT).dumps({"u": row_id, "v": 1})
        parent = serializer(PARENT_SALT).dumps({"u": row_id, "c": row_id, "i": row_id})
        parent_small_user = serializer(PARENT_SALT).dumps({"u": 1, "c": 1, "i": row_id})
    assert client.get(f"/password/reset/{reset}").status_code == 404
    assert client.post(f"/password/reset/{reset}", data={"password": "совсем новый пароль"}).status_code == 404
    for token in (parent, parent_small_user):
        assert client.get(f"/register/parent/{token}").status_code == 404
        assert client.post(f"/register/parent/{token}").status_code == 404


@pytest.mark.parametrize("row_id", HUGE_IDS)
def test_huge_ids_in_urls_are_not_found(client, auth, admin_org, row_id):
    auth.login("admin@school.ru")
    org_id = admin_org.id
    for path in (f"/org/{row_id}/admin/", f"/org/{row_id}/invites", f"/org/{row_id}/invites/new",
                 f"/chats/org/{row_id}", f"/chats/org/{row_id}/rules", f"/org/{row_id}/review/teachers",
                 f"/org/{org_id}/units/{row_id}/invites", f"/org/{org_id}/units/{row_id}/letters",
                 f"/org/{org_id}/invites/{row_id}", f"/org/{org_id}/invites/{row_id}/print",
                 f"/chats/{row_id}/members", f"/consents/{row_id}/withdraw"):
        assert client.get(path).status_code == 404, path
    for path in (f"/org/{org_id}/invites/{row_id}/revoke", f"/org/{org_id}/invites/{row_id}/regenerate",
                 f"/org/{org_id}/units/{row_id}/invites/revoke", f"/chats/{row_id}/join", f"/chats/{row_id}/leave",
                 f"/org/{org_id}/review/requests/{row_id}/approve", f"/org/{org_id}/review/parents/{row_id}/reject",
                 f"/org/{org_id}/review/teachers/{row_id}/verify"):
        assert client.post(path, data={"confirmed": "yes"}).status_code == 404, path


def test_a_login_session_cookie_with_a_huge_id_is_anonymous(client, make_user):
    with client.session_transaction() as session:
        session["_user_id"] = f"{2**31}:{'A' * 22}:1"
    response = client.get("/account/password")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
