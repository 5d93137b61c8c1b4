"""Teacher verification: the administrator's queue and decision, and a
teacher's status (only a verified teacher invites and teaches in chats)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from .. import texts
from ..chats import operations as chats
from ..consent import operations as consent
from ..core import audit
from ..core.errors import NotFound
from ..models import JoinRequest, Membership, ParentLink, Unit
from ..orgs.structure import staff_room
from . import members
from .members import check_not_own


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
    members.forget_memberships(session)
    if not verified:  # every chat and list at once
        chats.leave_ineligible_chats(session, user_id=staff.user_id, org_id=org_id, now=now,
                                     reason="teacher_rejected")
    elif consent.has_accepted_chat_rules(session, user_id=staff.user_id, org_id=org_id,
                                         version=texts.CHAT_RULES_VERSION):
        chats.join_lead_chats(session, user_id=staff.user_id, org_id=org_id, now=now)
    audit.record(session, f"teacher.{state}", now=now, org_id=org_id, actor_id=actor_id, target=staff,
                 user_id=staff.user_id, reason=reason)
    return staff


def teacher_status(session: Session, user_id: int, org_id: int) -> str | None:
    """verified, pending, rejected, or None (not a teacher here): only a
    verified teacher (or an administrator) creates invites and chats."""
    return members.teacher_verification(members.memberships_of(session, user_id, org_id))
