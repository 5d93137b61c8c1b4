"""Leaving the organisation: a pupil (with their parents, unless another
child keeps a parent in the unit) or an employee (their duties passed to a
successor the administrator names, their links stopped). Out of every chat
either way; the account is closed when no organisation keeps the person, and
the retention clock (people.retention) runs from the last membership's end."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..chats import operations as chats
from ..core import audit
from ..core.errors import DomainError, NotFound
from ..models import Chat, ChatMember, Invite, Membership, ParentLink, RosterEntry, Unit, User
from ..moderation import moderators
from ..people import accounts, members, parents
from ..people.members import check_not_own
from . import history, positions
from .movement import pupil_membership


class SuccessorRequired(DomainError):
    """A homeroom teacher or moderator leaves: someone must take over."""


@dataclass
class PupilDeparture:
    pupil: User
    unit: Unit
    parents: list[User] = field(default_factory=list)
    parents_removed: list[User] = field(default_factory=list)
    account_closed: bool = False


@dataclass
class EmployeeDeparture:
    employee: User
    successor: User | None
    led_units: list[Unit] = field(default_factory=list)
    unmoderated: list[Chat] = field(default_factory=list)  # moderated by them, by nobody now: the administrators'
    invites_revoked: int = 0
    account_closed: bool = False


def close_if_departed(session: Session, user: User, *, actor_id: int, now: datetime) -> bool:
    """Close the account of someone no organisation keeps any more (their
    memberships all ended); True if it was closed."""
    current = session.scalars(select(Membership.id).where(
        Membership.user_id == user.id, Membership.left_at.is_(None))).first()
    if current is not None or user.status == "disabled":
        return False
    accounts.disable_user(session, user, actor_id=actor_id, now=now)
    return True


def pupil_leaves(session: Session, org_id: int, pupil_id: int, *, actor_id: int, now: datetime,
                 reason: str | None = None) -> PupilDeparture:
    """The pupil leaves the organisation: their memberships end, their line
    on the class list is closed, they leave every chat; each parent leaves
    the unit and its chats unless another child of theirs is in it."""
    membership = pupil_membership(session, org_id, pupil_id)
    unit, pupil = membership.unit, session.get(User, pupil_id)
    result = PupilDeparture(pupil=pupil, unit=unit)
    for held in members.memberships_of(session, pupil_id, org_id):
        held.left_at = now
    for entry in session.scalars(select(RosterEntry).where(
            RosterEntry.org_id == org_id, RosterEntry.pupil_id == pupil_id, RosterEntry.left_at.is_(None))):
        entry.left_at = now
    session.flush()
    parent_ids = sorted(set(session.scalars(select(ParentLink.parent_id).where(
        ParentLink.org_id == org_id, ParentLink.child_id == pupil_id, ParentLink.status != "rejected"))))
    for parent_id in parent_ids:
        parent = session.get(User, parent_id)
        result.parents.append(parent)
        if not parents.other_child_in_unit(session, parent_id, pupil_id, unit.id):
            if parents.end_parent_membership(session, parent_id, unit.id, now=now):
                result.parents_removed.append(parent)
    session.flush()
    members.forget_memberships(session)
    for user_id in [pupil_id, *parent_ids]:
        chats.leave_ineligible_chats(session, user_id=user_id, org_id=org_id, now=now, reason="pupil_left")
    result.account_closed = close_if_departed(session, pupil, actor_id=actor_id, now=now)
    history.note(session, org_id=org_id, user_id=pupil_id, kind="left", now=now, actor_id=actor_id,
                 unit=unit.name, reason=reason)
    audit.record(session, "pupil.left", now=now, org_id=org_id, actor_id=actor_id, target=pupil, unit_id=unit.id,
                 reason=reason, parents_removed=len(result.parents_removed))
    session.flush()
    return result


def staff_memberships(session: Session, org_id: int, user_id: int) -> list[Membership]:
    """An employee's current memberships (NotFound for anyone not staff)."""
    held = members.memberships_of(session, user_id, org_id)
    if not any(m.role in ("teacher", "admin") for m in held):
        raise NotFound()
    return held


