"""Invite rules without HTTP: who may create what, what an invite offers,
when it stops working, and who may take it."""
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select
from support import unit_named

from onboarding.core.errors import InviteExpired, InviteRevoked, InviteUsedUp, NotFound, PermissionDenied
from onboarding.invites import lists as invite_lists, operations as invites, redemption, rights as invite_rights
from onboarding.invites.operations import (
    AlreadyMember, InviteCreatorLeft, InviteNotForAccount, InviteParameterInvalid, TooManyGuardians,
)
from onboarding.models import AuditEvent, ParentLink
from onboarding.orgs import structure as orgs
from onboarding.people import members

NOW = datetime(2026, 3, 10, 9, 0, tzinfo=timezone.utc)


@pytest.fixture
def school(make_org, make_user, make_member, session):
    """A school with an administrator, a verified teacher of 5А (its homeroom
    teacher), an unverified teacher of 9В, and a parent."""
    org = make_org()
    people = {"org": org}
    people["admin"] = make_user(last_name="Админова")
    make_member(people["admin"], org, "admin")
    people["teacher"] = make_user(last_name="Учителева")
    make_member(people["teacher"], org, "teacher")
    make_member(people["teacher"], org, "teacher", unit="5А", is_lead=True)
    people["novice"] = make_user(last_name="Новикова")
    make_member(people["novice"], org, "teacher", verification="pending")
    make_member(people["novice"], org, "teacher", unit="9В")
    people["parent"] = make_user(last_name="Родителев")
    make_member(people["parent"], org, "parent", unit="5А")
    return people


def create(session, school, kind="student", unit="5А", creator="teacher", **fields):
    org = school["org"]
    place = orgs.staff_room(session, org.id) if kind in ("staff", "join") else unit_named(session, org, unit)
    fields.setdefault("expires_at", NOW + timedelta(days=7))
    fields.setdefault("max_uses", 40)
    return invites.create_invite(session, org=org, unit=place, kind=kind, creator=school[creator], now=NOW, **fields)


def reason(error_info):
    return error_info.value.args[0]


@pytest.mark.parametrize("creator, kind, unit, expected", [
    ("admin", "staff", None, None),
    ("admin", "join", None, None),
    ("admin", "student", "1А", None),
    ("admin", "guardian", "9В", None),
    ("teacher", "student", "5А", None),
    ("teacher", "parent", "5А", None),
    ("teacher", "pupil", "5А", None),
    ("teacher", "guardian", "5А", None),
    ("teacher", "parent", "1А", "not_your_unit"),
    ("teacher", "staff", None, "admin_only"),
    ("teacher", "join", None, "admin_only"),
    ("novice", "student", "9В", "unverified"),
    ("parent", "parent", "5А", "not_staff"),
    ("admin", "admin", None, "kind"),
    ("admin", "student", None, "wrong_unit"),
])
def test_who_may_create_what(session, school, creator, kind, unit, expected):
    org = school["org"]
    place = unit_named(session, org, unit) if unit else orgs.staff_room(session, org.id)
    if expected is None:
        invite_rights.may_create(session, school[creator], org, kind, place)
    else:
        with pytest.raises(PermissionDenied) as error:
            invite_rights.may_create(session, school[creator], org, kind, place)
        assert reason(error) == expected


def test_nobody_creates_for_another_organisation(session, school, make_org):
    other = make_org(name="Школа № 2")
    other_unit = unit_named(session, other, "5А")
    with pytest.raises(NotFound):
        invite_rights.may_create(session, school["admin"], other, "student", other_unit)
    with pytest.raises(NotFound):
        invite_rights.may_create(session, school["admin"], school["org"], "student", other_unit)


def test_kindergarten_has_no_invites_for_children(session, make_org, make_user, make_member):
    garden = make_org(kind="kindergarten", name="Детский сад «Ромашка»", units="Солнышко")
    admin = make_user()
    make_member(admin, garden, "admin")
    group = unit_named(session, garden, "Солнышко")
    for kind in ("student", "pupil"):
        with pytest.raises(PermissionDenied) as error:
            invite_rights.may_create(session, admin, garden, kind, group)
        assert reason(error) == "no_learners"
    invite_rights.may_create(session, admin, garden, "parent", group)
    kinds, _units = invite_rights.creation_choices(session, admin, garden)
    assert "student" not in kinds and "pupil" not in kinds and "parent" in kinds


