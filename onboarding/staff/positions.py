"""Staff positions: administrators appointed from verified staff, homeroom
teachers of units (who moderate the unit's chats), subject teachers attached
to units, the director and deputies."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import texts
from ..chats import operations as chats
from ..consent import operations as consent
from ..core import audit
from ..core.errors import DomainError, NotFound
from ..models import Chat, ChatMember, Membership, Unit, User
from ..moderation import moderators
from ..orgs.structure import staff_room
from ..people import members
from ..people.members import check_not_own
from . import history
from .movement import target_unit

POSITIONS = ("director", "deputy")


class NotVerified(DomainError):
    """Only a teacher whose status the administrator verified may hold it."""


class LastAdministrator(DomainError):
    """The organisation would be left without an administrator."""


class AlreadyHeld(DomainError):
    """The person holds it already."""


class LeadFirst(DomainError):
    """The unit's homeroom teacher: name another one before detaching."""


def verified_teacher(session: Session, org_id: int, user_id: int) -> User:
    """A member of the organisation with a verified teacher status (NotFound
    for a stranger, NotVerified for anyone else)."""
    held = members.memberships_of(session, user_id, org_id)
    if not held:
        raise NotFound()
    user = session.get(User, user_id)
    if members.teacher_verification(held) != "verified" or user.status != "active":
        raise NotVerified()
    return user


def verified_teachers(session: Session, org_id: int) -> list[User]:
    """Everyone who may be named homeroom teacher, successor, director: the
    verified teachers of the staff room, by name."""
    room = staff_room(session, org_id)
    return members.users_by_unit(session, org_id, {room.id}, Membership.role == "teacher",
                                 Membership.verification == "verified")[room.id]


def administrators(session: Session, org_id: int) -> list[int]:
    """The ids of those who hold administrator rights now."""
    return sorted(user.id for user in members.administrators(session, org_id))


def check_not_last_admin(session: Session, org_id: int, user_id: int) -> None:
    """Refuse to take the last administrator's rights away."""
    admins = administrators(session, org_id)
    if user_id in admins and len(admins) == 1:
        raise LastAdministrator()


def grant_admin(session: Session, org_id: int, user_id: int, *, actor_id: int, now: datetime) -> User:
    """A verified teacher becomes administrator, in force at once (vouched:
    their status is verified)."""
    user = verified_teacher(session, org_id, user_id)
    if user_id in administrators(session, org_id):
        raise AlreadyHeld()
    room = staff_room(session, org_id)
    waiting = next((m for m in members.memberships_of(session, user_id, org_id)
                    if m.role == "admin" and m.unit_id == room.id), None)
    if waiting is None:
        waiting = Membership(org_id=org_id, user_id=user_id, unit_id=room.id, role="admin", created_at=now)
        session.add(waiting)
    waiting.verification, waiting.verified_at, waiting.verified_by_id = "verified", now, actor_id
    session.flush()
    history.note(session, org_id=org_id, user_id=user_id, kind="admin_granted", now=now, actor_id=actor_id)
    audit.record(session, "staff.admin_granted", now=now, org_id=org_id, actor_id=actor_id, target=user)
    return user


def revoke_admin(session: Session, org_id: int, user_id: int, *, actor_id: int, now: datetime) -> User:
    """Administrator rights taken back: never the last administrator's, and
    never by the administrator themselves (another one decides)."""
    if user_id not in administrators(session, org_id):
        raise NotFound()
    check_not_own(user_id, actor_id)
    check_not_last_admin(session, org_id, user_id)
    for membership in members.memberships_of(session, user_id, org_id):
        if membership.role == "admin":
            membership.left_at = now
    session.flush()
    members.forget_memberships(session)
    chats.leave_ineligible_chats(session, user_id=user_id, org_id=org_id, now=now, reason="admin_revoked")
    user = session.get(User, user_id)
    history.note(session, org_id=org_id, user_id=user_id, kind="admin_revoked", now=now, actor_id=actor_id)
    audit.record(session, "staff.admin_revoked", now=now, org_id=org_id, actor_id=actor_id, target=user)
    return user


