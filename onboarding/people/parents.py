"""Parents and their children: at most MAX_GUARDIANS parents per pupil (one
count for every path), and the links a parent names that wait for the
unit's homeroom teacher to confirm or reject."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..chats import operations as chats
from ..core import audit
from ..core.errors import DomainError, NotFound, PermissionDenied
from ..models import Membership, Organisation, ParentLink, User
from ..orgs.policy import learners_join
from . import members
from .members import check_not_own

MAX_GUARDIANS = 4


class AlreadyLinked(DomainError):
    """This parent is already linked to this pupil."""


class TooManyGuardians(DomainError):
    """A pupil may have at most MAX_GUARDIANS parents, each with a link of their own."""

    def __init__(self, pupil_name: str = ""):
        super().__init__(pupil_name)
        self.pupil_name = pupil_name


def guardian_count(session: Session, child_id: int) -> int:
    """The parents linked to this pupil or waiting for a teacher's decision."""
    return session.scalar(select(func.count(ParentLink.id)).where(
        ParentLink.child_id == child_id, ParentLink.status != "rejected"))


def has_room_for_guardian(session: Session, child_id: int, *, waiting_links: int = 0) -> bool:
    """Whether one more parent fits, counting `waiting_links` (personal parent
    links for this pupil not yet taken) as parents already."""
    return guardian_count(session, child_id) + waiting_links < MAX_GUARDIANS


def units_led_by(session: Session, user_id: int, org_id: int) -> list[int]:
    held = members.memberships_of(session, user_id, org_id)
    if members.teacher_verification(held) != "verified":
        return []
    return [m.unit_id for m in held if m.role == "teacher" and m.is_lead]


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
            raise AlreadyLinked()
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


def reject_confirmed_link(session: Session, link: ParentLink, *, actor_id: int, now: datetime) -> None:
    """A confirmed link undone (the caller decides who may): rejected, and the
    parent leaves the unit and its chats unless another child of theirs is
    confirmed there."""
    link.status = "rejected"
    link.decided_at = now
    link.decided_by_id = actor_id
    session.flush()
    _leave_unit_unless_confirmed(session, link, now=now)
    audit.record(session, "parent_link.undone", now=now, org_id=link.org_id, actor_id=actor_id, target=link)
