"""Staff: administrators appointed and taken back, homeroom and subject
teachers, the director and deputies, an employee leaving (operations and pages)."""
from __future__ import annotations

import pytest
from sqlalchemy import select
from support import form_errors, unit_named

from onboarding import texts
from onboarding.chats import operations as chats
from onboarding.consent import operations as consent
from onboarding.core.errors import NotFound, PermissionDenied
from onboarding.invites import rights
from onboarding.invites.operations import InviteCreatorLeft, check_usable
from onboarding.models import ChatMember, Invite, Membership, User, utcnow
from onboarding.people import members
from onboarding.staff import departures, history, positions


def _rules(session, user, org):
    consent.accept_chat_rules(session, user_id=user.id, org_id=org.id, text="rules",
                              version=texts.CHAT_RULES_VERSION, now=utcnow(), ip=None, user_agent=None)
    session.commit()


def _roles_in_unit(session, user, org, unit):
    """{chat title: member/moderator} of the unit's chats the user is in."""
    rows = session.execute(select(ChatMember).where(ChatMember.user_id == user.id, ChatMember.left_at.is_(None)))
    return {row.chat.title: row.role for (row,) in rows if row.chat.unit_id == unit.id}


@pytest.fixture
def staff(session, make_org, make_user, make_member):
    """A school: an administrator; a verified homeroom teacher of 5А who
    moderates its chats; a verified teacher; a pending one."""
    org = make_org()
    admin = make_user(email="admin@school.ru", last_name="Админова")
    make_member(admin, org, "admin")
    lead = make_user(email="lead@school.ru", last_name="Смирнова")
    make_member(lead, org, "teacher")
    make_member(lead, org, "teacher", unit="5А", is_lead=True)
    teacher = make_user(email="teacher@school.ru", last_name="Кузнецов")
    make_member(teacher, org, "teacher")
    pending = make_user(email="pending@school.ru", last_name="Новиков")
    make_member(pending, org, "teacher", verification="pending")
    for user in (lead, teacher):
        _rules(session, user, org)
    chats.join_lead_chats(session, user_id=lead.id, org_id=org.id, now=utcnow())
    session.commit()
    return org, admin, lead, teacher, pending


def test_verified_teacher_becomes_administrator_at_once(session, staff):
    org, admin, _lead, teacher, _pending = staff
    positions.grant_admin(session, org.id, teacher.id, actor_id=admin.id, now=utcnow())
    session.commit()
    assert members.is_admin(members.memberships_of(session, teacher.id, org.id))
    with pytest.raises(positions.AlreadyHeld):
        positions.grant_admin(session, org.id, teacher.id, actor_id=admin.id, now=utcnow())
    session.rollback()
    positions.revoke_admin(session, org.id, teacher.id, actor_id=admin.id, now=utcnow())
    session.commit()
    assert not members.is_admin(members.memberships_of(session, teacher.id, org.id))
    assert [e.kind for e in history.history_of(session, org.id, teacher.id)] == ["admin_granted", "admin_revoked"]


def test_unverified_can_be_neither_administrator_nor_director(session, staff, make_user, make_member):
    org, admin, _lead, _teacher, pending = staff
    with pytest.raises(positions.NotVerified):
        positions.grant_admin(session, org.id, pending.id, actor_id=admin.id, now=utcnow())
    session.rollback()
    with pytest.raises(positions.NotVerified):
        positions.set_position(session, org.id, pending.id, "director", actor_id=admin.id, now=utcnow())
    session.rollback()
    parent = make_user(email="parent@mail.ru")
    make_member(parent, org, "parent", unit="1А")
    with pytest.raises(positions.NotVerified):
        positions.grant_admin(session, org.id, parent.id, actor_id=admin.id, now=utcnow())


