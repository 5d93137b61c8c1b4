"""Moderation by the chat rules (seed 000, part 2): who moderates, the
violations recorded, blocks after more than three of them for at most a
month, unblocking when the block runs out or early after an apology nobody
objected to within a day.

Every decision names a point of the rules (rules.py) and is audited; the
member is told by e-mail. The homeserver follows the site's rows (a
blocked member is muted there, see matrix.sync)."""
from __future__ import annotations

import calendar
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_date
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .. import texts
from ..chats import operations as chats
from ..core import audit
from ..core.errors import DomainError, NotFound, PermissionDenied
from ..mail import outbox
from ..matrix import tasks
from ..models import Chat, ChatBlock, ChatMember, ChatViolation, Organisation, UnblockObjection, User
from ..people import members
from . import rules

# Seed 000, 2.6: blocked only after more than three violations, for up to a month.
VIOLATIONS_BEFORE_BLOCK = 3
# Seed 000, 2.7: members may object to unblocking early for a day.
OBJECTION_WINDOW = timedelta(days=1)
NOTE_LENGTH = 500


class NotModerator(PermissionDenied):
    pass


class UnknownRule(DomainError):
    pass


class TooFewViolations(DomainError):
    def __init__(self, count: int):
        super().__init__(str(count))
        self.count = count


class BlockDateInPast(DomainError):
    pass


class BlockTooLong(DomainError):
    def __init__(self, latest: date):
        super().__init__(latest.isoformat())
        self.latest = latest


class AlreadyBlocked(DomainError):
    pass


class ObjectionClosed(DomainError):
    """The day for objections is over, or no unblocking was proposed."""


class UnblockObjected(DomainError):
    pass


def may_moderate(session: Session, chat: Chat, user_id: int) -> bool:
    """Seed 000, 2.2: a chat's moderators are its present members with the
    moderator's role (the unit's homeroom teacher), and the organisation's
    administrators."""
    row = session.scalars(select(ChatMember).where(ChatMember.chat_id == chat.id,
                                                   ChatMember.user_id == user_id)).first()
    if row is not None and row.left_at is None and row.role == "moderator":
        return True
    return members.is_admin(members.memberships_of(session, user_id, chat.org_id))


def check_moderator(session: Session, chat: Chat, user_id: int) -> None:
    if not may_moderate(session, chat, user_id):
        raise NotModerator()


def check_rule(rule: str, *, removal: bool = False) -> str:
    allowed = rules.removal_points() if removal else rules.points()
    if rule not in {number for number, _title in allowed}:
        raise UnknownRule(rule)
    return rule


def present_row(session: Session, chat: Chat, user_id: int) -> ChatMember:
    """The member's row in the chat, if they are in it now."""
    row = session.scalars(select(ChatMember).where(ChatMember.chat_id == chat.id,
                                                   ChatMember.user_id == user_id)).first()
    if row is None or row.left_at is not None:
        raise NotFound()
    return row


def russian_date(value: datetime | date, timezone: str) -> str:
    """«1 декабря 2026», in the organisation's zone."""
    if isinstance(value, datetime):
        value = value.astimezone(ZoneInfo(timezone)).date()
    return format_date(value, "d MMMM y", locale="ru")


def tell_member(session: Session, chat: Chat, user_id: int, subject: str, lines: list[str], *,
                now: datetime) -> None:
    user = session.get(User, user_id)
    if user is None or not user.email:
        return
    org = session.get(Organisation, chat.org_id)
    body = "\n\n".join(["Здравствуйте!", *lines,
                        "Свои нарушения и их причины вы можете посмотреть на сайте в разделе «Мои нарушения».",
                        f"С уважением,\n{org.display_name}"]) + "\n"
    outbox.enqueue(session, to=user.email, subject=subject, body=body, now=now, org_id=chat.org_id)


# --- Violations ---------------------------------------------------------------------------


