"""Who moderates a chat. A chat never stays without a moderator (seed 000,
2.2): its own are its present members with the moderator's role (the unit's
homeroom teacher, a chat's maker); while it has none — the homeroom teacher
removed without a successor, a subject teacher detached, an employee gone —
the organisation's administrators moderate it (`operations.may_moderate`
lets them; in the room they act as the site, `messages.acting_as`)."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Chat, ChatMember, User
from ..people import members


@dataclass
class Moderators:
    users: list[User]
    administrators: bool  # the administrators, standing in while the chat has no moderator of its own


def _own_moderators(session: Session, chat_ids: Iterable[int]) -> dict[int, list[User]]:
    """Each chat's present members with the moderator's role, by name, in one query."""
    found: dict[int, list[User]] = defaultdict(list)
    for chat_id, user in session.execute(
            select(ChatMember.chat_id, User).join(User, User.id == ChatMember.user_id)
            .where(ChatMember.chat_id.in_(set(chat_ids)), ChatMember.left_at.is_(None),
                   ChatMember.role == "moderator")
            .order_by(User.last_name, User.first_name, User.id)):
        found[chat_id].append(user)
    return found


def own_moderators(session: Session, chat_id: int) -> list[User]:
    """The chat's present members with the moderator's role, by name."""
    return _own_moderators(session, [chat_id])[chat_id]


def is_only_moderator(session: Session, chat_id: int, user_id: int) -> bool:
    """This member is the chat's one moderator of its own: once they leave,
    the administrators moderate it."""
    return [user.id for user in own_moderators(session, chat_id)] == [user_id]


def moderators_for(session: Session, chats: list[Chat]) -> dict[int, Moderators]:
    """Each chat's own moderators, or its organisation's administrators when
    it has none: a fixed number of queries however many chats."""
    own = _own_moderators(session, [chat.id for chat in chats])
    administrators: dict[int, list[User]] = {}
    found = {}
    for chat in chats:
        if own[chat.id]:
            found[chat.id] = Moderators(users=own[chat.id], administrators=False)
            continue
        if chat.org_id not in administrators:
            administrators[chat.org_id] = members.administrators(session, chat.org_id)
        found[chat.id] = Moderators(users=administrators[chat.org_id], administrators=True)
    return found


def moderators_of(session: Session, chat: Chat) -> Moderators:
    """The chat's own moderators, or the organisation's administrators when it has none."""
    return moderators_for(session, [chat])[chat.id]


def moderated_by(session: Session, user_id: int, org_id: int) -> set[int]:
    """The ids of the chats this member moderates now."""
    return set(session.scalars(select(ChatMember.chat_id).where(
        ChatMember.user_id == user_id, ChatMember.org_id == org_id, ChatMember.left_at.is_(None),
        ChatMember.role == "moderator")))


def without_moderator(session: Session, chat_ids: Iterable[int]) -> list[Chat]:
    """Those of these chats (not archived) that have no moderator of their
    own now: the administrators moderate them."""
    chat_ids = set(chat_ids)
    if not chat_ids:
        return []
    moderated = set(session.scalars(select(ChatMember.chat_id).where(
        ChatMember.chat_id.in_(chat_ids), ChatMember.left_at.is_(None), ChatMember.role == "moderator")))
    return list(session.scalars(select(Chat).where(
        Chat.id.in_(chat_ids - moderated), Chat.archived_at.is_(None)).order_by(Chat.id)))


def unit_chats_without_moderator(session: Session, unit_id: int) -> list[Chat]:
    """The unit's chats that have no moderator of their own now."""
    return without_moderator(session, session.scalars(select(Chat.id).where(Chat.unit_id == unit_id)))


def left_unmoderated(session: Session, rows: Iterable[ChatMember]) -> list[Chat]:
    """Of the chats these members have just left, those a moderator left
    with no moderator of its own remaining: the administrators moderate
    them now (and are told)."""
    return without_moderator(session, {row.chat_id for row in rows if row.role == "moderator"})
