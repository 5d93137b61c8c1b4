"""Redeeming an invite: the memberships of its kind, the parent links, the record.

staff → teacher in the staff room (awaiting verification), plus administrator
if the invite grants it, plus homeroom teacher of `lead_unit_id`;
student, pupil → student of the unit (one current unit per organisation);
parent, guardian → parent in the unit and a link to the child: at once for a
personal (guardian) invite, or named by the parent and waiting for the unit's
teacher to match it to a pupil. Nobody is ever shown the list of pupils.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from ..models import Invite, JoinRequest, Membership, Organisation, ParentLink, Unit, User
from . import audit, chats, invites, members, redemption
from .errors import DomainError, NotFound, PermissionDenied
from .org_policy import learners_join
from .orgs import staff_room
from .parents import TooManyGuardians, has_room_for_guardian

REDEEMABLE_KINDS = ("admin", "staff", "student", "pupil", "parent", "guardian")


class ChildNameRequired(DomainError):
    pass


def _has(memberships: list[Membership], role: str, unit_id: int | None = None, is_lead: bool | None = None) -> bool:
    return any(
        m.role == role and (unit_id is None or m.unit_id == unit_id) and (is_lead is None or m.is_lead == is_lead)
        for m in memberships
    )


def check_redeemable(session: Session, invite: Invite, user: User) -> None:
    """Raise why this user can't take this invite (its usability is checked
    apart): invites.InviteNotForAccount or invites.AlreadyMember."""
    if invite.kind not in REDEEMABLE_KINDS:
        raise NotFound()
    redemption.may_redeem(session, invite, user)


def _add_membership(session: Session, invite: Invite, user: User, *, unit_id: int, role: str, now: datetime,
                    held: list[Membership], **fields) -> Membership | None:
    if _has(held, role, unit_id, fields.get("is_lead")):
        return None
    existing_plain = [m for m in held if m.role == role and m.unit_id == unit_id]
    if existing_plain:  # e.g. a teacher of the unit becomes its homeroom teacher
        for key, value in fields.items():
            setattr(existing_plain[0], key, value)
        return existing_plain[0]
    membership = Membership(org_id=invite.org_id, user_id=user.id, unit_id=unit_id, role=role,
                            invite_id=invite.id, created_at=now, **fields)
    session.add(membership)
    held.append(membership)
    return membership


def redeem_invite(
    session: Session, invite: Invite, user: User, *, now: datetime, child_name: str | None = None
) -> list[Membership]:
    """Take one use of the invite and give the user what it grants, all or nothing.

    One account redeems one invite at a time: a double tap, or two class links
    sent at once, wait for each other and the second sees what the first did.
    """
    session.execute(select(User.id).where(User.id == user.id).with_for_update())
    members.forget_memberships(session)
    check_redeemable(session, invite, user)
    if invite.kind == "parent" and invite.child_id is None and not child_name:
        raise ChildNameRequired()
    redemption.record_redemption(session, invite, user, now=now)
    held = members.memberships_of(session, user.id, invite.org_id)
    created: list[Membership | None] = []
    add = lambda **kw: created.append(_add_membership(session, invite, user, now=now, held=held, **kw))  # noqa: E731
    if invite.kind == "admin":
        add(unit_id=invite.unit_id, role="admin")
    elif invite.kind == "staff":
        room = staff_room(session, invite.org_id).id
        existing_teacher = next((m for m in held if m.role == "teacher" and m.unit_id == room), None)
        verification = existing_teacher.verification if existing_teacher else "pending"
        add(unit_id=room, role="teacher", verification=verification)
        if invite.grants_admin:  # in force once the teacher status is verified
            add(unit_id=room, role="admin", verification=verification)
        if invite.lead_unit_id:
            add(unit_id=invite.lead_unit_id, role="teacher", is_lead=True, verification=verification)
    elif invite.kind in ("student", "pupil"):
        add(unit_id=invite.unit_id, role="student")
    else:
        add(unit_id=invite.unit_id, role="parent")
        _link_parent(session, invite, user, child_name=child_name, now=now)
    session.flush()
    return [m for m in created if m is not None]


def _link_parent(session: Session, invite: Invite, user: User, *, child_name: str | None, now: datetime) -> ParentLink:
    if invite.child_id is not None:
        link = ParentLink(org_id=invite.org_id, unit_id=invite.unit_id, parent_id=user.id, child_id=invite.child_id,
                          status="confirmed", created_at=now, decided_at=now, decided_by_id=invite.created_by_id)
    else:
        # A letter's link carries the pupil's name as the teacher typed it.
        link = ParentLink(org_id=invite.org_id, unit_id=invite.unit_id, parent_id=user.id, child_id=None,
                          child_name_given=child_name or invite.pupil_name, status="pending", created_at=now)
    session.add(link)
    session.flush()
    audit.record(session, "parent_link.created", now=now, org_id=invite.org_id, actor_id=user.id, target=link,
                 status=link.status)
    return link


# --- Teacher verification (the administrator's queue) -------------------------

def pending_teachers(session: Session, org_id: int) -> list[Membership]:
    room = staff_room(session, org_id)
    return list(session.scalars(
        select(Membership).where(Membership.org_id == org_id, Membership.unit_id == room.id,
                                 Membership.role == "teacher", Membership.verification == "pending",
                                 Membership.left_at.is_(None))
        .options(joinedload(Membership.user)).order_by(Membership.id)
    ))


def review_counts(session: Session, org_id: int) -> dict[str, int]:
    """How many wait for the administrator: teachers to verify, join requests,
    and parents whose link to a child a teacher has not yet confirmed (one query)."""
    teachers = (
        select(func.count(Membership.id))
        .join(Unit, Unit.id == Membership.unit_id)
        .where(Membership.org_id == org_id, Unit.kind == "staff_room", Membership.role == "teacher",
               Membership.verification == "pending", Membership.left_at.is_(None))
        .scalar_subquery()
    )
    requests = (
        select(func.count(JoinRequest.id))
        .where(JoinRequest.org_id == org_id, JoinRequest.status == "pending")
        .scalar_subquery()
    )
    parents = (
        select(func.count(ParentLink.id))
        .where(ParentLink.org_id == org_id, ParentLink.status == "pending")
        .scalar_subquery()
    )
    row = session.execute(select(teachers, requests, parents)).one()
    return {"teachers": row[0], "requests": row[1], "parents": row[2]}


def check_not_own(subject_id: int, actor_id: int) -> None:
    """Nobody decides on their own verification, request or parent link."""
    if subject_id == actor_id:
        raise PermissionDenied("own")


def _teacher_membership(session: Session, org_id: int, membership_id: int) -> Membership:
    membership = session.get(Membership, membership_id)
    if membership is None or membership.org_id != org_id or membership.role != "teacher" or membership.left_at:
        raise NotFound()
    return membership


def decide_teacher(session: Session, org_id: int, membership_id: int, *, verified: bool, actor_id: int,
                   now: datetime, reason: str | None = None) -> Membership:
    """Verify, or reject with a reason, a teacher's status: every teacher
    membership of that person in the organisation follows."""
    staff = _teacher_membership(session, org_id, membership_id)
    if staff.verification != "pending":
        raise NotFound()
    check_not_own(staff.user_id, actor_id)
    state = "verified" if verified else "rejected"
    for membership in members.memberships_of(session, staff.user_id, org_id):
        if membership.role == "teacher" or (membership.role == "admin" and membership.verification is not None):
            membership.verification = state
            membership.verified_at = now
            membership.verified_by_id = actor_id
            membership.rejection_reason = None if verified else reason
    session.flush()
    if not verified:  # every chat and list at once
        members.forget_memberships(session)
        chats.leave_ineligible_chats(session, user_id=staff.user_id, org_id=org_id, now=now,
                                     reason="teacher_rejected")
    audit.record(session, f"teacher.{state}", now=now, org_id=org_id, actor_id=actor_id, target=staff,
                 user_id=staff.user_id, reason=reason)
    return staff


def teacher_status(session: Session, user_id: int, org_id: int) -> str | None:
    """verified, pending, rejected, or None (not a teacher here): only a
    verified teacher (or an administrator) creates invites and chats."""
    states = {m.verification for m in members.memberships_of(session, user_id, org_id) if m.role == "teacher"}
    for state in ("verified", "pending", "rejected"):
        if state in states:
            return state
    return None


# --- Parent links waiting for the unit's teacher ------------------------------

def units_led_by(session: Session, user_id: int, org_id: int) -> list[int]:
    return [m.unit_id for m in members.memberships_of(session, user_id, org_id)
            if m.role == "teacher" and m.is_lead and m.verification == "verified"]


def pending_parent_links(session: Session, org_id: int, unit_ids: list[int]) -> list[ParentLink]:
    if not unit_ids:
        return []
    return list(session.scalars(
        select(ParentLink).where(ParentLink.org_id == org_id, ParentLink.unit_id.in_(unit_ids),
                                 ParentLink.status == "pending").order_by(ParentLink.id)
    ))


def waiting_parent_links(session: Session, user_id: int, org_id: int) -> list[ParentLink]:
    """This parent's links that a teacher has not yet confirmed."""
    return list(session.scalars(select(ParentLink).where(
        ParentLink.parent_id == user_id, ParentLink.org_id == org_id, ParentLink.status == "pending")))