def _teacher_membership_in(session: Session, org_id: int, user_id: int, unit_id: int) -> Membership | None:
    return next((m for m in members.memberships_of(session, user_id, org_id)
                 if m.role == "teacher" and m.unit_id == unit_id), None)


def leads_of(session: Session, unit_id: int) -> list[Membership]:
    return list(session.scalars(select(Membership).where(
        Membership.unit_id == unit_id, Membership.role == "teacher", Membership.is_lead.is_(True),
        Membership.left_at.is_(None)).order_by(Membership.id)))


def moderate_unit_chats(session: Session, org_id: int, user_id: int, *, now: datetime) -> None:
    """A unit's lead teacher moderates its chats: those they are in become
    theirs to moderate; once they accepted the chat rules, they join the
    others (`join_lead_chats`; then, as everywhere, as moderator)."""
    lead_units = {m.unit_id for m in members.memberships_of(session, user_id, org_id)
                  if m.role == "teacher" and m.is_lead}
    for row in session.scalars(select(ChatMember).join(Chat, Chat.id == ChatMember.chat_id).where(
            ChatMember.user_id == user_id, ChatMember.left_at.is_(None), Chat.unit_id.in_(lead_units),
            Chat.kind != "staff")):
        row.role = "moderator"
    session.flush()
    if consent.has_accepted_chat_rules(session, user_id=user_id, org_id=org_id, version=texts.CHAT_RULES_VERSION):
        chats.join_lead_chats(session, user_id=user_id, org_id=org_id, now=now)


def stop_moderating(session: Session, user_id: int, unit_id: int) -> None:
    """The unit's chats are no longer this teacher's to moderate."""
    for row in session.scalars(select(ChatMember).join(Chat, Chat.id == ChatMember.chat_id).where(
            ChatMember.user_id == user_id, Chat.unit_id == unit_id, ChatMember.role == "moderator")):
        row.role = "member"
    session.flush()


@dataclass
class LeadChange:
    unit: Unit
    new: User | None
    old: list[User]
    unmoderated: list[Chat] = field(default_factory=list)  # removed without a successor: the administrators'


def set_lead(session: Session, org_id: int, unit_id: int, teacher_id: int | None, *, actor_id: int,
             now: datetime) -> LeadChange:
    """Assign, change (the old lead stays a teacher of the unit, no longer
    moderating) or, with `teacher_id` None, remove the unit's homeroom teacher:
    until a new one is named, the administrators moderate the unit's chats
    (`unmoderated`, for the letter telling them)."""
    unit = target_unit(session, org_id, unit_id)
    new = verified_teacher(session, org_id, teacher_id) if teacher_id is not None else None
    current = leads_of(session, unit.id)
    if [m.user_id for m in current] == ([new.id] if new is not None else []):
        raise AlreadyHeld()
    result = LeadChange(unit=unit, new=new, old=[])
    for membership in current:
        if new is not None and membership.user_id == new.id:
            continue
        membership.is_lead = False
        stop_moderating(session, membership.user_id, unit.id)
        result.old.append(membership.user)
        history.note(session, org_id=org_id, user_id=membership.user_id, kind="lead_removed", now=now,
                     actor_id=actor_id, unit=unit.name)
    if new is not None:
        make_lead(session, org_id, new.id, unit, actor_id=actor_id, now=now)
    else:
        result.unmoderated = moderators.unit_chats_without_moderator(session, unit.id)
    session.flush()
    audit.record(session, "staff.lead_set", now=now, org_id=org_id, actor_id=actor_id, target=unit,
                 lead_id=new.id if new else None, previous=[user.id for user in result.old])
    return result


def make_lead(session: Session, org_id: int, user_id: int, unit: Unit, *, actor_id: int, now: datetime) -> None:
    """This verified teacher becomes the unit's lead and moderates its chats."""
    membership = _teacher_membership_in(session, org_id, user_id, unit.id)
    if membership is None:
        membership = Membership(org_id=org_id, user_id=user_id, unit_id=unit.id, role="teacher",
                                verification="verified", verified_at=now, verified_by_id=actor_id, created_at=now)
        session.add(membership)
    membership.is_lead = True
    session.flush()
    members.forget_memberships(session)
    moderate_unit_chats(session, org_id, user_id, now=now)
    history.note(session, org_id=org_id, user_id=user_id, kind="lead_assigned", now=now, actor_id=actor_id,
                 unit=unit.name)