def needs_successor(session: Session, org_id: int, user_id: int) -> bool:
    """Whether the employee leads a unit or moderates a chat of it."""
    held = members.memberships_of(session, user_id, org_id)
    if any(m.role == "teacher" and m.is_lead for m in held):
        return True
    return session.scalars(select(ChatMember.id).where(
        ChatMember.user_id == user_id, ChatMember.org_id == org_id, ChatMember.left_at.is_(None),
        ChatMember.role == "moderator")).first() is not None


def employee_leaves(session: Session, org_id: int, user_id: int, *, successor_id: int | None, actor_id: int,
                    now: datetime, reason: str | None = None) -> EmployeeDeparture:
    """The employee leaves: never the last administrator, never by their own
    hand; their homeroom duties and moderation pass to `successor_id` (a
    verified teacher; required if they had any), their unused links are
    revoked, they leave every chat of the organisation. A chat they moderated
    that the successor does not take (a director's chat, a subject chat they
    made) is then the administrators' to moderate (`unmoderated`)."""
    held = staff_memberships(session, org_id, user_id)
    check_not_own(user_id, actor_id)
    positions.check_not_last_admin(session, org_id, user_id)
    employee = session.get(User, user_id)
    successor = None
    if successor_id is not None:
        if successor_id == user_id:
            raise positions.NotVerified()
        successor = positions.verified_teacher(session, org_id, successor_id)
    elif needs_successor(session, org_id, user_id):
        raise SuccessorRequired()
    result = EmployeeDeparture(employee=employee, successor=successor)
    moderated_units = set(session.scalars(select(Unit.id).select_from(ChatMember).join(
        Chat, Chat.id == ChatMember.chat_id).join(Unit, Unit.id == Chat.unit_id).where(
        ChatMember.user_id == user_id, ChatMember.org_id == org_id, ChatMember.left_at.is_(None),
        ChatMember.role == "moderator", Unit.kind != "staff_room")))
    moderated = moderators.moderated_by(session, user_id, org_id)
    led = [m.unit for m in held if m.role == "teacher" and m.is_lead]
    result.led_units = sorted({unit.id: unit for unit in led}.values(), key=lambda unit: unit.sort_key)
    for membership in held:
        membership.left_at = now
    session.flush()
    members.forget_memberships(session)
    chats.leave_ineligible_chats(session, user_id=user_id, org_id=org_id, now=now, reason="employee_left")
    if successor is not None:
        units = {unit.id: unit for unit in result.led_units}
        units.update({unit.id: unit for unit in session.scalars(select(Unit).where(Unit.id.in_(moderated_units)))})
        for unit in sorted(units.values(), key=lambda unit: unit.sort_key):
            positions.make_lead(session, org_id, successor.id, unit, actor_id=actor_id, now=now)
    result.unmoderated = moderators.without_moderator(session, moderated)
    result.invites_revoked = _revoke_invites(session, org_id, user_id, actor_id=actor_id, now=now)
    result.account_closed = close_if_departed(session, employee, actor_id=actor_id, now=now)
    history.note(session, org_id=org_id, user_id=user_id, kind="left", now=now, actor_id=actor_id, reason=reason,
                 successor_id=successor.id if successor else None)
    audit.record(session, "employee.left", now=now, org_id=org_id, actor_id=actor_id, target=employee,
                 successor_id=successor_id, led_units=[unit.id for unit in result.led_units],
                 invites_revoked=result.invites_revoked, reason=reason)
    session.flush()
    return result


def _revoke_invites(session: Session, org_id: int, user_id: int, *, actor_id: int, now: datetime) -> int:
    """The employee's links that could still be used are revoked: they would
    stop anyway (`invites.rights.creator_may_still`), but the lists should
    say so plainly."""
    invites = list(session.scalars(select(Invite).where(
        Invite.org_id == org_id, Invite.created_by_id == user_id, Invite.revoked_at.is_(None),
        Invite.expires_at > now, Invite.uses < Invite.max_uses)))
    for invite in invites:
        invite.revoked_at, invite.revoked_by_id = now, actor_id
        audit.record(session, "invite.revoked", now=now, org_id=org_id, actor_id=actor_id, target=invite,
                     kind=invite.kind, unit_id=invite.unit_id, uses=invite.uses, reason="employee_left")
    session.flush()
    return len(invites)
