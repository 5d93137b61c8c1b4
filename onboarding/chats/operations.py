"""Chats: every unit gets its standard chats when it is created; members join
and leave them by their own action."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..core import audit
from ..core.errors import DomainError, NotFound
from ..models import (Chat, ChatMember, ChatRemoval, InviteRedemption, Organisation, ParentLink, Unit, User,
                      invite_chat)
from ..orgs.policy import policy, standard_chat_kinds
from ..people import members
from . import audience

# Chat titles are stored in Russian, as members see them.
STANDARD_TITLES = {
    "staff": "Чат сотрудников",
    "class": "Чат {unit_genitive} {name}",
    "parents": "Родители {unit_genitive} {name}",
    "teachers": "{staff} {unit_genitive} {name}",
}
_GENITIVE = {"class": "класса", "group": "группы"}


def create_standard_chats(session: Session, org: Organisation, unit: Unit, *, now: datetime) -> list[Chat]:
    chats = []
    for kind in standard_chat_kinds(org.kind, unit.kind):
        title = STANDARD_TITLES[kind].format(
            unit_genitive=_GENITIVE.get(unit.kind, ""), name=unit.name, staff=policy(org.kind).staff_title
        )
        chat = Chat(org_id=org.id, unit_id=unit.id, kind=kind, title=title, created_at=now)
        session.add(chat)
        chats.append(chat)
    session.flush()
    return chats


# --- Who may join which chat, joining and leaving ---------------------------------
# Joining is voluntary: a chat is joined only by the member's own action, and
# left at any time. Members see each other by name and role only.


class NotAllowedInChat(DomainError):
    pass


class BlockedInChat(DomainError):
    pass


class RemovedFromChat(DomainError):
    """A moderator removed them by the rules: only a moderator lets them back."""


# Which members of a unit each standard chat is for.
CHAT_AUDIENCE = {
    "staff": ("admin", "teacher"),
    "class": ("student", "teacher"),
    "parents": ("parent", "teacher"),
    "teachers": ("teacher",),
}


def _invited_chat_ids(session: Session, user_id: int, org_id: int) -> set[int]:
    """Further chats (a subject chat, ...) that an invite the user redeemed offered."""
    return set(session.scalars(
        select(invite_chat.c.chat_id)
        .join(InviteRedemption, InviteRedemption.invite_id == invite_chat.c.invite_id)
        .where(InviteRedemption.user_id == user_id, InviteRedemption.org_id == org_id)
    ))


def _in_force(membership, confirmed_units: set[int], teacher_state: str | None) -> bool:
    """Whether a membership opens its unit's chats: a teacher's once verified
    (the staff room's already while pending; a rejected teacher's never), an
    administrator's when vouched for, a parent's with a confirmed child there."""
    if membership.role == "teacher":
        if membership.unit.kind == "staff_room":
            return teacher_state in ("pending", "verified")
        return teacher_state == "verified"
    if membership.role == "admin":
        return members.holds_admin_rights(membership)
    if membership.role == "parent":
        return membership.unit_id in confirmed_units
    return True


def eligible_chats(session: Session, user_id: int, org_id: int) -> list[Chat]:
    """The chats this member may join, and stay in: those their roles in force
    fit, and those their invites offered in a unit where a role of theirs is
    in force. A pending teacher sees nobody beyond the staff room."""
    held = members.memberships_of(session, user_id, org_id)
    confirmed_units: set[int] = set()
    if any(m.role == "parent" for m in held):
        confirmed_units = set(session.scalars(select(ParentLink.unit_id).where(
            ParentLink.parent_id == user_id, ParentLink.org_id == org_id, ParentLink.status == "confirmed")))
    teacher_state = members.teacher_verification(held)
    held = [m for m in held if _in_force(m, confirmed_units, teacher_state)]
    if not held:
        return []
    invited = _invited_chat_ids(session, user_id, org_id)
    chosen = audience.chosen_chat_ids(session, user_id, org_id)
    chats = session.scalars(
        select(Chat).where(Chat.org_id == org_id, Chat.archived_at.is_(None))
        .order_by(Chat.unit_id.is_(None), Chat.unit_id, Chat.id)
    )
    result = []
    for chat in chats:
        roles = {m.role for m in held if m.unit_id == chat.unit_id}
        if roles & set(CHAT_AUDIENCE.get(chat.kind, ())) or (roles and chat.id in invited) or audience.offers(
                chat, user_id=user_id, held=held, teacher_state=teacher_state, chosen=chosen):
            result.append(chat)
    return result


def leave_ineligible_chats(session: Session, *, user_id: int, org_id: int, now: datetime, reason: str) -> int:
    """Take the member out of every chat of the organisation their roles no
    longer open (a teacher rejected, a parent's child not confirmed, ...)."""
    allowed = {chat.id for chat in eligible_chats(session, user_id, org_id)}
    rows = [row for row in session.scalars(select(ChatMember).where(
        ChatMember.user_id == user_id, ChatMember.org_id == org_id, ChatMember.left_at.is_(None)))
        if row.chat_id not in allowed]
    for row in rows:
        row.left_at = now
        audit.record(session, "chat.removed", now=now, org_id=org_id, target=row.chat, user_id=user_id,
                     reason=reason)
    session.flush()
    return len(rows)


def _membership_row(session: Session, chat_id: int, user_id: int) -> ChatMember | None:
    return session.scalars(
        select(ChatMember).where(ChatMember.chat_id == chat_id, ChatMember.user_id == user_id)
    ).first()


def is_member(session: Session, chat_id: int, user_id: int) -> bool:
    row = _membership_row(session, chat_id, user_id)
    return row is not None and row.left_at is None


def joined_chats(session: Session, user_id: int, org_id: int | None = None) -> list[Chat]:
    query = (select(Chat).join(ChatMember, ChatMember.chat_id == Chat.id)
             .where(ChatMember.user_id == user_id, ChatMember.left_at.is_(None), Chat.archived_at.is_(None)))
    if org_id is not None:
        query = query.where(Chat.org_id == org_id)
    return list(session.scalars(query.order_by(Chat.org_id, Chat.unit_id.is_(None), Chat.unit_id, Chat.id)))


def join_chat(session: Session, chat_id: int, *, user_id: int, now: datetime) -> ChatMember:
    """Join by the member's own action; the caller has checked the chat rules."""
    chat = session.get(Chat, chat_id)
    if chat is None or chat.archived_at is not None:
        raise NotFound()
    if chat.id not in {c.id for c in eligible_chats(session, user_id, chat.org_id)}:
        raise NotAllowedInChat()
    row = _membership_row(session, chat.id, user_id)
    if row is not None and row.blocked_until is not None and row.blocked_until > now:
        raise BlockedInChat()
    if session.scalar(select(ChatRemoval.id).where(ChatRemoval.chat_id == chat.id, ChatRemoval.user_id == user_id,
                                                  ChatRemoval.lifted_at.is_(None))) is not None:
        raise RemovedFromChat()
    held = members.memberships_of(session, user_id, chat.org_id)
    leads = any(m.role == "teacher" and m.is_lead for m in held if m.unit_id == chat.unit_id)
    role = "moderator" if (leads and chat.kind in CHAT_AUDIENCE and chat.kind != "staff") or audience.moderates(
        chat, user_id=user_id, held=held) else "member"
    if row is None:
        row = ChatMember(org_id=chat.org_id, chat_id=chat.id, user_id=user_id, role=role, joined_at=now)
        session.add(row)
    elif row.left_at is not None:
        row.left_at, row.joined_at, row.role = None, now, role
    else:
        return row
    session.flush()
    audit.record(session, "chat.joined", now=now, org_id=chat.org_id, actor_id=user_id, target=chat)
    return row


def leave_chat(session: Session, chat_id: int, *, user_id: int, now: datetime) -> ChatMember:
    """Anyone may leave at any time (a moderator too: the administrators
    then moderate a chat left with none of its own)."""
    row = _membership_row(session, chat_id, user_id)
    if row is None or row.left_at is not None:
        raise NotFound()
    row.left_at = now
    session.flush()
    audit.record(session, "chat.left", now=now, org_id=row.org_id, actor_id=user_id, target=row.chat)
    return row


def leave_all_chats(session: Session, *, user_id: int, org_id: int, now: datetime) -> int:
    rows = list(session.scalars(select(ChatMember).where(
        ChatMember.user_id == user_id, ChatMember.org_id == org_id, ChatMember.left_at.is_(None))))
    for row in rows:
        row.left_at = now
    session.flush()
    return len(rows)


def chat_members(session: Session, chat_id: int) -> list[tuple[User, str, str, str | None]]:
    """(user, their role in the organisation, member or moderator, a
    teacher's status: verified, pending, rejected; None for others): names
    and roles only, for the page; e-mails and phones never leave this function."""
    chat = session.get(Chat, chat_id)
    rows = session.execute(
        select(User, ChatMember.role).join(ChatMember, ChatMember.user_id == User.id)
        .where(ChatMember.chat_id == chat_id, ChatMember.left_at.is_(None), User.status == "active")
        .order_by(User.last_name, User.first_name)
    ).all()
    members.preload_memberships(session, {user.id for user, _role in rows}, chat.org_id)
    result = []
    for user, chat_role in rows:
        held = members.memberships_of(session, user.id, chat.org_id)
        roles = [m.role for m in held if m.unit_id == chat.unit_id] or [m.role for m in held]
        role = next((r for r in ("admin", "teacher", "parent", "student") if r in roles), "parent")
        result.append((user, role, chat_role, members.teacher_verification(held) if role == "teacher" else None))
    return result


def may_read(session: Session, chat: Chat, user_id: int) -> bool:
    """A chat's messages are for its present members whose roles still open
    it: not for a pending or rejected member, nor one who has left."""
    return is_member(session, chat.id, user_id) and chat.id in {
        c.id for c in eligible_chats(session, user_id, chat.org_id)}


def may_post(session: Session, chat: Chat, user_id: int, *, now: datetime) -> bool:
    """A member blocked for now reads but does not write; in a channel only
    its posters (the administrators) write."""
    posters = audience.channel_posters(session, chat)
    if posters is not None and user_id not in posters:
        return False
    row = _membership_row(session, chat.id, user_id)
    return row is not None and row.left_at is None and not (row.blocked_until and row.blocked_until > now)


def join_lead_chats(session: Session, *, user_id: int, org_id: int, now: datetime) -> int:
    """The homeroom teacher (group teacher, curator) is in their unit's chats
    from the start, since the rules have a teacher moderate each chat: they
    join once verified and once the chat rules are accepted (the callers
    check that). A chat they left is not joined back."""
    lead_units = {m.unit_id for m in members.memberships_of(session, user_id, org_id)
                  if m.role == "teacher" and m.is_lead}
    joined = 0
    for chat in eligible_chats(session, user_id, org_id):
        if chat.unit_id in lead_units and _membership_row(session, chat.id, user_id) is None:
            join_chat(session, chat.id, user_id=user_id, now=now)
            joined += 1
    return joined
