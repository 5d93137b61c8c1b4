"""Hostile values posted to every form: never a 500, nothing stored, nothing
unescaped."""
import pytest
from sqlalchemy import func, select

from support import PASSWORD
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