def test_invite_offers_the_chats_of_its_role(session, school):
    student, _ = create(session, school, "student")
    parent, _ = create(session, school, "parent")
    lead_unit = unit_named(session, school["org"], "9В")
    staff, _ = create(session, school, "staff", creator="admin", lead_unit=lead_unit)
    assert [chat.kind for chat in student.chats] == ["class"]
    assert [chat.kind for chat in parent.chats] == ["parents"]
    assert sorted(chat.kind for chat in staff.chats) == ["staff", "teachers"]
    assert next(c for c in staff.chats if c.kind == "teachers").unit_id == lead_unit.id
    assert staff.role == "teacher" and staff.lead_unit_id == lead_unit.id


def test_creation_is_audited_and_keeps_no_token(session, school):
    invite, nonce = create(session, school, "parent")
    assert nonce not in invite.nonce_hash and len(invite.nonce_hash) == 64
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "invite.created",
                                                     AuditEvent.target_id == invite.id)).one()
    assert event.actor_id == school["teacher"].id and event.created_at == NOW


@pytest.mark.parametrize("fields, field", [
    ({"expires_at": NOW - timedelta(minutes=1)}, "expires_at"),
    ({"expires_at": NOW + timedelta(days=400)}, "expires_at"),
    ({"max_uses": 0}, "max_uses"),
    ({"max_uses": 1001}, "max_uses"),
])
def test_creation_refuses_out_of_range(session, school, fields, field):
    with pytest.raises(InviteParameterInvalid) as error:
        create(session, school, "student", **fields)
    assert error.value.field == field


def test_personal_invites_are_single_use_and_named(session, school):
    invite, _ = create(session, school, "guardian", pupil_name="Петров Иван", max_uses=40)
    assert invite.max_uses == 1 and invite.pupil_name == "Петров Иван" and invite.child_id is None
    with pytest.raises(InviteParameterInvalid):
        create(session, school, "pupil")


def test_at_most_four_live_links_per_pupil(session, school):
    for _ in range(4):
        create(session, school, "guardian", pupil_name="Петров Иван")
    with pytest.raises(TooManyGuardians):
        create(session, school, "guardian", pupil_name="петров иван")
    create(session, school, "guardian", pupil_name="Сидорова Анна")


def test_until_31_august_in_the_organisations_zone():
    end = invites.expiry_for_preset("aug31", NOW, "Asia/Yekaterinburg")
    assert end == datetime(2026, 8, 31, 18, 59, tzinfo=timezone.utc)
    september = datetime(2026, 9, 1, 0, 0, tzinfo=timezone.utc)
    assert invites.expiry_for_preset("aug31", september, "Asia/Vladivostok").year == 2027
    assert invites.expiry_for_preset("7d", NOW, "Europe/Moscow") == NOW + timedelta(days=7)


def test_statuses(session, school):
    invite, _ = create(session, school, "student", max_uses=1)
    invites.check_usable(session, invite, NOW)
    with pytest.raises(InviteExpired):
        invites.check_usable(session, invite, NOW + timedelta(days=8))
    invite.uses = 1
    with pytest.raises(InviteUsedUp):
        invites.check_usable(session, invite, NOW)
    invite_lists.revoke_invite(session, invite, actor=school["admin"], now=NOW)
    with pytest.raises(InviteRevoked):
        invites.check_usable(session, invite, NOW)
    assert invites.invite_status(invite, NOW) == "revoked"


def test_invite_stops_when_its_creator_leaves(session, school):
    invite, _ = create(session, school, "parent")
    invites.check_usable(session, invite, NOW)
    for membership in members.memberships_of(session, school["teacher"].id, school["org"].id):
        membership.left_at = NOW
    session.flush()
    with pytest.raises(InviteCreatorLeft):
        invites.check_usable(session, invite, NOW)
    with pytest.raises(InviteRevoked):  # the same friendly family of pages
        redemption.claim_use(session, invite, now=NOW)


def test_invite_stops_when_its_creator_loses_the_right(session, school):
    invite, _ = create(session, school, "student")
    staff = next(m for m in members.memberships_of(session, school["teacher"].id, school["org"].id)
                 if m.unit_id == orgs.staff_room(session, school["org"].id).id)
    staff.verification = "rejected"
    session.flush()
    with pytest.raises(InviteCreatorLeft):
        invites.check_usable(session, invite, NOW)


