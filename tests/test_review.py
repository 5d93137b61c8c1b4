"""Review queues: teacher verification, join requests, parents waiting for the teacher."""
import re

import pytest
from support import PASSWORD, unit_named
from test_registration_roles import fresh

from onboarding.models import JoinRequest, Membership, ParentLink, User


def _admin(make_user, make_member, org, email="admin@school.ru"):
    admin = make_user(email=email)
    make_member(admin, org, "admin")
    return admin


def test_the_administrator_verifies_or_rejects_teachers(app, client, session, auth, make_org, make_user,
                                                       make_member, sent_mail):
    org = make_org()
    _admin(make_user, make_member, org)
    first = make_user(email="first@school.ru", last_name="Орлова")
    second = make_user(email="second@school.ru", last_name="Соколов")
    first_m = make_member(first, org, "teacher", verification="pending")
    second_m = make_member(second, org, "teacher", verification="pending")
    auth.login("admin@school.ru")
    console = client.get(f"/org/{org.id}/admin/")
    assert f"/org/{org.id}/review/teachers" in console.text
    queue = client.get(f"/org/{org.id}/review/teachers")
    assert "Орлова" in queue.text and "Соколов" in queue.text
    assert len(set(re.findall(r'id="(r\d+-reason)"', queue.text))) == 2  # a reason field of its own per card
    assert client.post(f"/org/{org.id}/review/teachers/{first_m.id}/verify").status_code == 302
    # A rejection needs a reason: the error stands beside this card's field.
    page = client.post(f"/org/{org.id}/review/teachers/{second_m.id}/reject", data={f"r{second_m.id}-reason": ""})
    assert page.status_code == 422
    assert f'id="r{second_m.id}-reason-error">Пожалуйста, заполните это поле.' in page.text
    assert fresh(session).get(Membership, second_m.id).verification == "pending"
    fresh(session)
    client.post(f"/org/{org.id}/review/teachers/{second_m.id}/reject",
                data={f"r{second_m.id}-reason": "Не работает у нас"})
    fresh(session)
    assert session.get(Membership, first_m.id).verification == "verified"
    rejected = session.get(Membership, second_m.id)
    assert (rejected.verification, rejected.rejection_reason) == ("rejected", "Не работает у нас")
    fresh(session)
    assert "Не работает у нас" in [m for m in sent_mail if m["To"] == "second@school.ru"][-1].get_content()
    assert f"/teachers/{first_m.id}/verify" not in client.get(f"/org/{org.id}/review/teachers").text


def test_only_the_administrator_sees_the_queues(app, client, make_org, make_user, make_member, auth):
    org = make_org()
    teacher = make_user(email="t@school.ru")
    make_member(teacher, org, "teacher")
    auth.login("t@school.ru")
    assert client.get(f"/org/{org.id}/review/teachers").status_code == 403
    assert client.get(f"/org/{org.id}/review/requests").status_code == 403


def test_a_join_request_approved_leads_to_registration(app, client, session, auth, make_org, make_user,
                                                       make_member, make_invite, sent_mail, register):
    org = make_org()
    _admin(make_user, make_member, org)
    invite, link = make_invite(org, kind="join", max_uses=1000)
    newcomer = app.test_client()
    form = newcomer.get(link.replace("/i/", "/register/"))
    assert 'name="role"' in form.text and "5А" in form.text
    response = newcomer.post(link.replace("/i/", "/register/"), data={
        "last_name": "Зайцева", "first_name": "Ольга", "email": "Olga@Mail.ru", "role": "teacher", "unit": "",
        "message": "Учитель музыки\nс 1 сентября"})
    assert response.status_code == 200 and "Зайцева" not in response.text
    request_row = fresh(session).query(JoinRequest).one()
    assert (request_row.email, request_row.role, request_row.status) == ("olga@mail.ru", "teacher", "pending")
    fresh(session)

    auth.login("admin@school.ru")
    queue = client.get(f"/org/{org.id}/review/requests")
    assert "Зайцева" in queue.text and "Учитель музыки" in queue.text
    assert client.post(f"/org/{org.id}/review/requests/{request_row.id}/approve").status_code == 302
    letter = [m for m in sent_mail if m["To"] == "olga@mail.ru"][-1].get_content()
    path = re.search(r"http://localhost(/i/\S+)", letter).group(1)
    assert fresh(session).get(JoinRequest, request_row.id).status == "approved"
    fresh(session)

    form = newcomer.get(path.replace("/i/", "/register/"))
    assert 'value="olga@mail.ru"' in form.text
    RegistrationActions = type(register)
    steps = RegistrationActions(newcomer, sent_mail)
    assert steps.adult(path, email="olga@mail.ru", last_name="Зайцева", first_name="Ольга").status_code == 302
    assert steps.confirm_and_consent("olga@mail.ru").status_code == 302
    user = fresh(session).query(User).filter_by(email="olga@mail.ru").one()
    assert [(m.role, m.verification) for m in session.query(Membership).filter_by(user_id=user.id)] == [
        ("teacher", "pending")]