def test_last_administrator_stays_and_nobody_demotes_themselves(session, staff):
    org, admin, _lead, teacher, _pending = staff
    with pytest.raises(PermissionDenied):  # never by their own hand
        positions.revoke_admin(session, org.id, admin.id, actor_id=admin.id, now=utcnow())
    session.rollback()
    with pytest.raises(positions.LastAdministrator):
        positions.revoke_admin(session, org.id, admin.id, actor_id=teacher.id, now=utcnow())
    session.rollback()
    with pytest.raises(positions.LastAdministrator):
        departures.employee_leaves(session, org.id, admin.id, successor_id=None, actor_id=teacher.id, now=utcnow())
    session.rollback()
    positions.grant_admin(session, org.id, teacher.id, actor_id=admin.id, now=utcnow())
    session.commit()
    positions.revoke_admin(session, org.id, admin.id, actor_id=teacher.id, now=utcnow())
    session.commit()
    assert positions.administrators(session, org.id) == [teacher.id]


def test_changing_the_homeroom_teacher_moves_moderation(session, staff):
    org, admin, lead, teacher, _pending = staff
    unit = unit_named(session, org, "5А")
    assert set(_roles_in_unit(session, lead, org, unit).values()) == {"moderator"}
    change = positions.set_lead(session, org.id, unit.id, teacher.id, actor_id=admin.id, now=utcnow())
    session.commit()
    assert [u.id for u in change.old] == [lead.id]
    assert set(_roles_in_unit(session, lead, org, unit).values()) == {"member"}
    roles = _roles_in_unit(session, teacher, org, unit)
    assert set(roles.values()) == {"moderator"} and "Родители класса 5А" in roles
    lead_memberships = positions.leads_of(session, unit.id)
    assert [m.user_id for m in lead_memberships] == [teacher.id]
    # removed: nobody leads, the old lead's chat role is an ordinary member's
    positions.set_lead(session, org.id, unit.id, None, actor_id=admin.id, now=utcnow())
    session.commit()
    assert positions.leads_of(session, unit.id) == []
    assert set(_roles_in_unit(session, teacher, org, unit).values()) == {"member"}
    assert [e.details["unit"] for e in history.history_of(session, org.id, teacher.id)] == ["5А", "5А"]


def test_subject_teacher_attached_joins_teachers_chat_and_may_invite(session, staff):
    org, admin, _lead, teacher, _pending = staff
    unit = unit_named(session, org, "9В")
    with pytest.raises(PermissionDenied):
        rights.may_create(session, teacher, org, "student", unit)
    positions.attach_teacher(session, org.id, unit.id, teacher.id, actor_id=admin.id, now=utcnow())
    session.commit()
    members.forget_memberships(session)
    rights.may_create(session, teacher, org, "student", unit)
    offered = {c.title for c in chats.eligible_chats(session, teacher.id, org.id) if c.unit_id == unit.id}
    assert "Учителя класса 9В" in offered
    positions.detach_teacher(session, org.id, unit.id, teacher.id, actor_id=admin.id, now=utcnow())
    session.commit()
    with pytest.raises(PermissionDenied):
        rights.may_create(session, teacher, org, "student", unit)


def test_director_and_deputies(session, staff):
    org, admin, lead, teacher, _pending = staff
    positions.set_position(session, org.id, teacher.id, "director", actor_id=admin.id, now=utcnow())
    positions.set_position(session, org.id, lead.id, "deputy", actor_id=admin.id, now=utcnow())
    session.commit()
    positions.set_position(session, org.id, lead.id, "director", actor_id=admin.id, now=utcnow())
    session.commit()
    held = session.scalars(select(Membership.user_id, Membership.position).where(
        Membership.position.is_not(None))).all()
    assert held == [lead.id]  # one director at a time
    assert [e.kind for e in history.history_of(session, org.id, teacher.id)] == ["position_set", "position_removed"]


