"""What a moderator does in the room itself: removing a message, reminding
of the rules, announcing an early unblocking. The one place moderation
calls the homeserver directly (the rest is rows the engine follows).

A chat's moderator acts as themselves (power 50); an administrator who is
not in the room acts as the site's service account."""
from __future__ import annotations

import hashlib
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..core import audit
from ..matrix import messages
from ..matrix.client import MatrixClient, MatrixUnavailable
from ..models import Chat, ChatBlock, ChatMember, MatrixRoom, Organisation, User
from . import rules
from .operations import OBJECTION_WINDOW, check_moderator, russian_date


def acting_as(session: Session, chat: Chat, moderator_id: int) -> tuple[str, str | None]:
    """(room id, the Matrix id to act as: None for the site's own account)."""
    where = messages.where_member(session, chat.id, moderator_id)
    row = session.scalars(select(ChatMember).where(ChatMember.chat_id == chat.id,
                                                   ChatMember.user_id == moderator_id)).first()
    if where is not None and row is not None and row.role == "moderator":
        return where
    room = session.get(MatrixRoom, chat.id)
    if room is None:
        raise MatrixUnavailable("the chat's room is not made yet")
    return room.room_id, None


def _txn(*parts: object) -> str:
    return "mod-" + hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()[:24]


def redact_message(session: Session, client: MatrixClient, chat: Chat, *, event_id: str, moderator_id: int,
                   now: datetime) -> None:
    """Seed 000, 2.2: the moderator removes a message. Its text is not kept."""
    check_moderator(session, chat, moderator_id)
    room_id, as_user = acting_as(session, chat, moderator_id)
    client.redact(room_id, event_id, "Удалено модератором по правилам чата", as_user)
    audit.record(session, "moderation.message_removed", now=now, org_id=chat.org_id, actor_id=moderator_id,
                 target=chat, event_id=event_id)


def remind_rules(session: Session, client: MatrixClient, chat: Chat, *, moderator_id: int, txn: str,
                 now: datetime) -> None:
    """Seed 000, 2.5: the moderator reminds the chat of the rules."""
    check_moderator(session, chat, moderator_id)
    org = session.get(Organisation, chat.org_id)
    room_id, as_user = acting_as(session, chat, moderator_id)
    client.send_text(room_id, as_user, rules.reminder(org.kind, org.timezone, parents_chat=chat.kind == "parents"),
                     _txn("remind", chat.id, moderator_id, txn))
    audit.record(session, "moderation.reminded", now=now, org_id=chat.org_id, actor_id=moderator_id, target=chat)


def announce_unblock(session: Session, client: MatrixClient, chat: Chat, block: ChatBlock, *,
                     moderator_id: int) -> None:
    """The proposal to unblock early, posted in the chat for every member to see."""
    org = session.get(Organisation, chat.org_id)
    member = session.get(User, block.user_id)
    deadline = (block.unblock_proposed_at + OBJECTION_WINDOW).astimezone(ZoneInfo(org.timezone))
    text = (f"Участник чата {member.short_name} принёс извинения. Модератор предлагает снять блокировку "
            f"досрочно. Если вы против, нажмите «Возражаю» на странице чата на сайте до "
            f"{russian_date(deadline, org.timezone)}, {deadline:%H:%M}.")
    room_id, as_user = acting_as(session, chat, moderator_id)
    client.send_text(room_id, as_user, text, _txn("unblock", block.id))