def test_a_pupils_join_request_needs_the_class_and_a_rejection_is_mailed(
        app, client, session, auth, make_org, make_user, make_member, make_invite, sent_mail):
    org = make_org()
    _admin(make_user, make_member, org)
    invite, link = make_invite(org, kind="join", max_uses=1000)
    data = {"last_name": "Зайцев", "first_name": "Миша", "email": "misha@mail.ru", "role": "student", "unit": ""}
    page = client.post(link.replace("/i/", "/register/"), data=data)
    assert 'id="unit-error"' in page.text
    # A unit of another organisation is not accepted.
    other = make_org(name="Школа № 99")
    page = client.post(link.replace("/i/", "/register/"), data={**data, "unit": str(unit_named(session, other, "5А").id)})
    assert page.status_code in (200, 404) and fresh(session).query(JoinRequest).count() == 0
    fresh(session)
    client.post(link.replace("/i/", "/register/"), data={**data, "unit": str(unit_named(session, org, "5А").id)})
    request_row = fresh(session).query(JoinRequest).one()
    fresh(session)
    auth.login("admin@school.ru")
    client.post(f"/org/{org.id}/review/requests/{request_row.id}/reject",
                data={f"r{request_row.id}-reason": "Такого ученика нет"})
    assert fresh(session).get(JoinRequest, request_row.id).status == "rejected"
    assert "Такого ученика нет" in [m for m in sent_mail if m["To"] == "misha@mail.ru"][-1].get_content()


def test_the_homeroom_teacher_matches_a_named_child(app, client, session, auth, make_org, make_user, make_member,
                                                   make_invite, register):
    org = make_org()
    lead = make_user(email="lead@school.ru")
    make_member(lead, org, "teacher")
    make_member(lead, org, "teacher", unit="2Б", is_lead=True)
    pupil = make_user(email=None, login="kolya.petrov", last_name="Петров", first_name="Коля")
    make_member(pupil, org, "student", unit="2Б")
    stranger = make_user(email=None, login="vasya", last_name="Васильев", first_name="Вася")
    make_member(stranger, org, "student", unit="5А")
    invite, link = make_invite(org, kind="parent", unit="2Б")
    register.adult(link, email="mama@mail.ru", child_name="Петров Коля")
    register.confirm_and_consent()
    register.client.post("/logout")
    parent_link = fresh(session).query(ParentLink).one()
    fresh(session)

    auth.login("lead@school.ru")
    queue = client.get(f"/org/{org.id}/review/parents")
    assert "Петров Коля" in queue.text and "Петрова" in queue.text
    assert "Васильев" not in queue.text  # only this unit's pupils
    # A pupil of another unit can't be chosen.
    response = client.post(f"/org/{org.id}/review/parents/{parent_link.id}/confirm",
                           data={f"link{parent_link.id}-child": str(stranger.id)})
    assert response.status_code == 404
    assert fresh(session).get(ParentLink, parent_link.id).status == "pending"
    fresh(session)
    client.post(f"/org/{org.id}/review/parents/{parent_link.id}/confirm",
                data={f"link{parent_link.id}-child": str(pupil.id)})
    row = fresh(session).get(ParentLink, parent_link.id)
    assert (row.status, row.child_id) == ("confirmed", pupil.id)


def test_a_teacher_who_leads_no_unit_has_no_parent_queue(app, client, make_org, make_user, make_member, auth):
    org = make_org()
    teacher = make_user(email="t@school.ru")
    make_member(teacher, org, "teacher")
    auth.login("t@school.ru")
    assert client.get(f"/org/{org.id}/review/parents").status_code == 403