def pupils_of_unit(session: Session, org_id: int, unit_id: int) -> list[User]:
    """The unit's pupils, for its own teacher only (never shown to parents)."""
    return list(session.scalars(
        select(User).join(Membership, Membership.user_id == User.id)
        .where(Membership.org_id == org_id, Membership.unit_id == unit_id, Membership.role == "student",
               Membership.left_at.is_(None), User.status == "active")
        .order_by(User.last_name, User.first_name)
    ))


def pupils_by_unit(session: Session, org_id: int, unit_ids: set[int]) -> dict[int, list[User]]:
    """The pupils of several units in one query, for their teachers' queue."""
    found: dict[int, list[User]] = {unit_id: [] for unit_id in unit_ids}
    if not unit_ids:
        return found
    rows = session.execute(
        select(Membership.unit_id, User).join(User, Membership.user_id == User.id)
        .where(Membership.org_id == org_id, Membership.unit_id.in_(unit_ids), Membership.role == "student",
               Membership.left_at.is_(None), User.status == "active")
        .order_by(User.last_name, User.first_name)
    )
    for unit_id, user in rows:
        found[unit_id].append(user)
    return found


def decide_parent_link(session: Session, org_id: int, link_id: int, *, unit_ids: list[int], actor_id: int,
                       now: datetime, confirm: bool, child_id: int | None = None) -> ParentLink:
    """The teacher confirms the named child — matched to a pupil of the unit,
    or, in a kindergarten (children have no accounts), as named — or rejects
    the link. A rejected parent with no other confirmed child in the unit
    leaves it and its chats."""
    link = session.get(ParentLink, link_id)
    if link is None or link.org_id != org_id or link.unit_id not in unit_ids or link.status != "pending":
        raise NotFound()
    check_not_own(link.parent_id, actor_id)
    if confirm and child_id is not None:
        if child_id not in {pupil.id for pupil in pupils_of_unit(session, org_id, link.unit_id)}:
            raise PermissionDenied()
        already = session.scalars(
            select(ParentLink.id).where(ParentLink.parent_id == link.parent_id, ParentLink.child_id == child_id)
        ).first()
        if already is not None:
            raise invites.AlreadyMember("guardian")
        if not has_room_for_guardian(session, child_id):
            raise TooManyGuardians()
        link.child_id = child_id
        link.status = "confirmed"
    elif confirm:
        if learners_join(session.get(Organisation, org_id).kind):
            raise PermissionDenied()  # a pupil with an account must be chosen
        link.status = "confirmed"
    else:
        link.status = "rejected"
        _leave_unit_unless_confirmed(session, link, now=now)
    link.decided_at = now
    link.decided_by_id = actor_id
    session.flush()
    audit.record(session, f"parent_link.{link.status}", now=now, org_id=org_id, actor_id=actor_id, target=link)
    return link


def _leave_unit_unless_confirmed(session: Session, link: ParentLink, *, now: datetime) -> None:
    confirmed = session.scalars(select(ParentLink.id).where(
        ParentLink.parent_id == link.parent_id, ParentLink.unit_id == link.unit_id,
        ParentLink.status == "confirmed", ParentLink.id != link.id)).first()
    if confirmed is not None:
        return
    for membership in members.memberships_of(session, link.parent_id, link.org_id):
        if membership.role == "parent" and membership.unit_id == link.unit_id:
            membership.left_at = now
    session.flush()
    members.forget_memberships(session)
    chats.leave_ineligible_chats(session, user_id=link.parent_id, org_id=link.org_id, now=now,
                                 reason="parent_link_rejected")