def attach_teacher(session: Session, org_id: int, unit_id: int, teacher_id: int, *, actor_id: int,
                   now: datetime) -> User:
    """A subject teacher of the unit: its teachers' chat opens to them, and
    they may invite its pupils and parents."""
    unit = target_unit(session, org_id, unit_id)
    teacher = verified_teacher(session, org_id, teacher_id)
    if _teacher_membership_in(session, org_id, teacher_id, unit.id) is not None:
        raise AlreadyHeld()
    session.add(Membership(org_id=org_id, user_id=teacher_id, unit_id=unit.id, role="teacher",
                           verification="verified", verified_at=now, verified_by_id=actor_id, created_at=now))
    session.flush()
    history.note(session, org_id=org_id, user_id=teacher_id, kind="teacher_attached", now=now, actor_id=actor_id,
                 unit=unit.name)
    audit.record(session, "staff.teacher_attached", now=now, org_id=org_id, actor_id=actor_id, target=unit,
                 teacher_id=teacher_id)
    return teacher


@dataclass
class Detachment:
    teacher: User
    unmoderated: list[Chat]  # the chats they moderated that have no moderator now: the administrators'


def detach_teacher(session: Session, org_id: int, unit_id: int, teacher_id: int, *, actor_id: int,
                   now: datetime) -> Detachment:
    """The teacher no longer teaches the unit: out of its chats (the lead
    teacher only once another is named); a subject chat they made is then
    the administrators' to moderate."""
    unit = target_unit(session, org_id, unit_id)
    membership = _teacher_membership_in(session, org_id, teacher_id, unit.id)
    if membership is None:
        raise NotFound()
    if membership.is_lead:
        raise LeadFirst()
    moderated = moderators.moderated_by(session, teacher_id, org_id)
    membership.left_at = now
    session.flush()
    members.forget_memberships(session)
    chats.leave_ineligible_chats(session, user_id=teacher_id, org_id=org_id, now=now, reason="teacher_detached")
    history.note(session, org_id=org_id, user_id=teacher_id, kind="teacher_detached", now=now, actor_id=actor_id,
                 unit=unit.name)
    audit.record(session, "staff.teacher_detached", now=now, org_id=org_id, actor_id=actor_id, target=unit,
                 teacher_id=teacher_id)
    return Detachment(teacher=membership.user, unmoderated=moderators.without_moderator(session, moderated))


def set_position(session: Session, org_id: int, user_id: int, position: str | None, *, actor_id: int,
                 now: datetime) -> User:
    """Mark the director or a deputy (verified teachers only), or clear the
    mark. One director at a time: naming a new one clears the old one's."""
    if position not in (*POSITIONS, None):
        raise ValueError(position)
    user = verified_teacher(session, org_id, user_id)
    room = staff_room(session, org_id)
    staff = _teacher_membership_in(session, org_id, user_id, room.id)
    if staff is None:
        raise NotVerified()
    if staff.position == position:
        raise AlreadyHeld()
    if position == "director":
        for other in session.scalars(select(Membership).where(
                Membership.unit_id == room.id, Membership.position == "director", Membership.left_at.is_(None),
                Membership.user_id != user_id)):
            other.position = None
            history.note(session, org_id=org_id, user_id=other.user_id, kind="position_removed", now=now,
                         actor_id=actor_id, position="director")
    previous, staff.position = staff.position, position
    session.flush()
    if position is None:
        history.note(session, org_id=org_id, user_id=user_id, kind="position_removed", now=now, actor_id=actor_id,
                     position=previous)
    else:
        history.note(session, org_id=org_id, user_id=user_id, kind="position_set", now=now, actor_id=actor_id,
                     position=position)
    audit.record(session, "staff.position_set", now=now, org_id=org_id, actor_id=actor_id, target=user,
                 position=position, previous=previous)
    return user