def _rules_accepted(client, org):
    assert client.post(f"/chats/org/{org.id}/rules", data={"agree": "y"}).status_code == 302


def test_a_parent_from_a_class_link_waits_for_the_teacher_and_a_rejection_removes_them(
        app, client, session, auth, make_org, make_user, make_member, make_invite, register):
    from test_registration_roles import _chat

    org = make_org()
    lead = make_user(email="lead@school.ru")
    make_member(lead, org, "teacher")
    make_member(lead, org, "teacher", unit="2Б", is_lead=True)
    invite, link = make_invite(org, kind="parent", unit="2Б")
    register.adult(link, email="mama@mail.ru", child_name="Петров Коля")
    register.confirm_and_consent()
    chat = _chat(session, org, "parents", "2Б")
    _rules_accepted(register.client, org)
    # Not before the teacher has confirmed the child: outsiders can't join a class chat.
    assert register.client.post(f"/chats/{chat.id}/join").status_code == 403
    assert register.client.get(f"/chats/{chat.id}/members").status_code == 403  # a member of the school, not of this chat
    parent_link = fresh(session).query(ParentLink).one()
    fresh(session)

    teacher = app.test_client()
    teacher.post("/login", data={"identifier": "lead@school.ru", "password": PASSWORD})
    teacher.post(f"/org/{org.id}/review/parents/{parent_link.id}/reject")
    parent = fresh(session).query(User).filter_by(email="mama@mail.ru").one()
    membership = session.query(Membership).filter_by(user_id=parent.id, role="parent").one()
    assert fresh(session).get(ParentLink, parent_link.id).status == "rejected"
    assert membership.left_at is not None
    fresh(session)
    response = register.client.post(f"/chats/{chat.id}/join")
    # No longer a member of the school at all: it shows them nothing (404, not 403).
    assert response.status_code == 404, response.headers.get("Location")


def test_a_confirmed_parent_joins_and_a_later_rejection_of_another_child_keeps_them(
        app, client, session, auth, make_org, make_user, make_member, make_invite, register):
    from test_registration_roles import _chat

    org = make_org()
    lead = make_user(email="lead@school.ru")
    make_member(lead, org, "teacher")
    make_member(lead, org, "teacher", unit="2Б", is_lead=True)
    pupil = make_user(email=None, login="kolya.petrov", last_name="Петров", first_name="Коля")
    make_member(pupil, org, "student", unit="2Б")
    _invite, link = make_invite(org, kind="parent", unit="2Б")
    register.adult(link, email="mama@mail.ru", child_name="Петров Коля")
    register.confirm_and_consent()
    parent_link = fresh(session).query(ParentLink).one()
    fresh(session)
    teacher = app.test_client()
    teacher.post("/login", data={"identifier": "lead@school.ru", "password": PASSWORD})
    teacher.post(f"/org/{org.id}/review/parents/{parent_link.id}/confirm",
                 data={f"link{parent_link.id}-child": str(pupil.id)})
    chat = _chat(session, org, "parents", "2Б")
    _rules_accepted(register.client, org)
    assert register.client.post(f"/chats/{chat.id}/join").status_code == 302
    assert register.client.get(f"/chats/{chat.id}/members").status_code == 200


def test_a_rejected_teacher_gets_no_chats_and_is_told_why(app, client, session, auth, make_org, make_user,
                                                         make_member):
    from test_registration_roles import _chat

    org = make_org()
    _admin(make_user, make_member, org)
    teacher = make_user(email="t@school.ru")
    membership = make_member(teacher, org, "teacher", verification="pending")
    auth.login("admin@school.ru")
    client.post(f"/org/{org.id}/review/teachers/{membership.id}/reject",
                data={f"r{membership.id}-reason": "Не работает у нас"})
    auth.logout()
    auth.login("t@school.ru")
    staff_chat = _chat(session, org, "staff")
    _rules_accepted(client, org)
    assert client.post(f"/chats/{staff_chat.id}/join").status_code == 403
    page = client.get(f"/org/{org.id}/invites/new")
    assert "Администратор не подтвердил, что вы работаете" in page.text