def record_violation(session: Session, chat: Chat, *, member_id: int, rule: str, note: str | None,
                     moderator_id: int, now: datetime) -> ChatViolation:
    check_moderator(session, chat, moderator_id)
    check_rule(rule)
    present_row(session, chat, member_id)
    note = (note or "").strip()[:NOTE_LENGTH] or None
    violation = ChatViolation(org_id=chat.org_id, chat_id=chat.id, user_id=member_id, moderator_id=moderator_id,
                              rule=rule, rules_version=texts.CHAT_RULES_VERSION, note=note, created_at=now)
    session.add(violation)
    session.flush()
    audit.record(session, "moderation.violation", now=now, org_id=chat.org_id, actor_id=moderator_id,
                 target=chat, user_id=member_id, rule=rule, rules_version=texts.CHAT_RULES_VERSION)
    lines = [f"Модератор чата «{chat.title}» отметил нарушение правил чата: "
             f"{rules.title(rule, texts.CHAT_RULES_VERSION)}."]
    if note:
        lines.append(f"Пояснение модератора: {note}")
    lines.append("Участника, нарушившего правила больше трёх раз, модератор может заблокировать "
                 "на срок до одного месяца.")
    tell_member(session, chat, member_id, "Нарушение правил чата", lines, now=now)
    return violation


def violations_since_last_block(session: Session, chat_id: int, user_id: int) -> int:
    """Violations recorded since the member's last block began (all, if never blocked)."""
    since = session.scalar(select(func.max(ChatBlock.created_at)).where(
        ChatBlock.chat_id == chat_id, ChatBlock.user_id == user_id))
    query = select(func.count()).select_from(ChatViolation).where(
        ChatViolation.chat_id == chat_id, ChatViolation.user_id == user_id)
    if since is not None:
        query = query.where(ChatViolation.created_at > since)
    return session.scalar(query) or 0


# --- Blocks ---------------------------------------------------------------------------------


def latest_block_day(today: date) -> date:
    """The same day a month on (the month's last day where it is shorter)."""
    year, month = (today.year + 1, 1) if today.month == 12 else (today.year, today.month + 1)
    return date(year, month, min(today.day, calendar.monthrange(year, month)[1]))


def block_end(day: date, timezone: str) -> datetime:
    """The last second of that day in the organisation's zone."""
    return datetime.combine(day, time(23, 59, 59), tzinfo=ZoneInfo(timezone))


def check_block_day(day: date, *, timezone: str, now: datetime) -> datetime:
    today = now.astimezone(ZoneInfo(timezone)).date()
    if day < today:
        raise BlockDateInPast()
    if day > latest_block_day(today):
        raise BlockTooLong(latest_block_day(today))
    return block_end(day, timezone)


def block_member(session: Session, chat: Chat, *, member_id: int, rule: str, until_day: date,
                 moderator_id: int, now: datetime) -> ChatBlock:
    check_moderator(session, chat, moderator_id)
    check_rule(rule)
    row = present_row(session, chat, member_id)
    if row.blocked_until is not None and row.blocked_until > now:
        raise AlreadyBlocked()
    count = violations_since_last_block(session, chat.id, member_id)
    if count <= VIOLATIONS_BEFORE_BLOCK:
        raise TooFewViolations(count)
    org = session.get(Organisation, chat.org_id)
    until = check_block_day(until_day, timezone=org.timezone, now=now)
    block = ChatBlock(org_id=chat.org_id, chat_id=chat.id, user_id=member_id, moderator_id=moderator_id, rule=rule,
                      rules_version=texts.CHAT_RULES_VERSION, created_at=now, until=until)
    session.add(block)
    row.blocked_until = until
    session.flush()
    audit.record(session, "moderation.blocked", now=now, org_id=chat.org_id, actor_id=moderator_id, target=chat,
                 user_id=member_id, rule=rule, until=until.isoformat(), violations=count)
    tell_member(session, chat, member_id, "Блокировка в чате", [
        f"Вы заблокированы в чате «{chat.title}» до {russian_date(until, org.timezone)} включительно: "
        "читать сообщения можно, писать нельзя.",
        f"Причина: {rules.title(rule, texts.CHAT_RULES_VERSION)}; нарушений правил: {count}.",
        "Если вы принесёте извинения участникам чата, модератор может снять блокировку раньше, "
        "если никто из участников не возразит."], now=now)
    return block


def block_in_force(session: Session, chat_id: int, user_id: int) -> ChatBlock | None:
    return session.scalars(select(ChatBlock).where(
        ChatBlock.chat_id == chat_id, ChatBlock.user_id == user_id, ChatBlock.ended_at.is_(None))
        .order_by(ChatBlock.id.desc())).first()


