"""Removing a member from a chat by the rules (seed 000, 2.8–2.9), and
letting them back. A removed member cannot join again by themselves
(`chats.operations.join_chat` refuses, `RemovedFromChat`)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import texts
from ..chats import operations as chats
from ..core import audit
from ..core.errors import NotFound
from ..models import Chat, ChatMember, ChatRemoval
from . import rules
from .operations import NOTE_LENGTH, check_moderator, check_rule, present_row, tell_member


def remove_member(session: Session, chat: Chat, *, member_id: int, rule: str, note: str | None,
                  moderator_id: int, now: datetime) -> ChatRemoval:
    check_moderator(session, chat, moderator_id)
    check_rule(rule, removal=True)
    row = present_row(session, chat, member_id)
    note = (note or "").strip()[:NOTE_LENGTH] or None
    row.left_at = now  # the engine kicks them from the room
    removal = ChatRemoval(org_id=chat.org_id, chat_id=chat.id, user_id=member_id, moderator_id=moderator_id,
                          rule=rule, rules_version=texts.CHAT_RULES_VERSION, note=note, created_at=now)
    session.add(removal)
    session.flush()
    audit.record(session, "moderation.removed", now=now, org_id=chat.org_id, actor_id=moderator_id, target=chat,
                 user_id=member_id, rule=rule, rules_version=texts.CHAT_RULES_VERSION)
    lines = [f"Модератор удалил вас из чата «{chat.title}». "
             f"Причина: {rules.title(rule, texts.CHAT_RULES_VERSION)}."]
    if note:
        lines.append(f"Пояснение модератора: {note}")
    lines.append("Вернуться в этот чат можно только с согласия модератора.")
    tell_member(session, chat, member_id, "Удаление из чата", lines, now=now)
    return removal


def removals_in_force(session: Session, chat_id: int) -> list[ChatRemoval]:
    return list(session.scalars(select(ChatRemoval).where(
        ChatRemoval.chat_id == chat_id, ChatRemoval.lifted_at.is_(None)).order_by(ChatRemoval.created_at)))


def readmit_member(session: Session, chat: Chat, *, removal_id: int, moderator_id: int, now: datetime) -> None:
    """«Вернуть в чат»: the removal is lifted and the member is in the chat
    again, if their roles still open it."""
    check_moderator(session, chat, moderator_id)
    removal = session.get(ChatRemoval, removal_id)
    if removal is None or removal.chat_id != chat.id or removal.lifted_at is not None:
        raise NotFound()
    removal.lifted_at, removal.lifted_by_id = now, moderator_id
    session.flush()
    audit.record(session, "moderation.readmitted", now=now, org_id=chat.org_id, actor_id=moderator_id,
                 target=chat, user_id=removal.user_id)
    if chat.id in {c.id for c in chats.eligible_chats(session, removal.user_id, chat.org_id)}:
        row = session.scalars(select(ChatMember).where(ChatMember.chat_id == chat.id,
                                                       ChatMember.user_id == removal.user_id)).one()
        row.left_at, row.joined_at = None, now
        session.flush()
        tell_member(session, chat, removal.user_id, "Возвращение в чат",
                    [f"Модератор вернул вас в чат «{chat.title}»."], now=now)