def test_a_kindergarten_teacher_confirms_a_parent_by_the_childs_name(
        app, client, session, auth, make_org, make_user, make_member, make_invite, register):
    from test_registration_roles import _chat

    org = make_org(kind="kindergarten", name="Детский сад «Ромашка»", units="Солнышко")
    teacher = make_user(email="vospitatel@sad.ru")
    make_member(teacher, org, "teacher")
    make_member(teacher, org, "teacher", unit="Солнышко", is_lead=True)
    _invite, link = make_invite(org, kind="parent", unit="Солнышко")
    register.adult(link, email="papa@mail.ru", child_name="Смирнова Маша")
    register.confirm_and_consent()
    parent_link = fresh(session).query(ParentLink).one()
    fresh(session)
    teacher = app.test_client()
    teacher.post("/login", data={"identifier": "vospitatel@sad.ru", "password": PASSWORD})
    queue = teacher.get(f"/org/{org.id}/review/parents")
    assert "Смирнова Маша" in queue.text and "Какой это ученик?" not in queue.text
    teacher.post(f"/org/{org.id}/review/parents/{parent_link.id}/confirm")
    assert fresh(session).get(ParentLink, parent_link.id).status == "confirmed"
    chat = _chat(session, org, "parents", "Солнышко")
    _rules_accepted(register.client, org)
    assert register.client.post(f"/chats/{chat.id}/join").status_code == 302


def test_a_letters_link_brings_the_pupils_name_to_the_teachers_queue(
        app, client, session, auth, make_org, make_user, make_member, make_invite, register):
    org = make_org()
    lead = make_user(email="lead@school.ru")
    make_member(lead, org, "teacher")
    make_member(lead, org, "teacher", unit="2Б", is_lead=True)
    _invite, link = make_invite(org, kind="guardian", unit="2Б", max_uses=1, pupil_name="Петров Коля",
                                created_by=lead)
    register.adult(link, email="mama@mail.ru")
    register.confirm_and_consent()
    assert fresh(session).query(ParentLink).one().child_name_given == "Петров Коля"
    fresh(session)
    teacher = app.test_client()
    teacher.post("/login", data={"identifier": "lead@school.ru", "password": PASSWORD})
    assert "Петров Коля" in teacher.get(f"/org/{org.id}/review/parents").text


@pytest.mark.parametrize("as_lead", [True, False])
def test_a_teachers_request_naming_a_class_offers_the_homeroom(app, client, session, auth, make_org, make_user,
                                                               make_member, make_invite, sent_mail, register,
                                                               as_lead):
    """The class a teacher named is honoured: the administrator chooses
    whether they become its homeroom teacher."""
    org = make_org()
    _admin(make_user, make_member, org)
    unit = unit_named(session, org, "5А")
    _invite, link = make_invite(org, kind="join", max_uses=1000)
    newcomer = app.test_client()
    newcomer.post(link.replace("/i/", "/register/"), data={
        "last_name": "Зайцева", "first_name": "Ольга", "email": "olga@mail.ru", "role": "teacher",
        "unit": str(unit.id), "message": ""})
    request_row = fresh(session).query(JoinRequest).one()
    fresh(session)

    auth.login("admin@school.ru")
    queue = client.get(f"/org/{org.id}/review/requests")
    assert f'name="r{request_row.id}-lead"' in queue.text and "5А" in queue.text
    data = {f"r{request_row.id}-lead": "y"} if as_lead else {}
    assert client.post(f"/org/{org.id}/review/requests/{request_row.id}/approve", data=data).status_code == 302
    letter = [m for m in sent_mail if m["To"] == "olga@mail.ru"][-1].get_content()
    path = re.search(r"http://localhost(/i/\S+)", letter).group(1)
    steps = type(register)(newcomer, sent_mail)
    assert steps.adult(path, email="olga@mail.ru", last_name="Зайцева", first_name="Ольга").status_code == 302
    assert steps.confirm_and_consent("olga@mail.ru").status_code == 302
    user = fresh(session).query(User).filter_by(email="olga@mail.ru").one()
    leads = [m.unit_id for m in session.query(Membership).filter_by(user_id=user.id, is_lead=True)]
    assert leads == ([unit.id] if as_lead else [])
