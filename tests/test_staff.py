"""Staff: administrators appointed and taken back, homeroom and subject
teachers, the director and deputies, an employee leaving (operations and pages)."""
from __future__ import annotations

import pytest
from sqlalchemy import select
from support import unit_named

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
