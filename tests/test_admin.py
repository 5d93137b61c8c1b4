"""The administrator's console: details and structure."""
from sqlalchemy import select
from support import form_errors

from onboarding.models import AuditEvent, Chat, Unit


def _admin(make_org, make_user, make_member, auth, kind="school", units=""):
    org = make_org(kind=kind, units=units)
    admin = make_user(email="admin@school.ru")
    make_member(admin, org, "admin")
    auth.login("admin@school.ru")
    return org


def _unit_names(session, org):
    session.expire_all()
    names = session.scalars(select(Unit.name).where(Unit.org_id == org.id).order_by(Unit.sort_key)).all()
    session.rollback()
    return names


def test_after_login_the_administrator_lands_in_the_console(client, make_org, make_user, make_member, auth):
    org = _admin(make_org, make_user, make_member, auth)
    response = client.get("/", follow_redirects=True)
    assert response.request.path == f"/org/{org.id}/admin/"
    assert "Школа №\u00a01" in response.text and "Учительская" in response.text


def test_classes_several_at_a_time_each_with_its_chats(client, session, make_org, make_user, make_member, auth):
    org = _admin(make_org, make_user, make_member, auth)
    response = client.post(f"/org/{org.id}/admin/units", data={"mode": "list", "list-names": "1а 1Б, 2А;11В"})
    assert response.status_code == 302
    assert "Создано: 1А, 1Б, 2А, 11В." in client.get(response.headers["Location"]).text
    assert _unit_names(session, org) == ["Учительская", "1А", "1Б", "2А", "11В"]
    chats = session.scalars(select(Chat.title).join(Unit).where(Unit.name == "1А")).all()
    assert sorted(chats) == ["Родители класса 1А", "Учителя класса 1А", "Чат класса 1А"]
    assert session.scalars(select(Chat.title).where(Chat.kind == "staff")).all() == ["Чат сотрудников"]
    assert session.scalars(select(AuditEvent).where(AuditEvent.action == "unit.created")).all()


def test_a_whole_grade_from_letters(client, session, make_org, make_user, make_member, auth):
    org = _admin(make_org, make_user, make_member, auth)
    client.post(f"/org/{org.id}/admin/units", data={"mode": "grade", "grade-grade": "5", "grade-letters": "А-Г"})
    assert _unit_names(session, org) == ["Учительская", "5А", "5Б", "5В", "5Г"]


def test_bad_class_names_are_refused_beside_the_field_and_kept(client, session, make_org, make_user, make_member, auth):
    org = _admin(make_org, make_user, make_member, auth)
    response = client.post(f"/org/{org.id}/admin/units", data={"mode": "list", "list-names": "1А 12Б Ж7"})
    assert response.status_code == 422
    assert form_errors(response.text) == [
        "Это не название класса: 12Б, Ж7. Укажите номер и букву, например 5А."]
    assert "1А 12Б Ж7</textarea>" in response.text
    assert _unit_names(session, org) == ["Учительская"]


def test_existing_class_names_are_refused_and_nothing_is_created(client, session, make_org, make_user, make_member, auth):
    org = _admin(make_org, make_user, make_member, auth, units="1А")
    response = client.post(f"/org/{org.id}/admin/units", data={"mode": "list", "list-names": "1Б 1а"})
    assert form_errors(response.text) == ["Уже есть: 1А."]
    assert _unit_names(session, org) == ["Учительская", "1А"]


def test_kindergarten_groups_by_name(client, session, make_org, make_user, make_member, auth):
    org = _admin(make_org, make_user, make_member, auth, kind="kindergarten")
    page = client.get(f"/org/{org.id}/admin/")
    assert "Сотрудники" in page.text and "Создать группы" in page.text and "Создать классы" not in page.text
    client.post(f"/org/{org.id}/admin/units", data={"mode": "groups", "groups-names": "Солнышко\n  Радуга \n\n"})
    assert _unit_names(session, org) == ["Сотрудники", "Радуга", "Солнышко"]
    chats = session.scalars(select(Chat.title).join(Unit).where(Unit.name == "Радуга")).all()
    assert sorted(chats) == ["Родители группы Радуга", "Сотрудники группы Радуга"]  # no pupils' chat here


def test_edit_details(client, session, make_org, make_user, make_member, auth):
    org = _admin(make_org, make_user, make_member, auth)
    response = client.post(f"/org/{org.id}/admin/details", data={
        "name": "МБОУ «СОШ № 5»", "short_name": "Школа № 5", "city": "Омск", "timezone": "Asia/Omsk"})
    assert response.status_code == 302
    session.expire_all()
    saved = session.get(type(org), org.id)
    assert (saved.name, saved.short_name, saved.city, saved.timezone) == ("МБОУ «СОШ № 5»", "Школа № 5", "Омск", "Asia/Omsk")


def test_edit_refuses_an_unknown_time_zone_and_an_empty_name(client, session, make_org, make_user, make_member, auth):
    org = _admin(make_org, make_user, make_member, auth)
    response = client.post(f"/org/{org.id}/admin/details", data={"name": "", "timezone": "Mars/Olympus"})
    assert response.status_code == 200
    assert "Пожалуйста, заполните это поле." in form_errors(response.text)
    assert len(form_errors(response.text)) == 2
    session.expire_all()
    assert session.get(type(org), org.id).timezone == "Asia/Yekaterinburg"


def test_only_the_organisations_administrators_get_in(client, make_org, make_user, make_member, auth):
    org = make_org(units="")
    other = make_org(name="Другая школа", units="")
    teacher = make_user(email="teacher@school.ru")
    make_member(teacher, org, "teacher")
    stranger = make_user(email="admin2@school.ru")
    make_member(stranger, other, "admin")
    assert client.get(f"/org/{org.id}/admin/").status_code == 302  # to log in
    auth.login("teacher@school.ru")
    assert client.get(f"/org/{org.id}/admin/").status_code == 403
    auth.logout()
    auth.login("admin2@school.ru")  # another organisation's administrator learns nothing of this one
    assert client.get(f"/org/{org.id}/admin/").status_code == 404
    assert client.post(f"/org/{org.id}/admin/units", data={"mode": "list", "list-names": "1А"}).status_code == 404
    assert client.get(f"/org/{org.id}/review/teachers").status_code == 404
    assert client.get("/org/99999/admin/").status_code == 404
