"""What the moderation pages show: a chat's moderators, blocks in force,
violations and removals; a member's own violations; the chat page's notes."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from ..chats import operations as chats
from ..models import Chat, ChatBlock, ChatRemoval, ChatViolation, Organisation, UnblockObjection, User
from . import rules
from .moderators import Moderators, moderators_for
from .operations import OBJECTION_WINDOW, block_in_force, may_moderate, objection_open, violations_since_last_block


@dataclass
class Entry:
    """One line of a log: who, which point, when, by whom, and the note."""

    member: User
    rule: str
    at: datetime
    moderator: User | None
    note: str | None = None
    chat: Chat | None = None
    record: object = None
    tz: str | None = None  # the organisation's zone, where the page shows several


@dataclass
class ChatModeration:
    chat: Chat
    moderators: Moderators | None = None  # its own, or the administrators standing in
    blocks: list[Entry] = field(default_factory=list)  # in force
    violations: list[Entry] = field(default_factory=list)  # newest first
    removals: list[Entry] = field(default_factory=list)  # in force


def _entries(session: Session, model, where) -> list[Entry]:
    member, moderator = aliased(User), aliased(User)
    rows = session.execute(select(model, member, moderator).join(member, member.id == model.user_id)
                           .outerjoin(moderator, moderator.id == model.moderator_id)
                           .where(*where).order_by(model.created_at.desc(), model.id.desc())).all()
    return [Entry(member=m, rule=rules.title(r.rule, r.rules_version), at=r.created_at, moderator=mod,
                  note=getattr(r, "note", None), record=r) for r, m, mod in rows]


def _by_chat(entries: list[Entry]) -> dict[int, list[Entry]]:
    grouped: dict[int, list[Entry]] = defaultdict(list)
    for entry in entries:
        grouped[entry.record.chat_id].append(entry)
    return grouped


def _moderation_of(session: Session, chats_shown: list[Chat], *, now: datetime) -> list[ChatModeration]:
    """Each chat's moderators, blocks in force, violations and removals in
    force: a fixed number of queries however many chats."""
    ids = [chat.id for chat in chats_shown]
    moderators = moderators_for(session, chats_shown)
    blocks = _by_chat(_entries(session, ChatBlock, [ChatBlock.chat_id.in_(ids), ChatBlock.ended_at.is_(None),
                                                    ChatBlock.until > now]))
    violations = _by_chat(_entries(session, ChatViolation, [ChatViolation.chat_id.in_(ids)]))
    removals = _by_chat(_entries(session, ChatRemoval, [ChatRemoval.chat_id.in_(ids),
                                                        ChatRemoval.lifted_at.is_(None)]))
    return [ChatModeration(chat=chat, moderators=moderators[chat.id], blocks=blocks[chat.id],
                           violations=violations[chat.id], removals=removals[chat.id]) for chat in chats_shown]


def chat_moderation(session: Session, chat: Chat, *, now: datetime) -> ChatModeration:
    return _moderation_of(session, [chat], now=now)[0]


def org_moderation(session: Session, org_id: int, *, now: datetime) -> list[ChatModeration]:
    """The administrator's view: every chat of the organisation."""
    return _moderation_of(session, list(session.scalars(
        select(Chat).where(Chat.org_id == org_id, Chat.archived_at.is_(None))
        .order_by(Chat.unit_id.is_(None), Chat.unit_id, Chat.id))), now=now)


def member_choices(session: Session, chat: Chat, moderator_id: int) -> list[tuple[str, str]]:
    """The chat's present members a moderator may act on (not the moderators),
    with how many violations each has since their last block."""
    result = []
    for user, _role, chat_role, _status in chats.chat_members(session, chat.id)[:500]:
        if chat_role == "moderator" or user.id == moderator_id:
            continue
        count = violations_since_last_block(session, chat.id, user.id)
        result.append((str(user.id), f"{user.short_name} ({count})" if count else user.short_name))
    return result


def _with_chats(session: Session, entries: list[Entry]) -> list[Entry]:
    for entry in entries:
        entry.chat = session.get(Chat, entry.record.chat_id)
        entry.tz = session.get(Organisation, entry.chat.org_id).timezone
    return entries


def my_violations(session: Session, user_id: int) -> list[Entry]:
    """A member's own violations, and nobody else's."""
    return _with_chats(session, _entries(session, ChatViolation, [ChatViolation.user_id == user_id]))


def my_blocks(session: Session, user_id: int) -> list[Entry]:
    return _with_chats(session, _entries(session, ChatBlock, [ChatBlock.user_id == user_id]))


@dataclass
class RoomNotes:
    """The chat page's part of moderation."""

    moderate: bool
    blocked_until: datetime | None
    proposals: list[tuple[ChatBlock, User, bool]]  # open to objection: block, member, objected by me
    window: timedelta = OBJECTION_WINDOW


def room_notes(session: Session, chat: Chat, user_id: int, *, now: datetime) -> RoomNotes:
    mine = block_in_force(session, chat.id, user_id)
    proposals = []
    for block in session.scalars(select(ChatBlock).where(ChatBlock.chat_id == chat.id, ChatBlock.ended_at.is_(None),
                                                          ChatBlock.unblock_proposed_at.is_not(None))):
        if objection_open(block, now) and block.user_id != user_id:
            objected = session.scalar(select(UnblockObjection.id).where(
                UnblockObjection.block_id == block.id, UnblockObjection.user_id == user_id)) is not None
            proposals.append((block, session.get(User, block.user_id), objected))
    return RoomNotes(moderate=may_moderate(session, chat, user_id),
                     blocked_until=mine.until if mine is not None and mine.until > now else None,
                     proposals=proposals)