def test_employee_leaves_successor_leads_and_moderates(session, staff, make_invite):
    org, admin, lead, teacher, _pending = staff
    unit = unit_named(session, org, "5А")
    invite, _link = make_invite(org, kind="parent", unit="5А", created_by=lead)
    with pytest.raises(departures.SuccessorRequired):
        departures.employee_leaves(session, org.id, lead.id, successor_id=None, actor_id=admin.id, now=utcnow())
    session.rollback()
    with pytest.raises(positions.NotVerified):
        departures.employee_leaves(session, org.id, lead.id, successor_id=lead.id, actor_id=admin.id, now=utcnow())
    session.rollback()
    result = departures.employee_leaves(session, org.id, lead.id, successor_id=teacher.id, actor_id=admin.id,
                                        now=utcnow(), reason="по собственному желанию")
    session.commit()
    assert [u.name for u in result.led_units] == ["5А"] and result.invites_revoked == 1
    assert chats.joined_chats(session, lead.id, org.id) == []
    assert members.memberships_of(session, lead.id, org.id) == []
    assert session.get(User, lead.id).status == "disabled"
    roles = _roles_in_unit(session, teacher, org, unit)
    assert roles and set(roles.values()) == {"moderator"}
    assert [m.user_id for m in positions.leads_of(session, unit.id)] == [teacher.id]
    session.refresh(invite)
    assert invite.revoked_at is not None
    assert [e.kind for e in history.history_of(session, org.id, lead.id)] == ["left"]


def test_invite_stops_when_its_creator_leaves_even_unrevoked(session, staff, make_invite):
    org, admin, teacher, _other, _pending = staff
    invite, _link = make_invite(org, kind="student", unit="5А", created_by=teacher)
    check_usable(session, invite, utcnow())  # works while the teacher is here
    for membership in members.memberships_of(session, teacher.id, org.id):
        membership.left_at = utcnow()
    session.commit()
    members.forget_memberships(session)
    with pytest.raises(InviteCreatorLeft):
        check_usable(session, session.get(Invite, invite.id), utcnow())


def test_employee_refusals(session, staff, make_org, make_user, make_member):
    org, admin, _lead, teacher, _pending = staff
    with pytest.raises(PermissionDenied):
        departures.employee_leaves(session, org.id, admin.id, successor_id=None, actor_id=admin.id, now=utcnow())
    session.rollback()
    other = make_org(name="Школа № 2")
    stranger = make_user(email="stranger@school.ru")
    make_member(stranger, other, "teacher")
    with pytest.raises(NotFound):
        departures.employee_leaves(session, org.id, stranger.id, successor_id=None, actor_id=admin.id,
                                   now=utcnow())
    session.rollback()
    with pytest.raises(NotFound):
        positions.set_lead(session, org.id, unit_named(session, other, "5А").id, teacher.id, actor_id=admin.id,
                           now=utcnow())


# --- Pages ---------------------------------------------------------------------


def _login_admin(session, auth, staff):
    org, admin, lead, teacher, pending = staff
    ids = org.id, admin.id, lead.id, teacher.id, pending.id
    session.rollback()
    auth.login("admin@school.ru")
    return ids


def test_staff_pages_for_administrators_only(session, client, auth, staff, make_org, make_user, make_member):
    org_id, admin_id, lead_id, teacher_id, _pending_id = _login_admin(session, auth, staff)
    console = client.get(f"/org/{org_id}/admin/")
    assert f"/org/{org_id}/staff/" in console.text and "Движение и кадры" in console.text
    for url in (f"/org/{org_id}/staff/", f"/org/{org_id}/staff/people/{lead_id}"):
        page = client.get(url)
        assert page.status_code == 200 and len(page.data) < 20_000
    assert "Смирнова" in client.get(f"/org/{org_id}/staff/").text
    auth.logout()
    auth.login("teacher@school.ru")
    assert client.get(f"/org/{org_id}/staff/").status_code == 403
    assert client.post(f"/org/{org_id}/staff/people/{teacher_id}/admin/grant").status_code == 403
    session.rollback()
    assert not members.is_admin(members.memberships_of(session, teacher_id, org_id))


def test_grant_and_refusals_on_the_page(session, client, auth, staff, sent_mail):
    org_id, admin_id, _lead_id, teacher_id, pending_id = _login_admin(session, auth, staff)
    response = client.post(f"/org/{org_id}/staff/people/{pending_id}/admin/grant", follow_redirects=True)
    assert "Администратором может быть только учитель с подтверждённым статусом." in response.text
    response = client.post(f"/org/{org_id}/staff/people/{admin_id}/admin/revoke", follow_redirects=True)
    assert "Ваши права снимает другой администратор." in response.text
    response = client.post(f"/org/{org_id}/staff/people/{teacher_id}/admin/grant", follow_redirects=True)
    assert "Права администратора изменены." in response.text and "Получены права администратора" in response.text
    assert any(m["To"] == "teacher@school.ru" and "Права администратора" in m["Subject"] for m in sent_mail)
    session.rollback()
    assert members.is_admin(members.memberships_of(session, teacher_id, org_id))