def _end_block(session: Session, block: ChatBlock, *, reason: str, now: datetime, actor_id: int | None) -> None:
    block.ended_at, block.end_reason = now, reason
    row = session.scalars(select(ChatMember).where(ChatMember.chat_id == block.chat_id,
                                                   ChatMember.user_id == block.user_id)).first()
    if row is not None and row.blocked_until is not None:
        row.blocked_until = None
    session.flush()
    # The member's task alone skips the power levels of a plain member: the room's sets them.
    tasks.enqueue(session, "room", org_id=block.org_id, chat_id=block.chat_id)
    audit.record(session, "moderation.unblocked", now=now, org_id=block.org_id, actor_id=actor_id,
                 target=session.get(Chat, block.chat_id), user_id=block.user_id, reason=reason)


def _objected(session: Session, block_id: int) -> bool:
    return session.scalar(select(func.count()).select_from(UnblockObjection)
                          .where(UnblockObjection.block_id == block_id)) > 0


def end_due_blocks(session: Session, now: datetime) -> int:
    """Blocks that ran out, and early unblockings a day old that nobody
    objected to: the member may write again. Synapse has no timer, so the
    sync worker's loop calls this every round."""
    due = list(session.scalars(select(ChatBlock).where(ChatBlock.ended_at.is_(None)).where(
        (ChatBlock.until <= now) | (ChatBlock.unblock_proposed_at <= now - OBJECTION_WINDOW))))
    ended = 0
    for block in due:
        if block.until <= now:
            _end_block(session, block, reason="expired", now=now, actor_id=None)
        elif not _objected(session, block.id):
            _end_block(session, block, reason="apology", now=now, actor_id=block.unblock_proposed_by_id)
        else:
            continue
        ended += 1
    return ended


def propose_unblock(session: Session, chat: Chat, *, block_id: int, moderator_id: int, now: datetime) -> ChatBlock:
    """Seed 000, 2.7: the member apologised; members may object for a day."""
    check_moderator(session, chat, moderator_id)
    block = session.get(ChatBlock, block_id)
    if block is None or block.chat_id != chat.id or block.ended_at is not None:
        raise NotFound()
    if block.unblock_proposed_at is None:
        block.unblock_proposed_at, block.unblock_proposed_by_id = now, moderator_id
        session.flush()
        audit.record(session, "moderation.unblock_proposed", now=now, org_id=chat.org_id, actor_id=moderator_id,
                     target=chat, user_id=block.user_id)
    return block


def objection_open(block: ChatBlock, now: datetime) -> bool:
    return (block.ended_at is None and block.unblock_proposed_at is not None
            and now < block.unblock_proposed_at + OBJECTION_WINDOW)


def object_to_unblock(session: Session, chat: Chat, *, block_id: int, user_id: int, now: datetime) -> None:
    """Any present member of the chat, other than the blocked one, within the day."""
    if not chats.may_read(session, chat, user_id):
        raise PermissionDenied()
    block = session.get(ChatBlock, block_id)
    if block is None or block.chat_id != chat.id or block.user_id == user_id:
        raise NotFound()
    if not objection_open(block, now):
        raise ObjectionClosed()
    if session.scalars(select(UnblockObjection).where(UnblockObjection.block_id == block.id,
                                                      UnblockObjection.user_id == user_id)).first() is None:
        session.add(UnblockObjection(block_id=block.id, user_id=user_id, created_at=now))
        session.flush()
        audit.record(session, "moderation.unblock_objected", now=now, org_id=chat.org_id, actor_id=user_id,
                     target=chat, user_id=block.user_id)


def confirm_unblock(session: Session, chat: Chat, *, block_id: int, moderator_id: int, now: datetime) -> None:
    """The moderator unblocks once the day has passed without objection."""
    check_moderator(session, chat, moderator_id)
    block = session.get(ChatBlock, block_id)
    if block is None or block.chat_id != chat.id or block.ended_at is not None:
        raise NotFound()
    if block.unblock_proposed_at is None or objection_open(block, now):
        raise ObjectionClosed()
    if _objected(session, block.id):
        raise UnblockObjected()
    _end_block(session, block, reason="apology", now=now, actor_id=moderator_id)