def test_operator_invite_is_exempt(session, school):
    invite, _ = invites.create_admin_invite(session, school["org"], name="Директорова", email="d@school.ru", now=NOW)
    invites.check_usable(session, invite, NOW)


def test_revoke_unclaimed_and_regenerate(session, school):
    live, _ = create(session, school, "parent")
    used, _ = create(session, school, "guardian", pupil_name="Петров Иван")
    used.uses = 1
    other_unit, _ = create(session, school, "student", unit="9В", creator="admin")
    revoked = invite_lists.revoke_unclaimed(session, live.unit, actor=school["teacher"], now=NOW)
    assert revoked == [live] and live.revoked_by_id == school["teacher"].id
    assert used.revoked_at is None and other_unit.revoked_at is None

    new, nonce = invite_lists.regenerate_invite(session, other_unit, actor=school["admin"], now=NOW + timedelta(days=1))
    assert other_unit.revoked_at is not None
    assert (new.kind, new.unit_id, new.max_uses, new.expires_at) == ("student", other_unit.unit_id, 40, other_unit.expires_at)
    assert new.id != other_unit.id and nonce
    actions = set(session.scalars(select(AuditEvent.action)))
    assert {"invite.created", "invite.revoked", "invite.regenerated"} <= actions


def test_teacher_cannot_manage_another_units_invites(session, school):
    invite, _ = create(session, school, "student", unit="9В", creator="admin")
    with pytest.raises(PermissionDenied):
        invite_lists.revoke_invite(session, invite, actor=school["teacher"], now=NOW)
    assert invite.revoked_at is None


def test_who_may_redeem(session, school, make_user, make_member):
    org = school["org"]
    parent_invite, _ = create(session, school, "parent")
    student_invite, _ = create(session, school, "student")
    pupil = make_user(last_name="Ученикова")
    make_member(pupil, org, "student", unit="9В")
    with pytest.raises(InviteNotForAccount) as error:
        redemption.may_redeem(session, parent_invite, pupil)
    assert error.value.reason == "student_account"
    with pytest.raises(InviteNotForAccount) as error:
        redemption.may_redeem(session, student_invite, pupil)
    assert error.value.reason == "other_unit"
    with pytest.raises(InviteNotForAccount) as error:
        redemption.may_redeem(session, student_invite, school["parent"])
    assert error.value.reason == "adult_account"
    with pytest.raises(AlreadyMember):
        redemption.may_redeem(session, parent_invite, school["parent"])
    newcomer = make_user()
    redemption.may_redeem(session, parent_invite, newcomer)
    redemption.may_redeem(session, student_invite, newcomer)
    classmate = make_user()
    make_member(classmate, org, "student", unit="5А")
    with pytest.raises(AlreadyMember):
        redemption.may_redeem(session, student_invite, classmate)


def test_guardian_link_to_a_registered_child(session, school, make_user, make_member):
    org = school["org"]
    child = make_user(last_name="Петров")
    make_member(child, org, "student", unit="5А")
    invite, _ = create(session, school, "guardian", child=child)
    assert invite.child_id == child.id and invite.pupil_name == child.full_name
    with pytest.raises(InviteNotForAccount) as error:
        redemption.may_redeem(session, invite, child)
    assert error.value.reason in ("own_child", "student_account")
    for _ in range(4):
        session.add(ParentLink(org_id=org.id, parent_id=make_user().id, child_id=child.id, status="confirmed"))
    session.flush()
    with pytest.raises(InviteNotForAccount) as error:
        redemption.may_redeem(session, invite, make_user())
    assert error.value.reason == "too_many_guardians"


def test_record_redemption_takes_a_use_and_audits(session, school, make_user):
    invite, _ = create(session, school, "parent", max_uses=1)
    user = make_user()
    redeemed = redemption.record_redemption(session, invite, user, now=NOW)
    assert invite.uses == 1 and redeemed.user_id == user.id
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "invite.redeemed")).one()
    assert event.actor_id == user.id and event.target_id == invite.id
    with pytest.raises(InviteUsedUp):
        redemption.record_redemption(session, invite, make_user(), now=NOW)