def test_position_and_hostile_input(session, client, auth, staff):
    org_id, _admin_id, _lead_id, teacher_id, pending_id = _login_admin(session, auth, staff)
    url = f"/org/{org_id}/staff/people/{teacher_id}/position"
    for hostile in ("king", "director\x00", "<script>"):
        response = client.post(url, data={"position-position": hostile})
        assert response.status_code == 400 and form_errors(response.text) == ["Выберите из списка."]
    refused = client.post(f"/org/{org_id}/staff/people/{pending_id}/position", data={"position-position": "director"})
    assert refused.status_code == 400
    assert form_errors(refused.text) == ["Должность может занимать только учитель с подтверждённым статусом."]
    response = client.post(url, data={"position-position": "director"}, follow_redirects=True)
    assert "Должность: директор" in response.text


def test_employee_leaving_on_the_page(session, client, auth, staff, sent_mail):
    org_id, _admin_id, lead_id, teacher_id, _pending_id = _login_admin(session, auth, staff)
    url = f"/org/{org_id}/staff/people/{lead_id}/depart"
    page = client.get(f"/org/{org_id}/staff/people/{lead_id}")
    assert "Руководит: 5А" in page.text
    refused = client.post(url, data={"leave-confirm": "y", "leave-reason": "переход в другую школу"})
    assert refused.status_code == 400 and form_errors(refused.text) == [
        "Выберите, кому передать обязанности: этот сотрудник руководит классом или группой либо модерирует чаты."]
    assert 'value="переход в другую школу"' in refused.text  # the typing kept
    for hostile in ("abc", str(lead_id), "99999"):
        response = client.post(url, data={"leave-confirm": "y", "leave-successor": hostile})
        assert response.status_code == 400 and form_errors(response.text) == ["Выберите из списка."]
    response = client.post(url, data={"leave-confirm": "y", "leave-successor": str(teacher_id)})
    assert response.status_code == 302
    assert any(m["To"] == "lead@school.ru" and m["Subject"] == "Вы покинули организацию" for m in sent_mail)
    successor_letter = next(m for m in sent_mail if m["To"] == "teacher@school.ru")
    assert "классный руководитель класса 5А" in successor_letter.get_content()
    session.rollback()
    assert members.memberships_of(session, lead_id, org_id) == []


def test_unit_page_lead_and_subject_teacher(session, client, auth, staff, sent_mail):
    org, *_ = staff
    unit_id = unit_named(session, org, "9В").id
    org_id, _admin_id, _lead_id, teacher_id, pending_id = _login_admin(session, auth, staff)
    url = f"/org/{org_id}/staff/units/{unit_id}"
    assert client.get(url).status_code == 200
    refused = client.post(url + "/lead", data={"lead-teacher": str(pending_id)})
    assert refused.status_code == 400 and form_errors(refused.text) == ["Выберите из списка."]
    response = client.post(url + "/lead", data={"lead-teacher": str(teacher_id)}, follow_redirects=True)
    assert "Руководство записано." in response.text
    letter = next(m for m in sent_mail if m["To"] == "teacher@school.ru")
    assert "Вы назначены: классный руководитель класса 9В." in letter.get_content()
    response = client.post(url + "/teachers", data={"attach-teacher": str(teacher_id)})
    assert response.status_code == 400 and form_errors(response.text) == ["Этот учитель уже ведёт здесь занятия."]
    response = client.post(f"{url}/teachers/{teacher_id}/detach", follow_redirects=True)
    assert "Сначала назначьте другого руководителя." in response.text
    assert client.get(f"/org/{org_id}/staff/units/999999").status_code == 404
