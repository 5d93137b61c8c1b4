"""Moderation of a chat by its rules: violations recorded, blocks, the
proposals to unblock early and the objections to them, removals.

Every record names the point of the chat rules broken and the version of
the rules the point comes from (moderation/rules.py)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, utcnow


class RuledRecord:
    """What every moderation record holds: whose, in which chat, by which
    moderator, and the point of the rules (with the rules' version)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"))
    chat_id: Mapped[int] = mapped_column(ForeignKey("chat.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    moderator_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    rule: Mapped[str] = mapped_column(String(10))
    rules_version: Mapped[str] = mapped_column(String(20))


class ChatViolation(RuledRecord, Base):
    __tablename__ = "chat_violation"
    __table_args__ = (Index("ix_chat_violation_chat_user", "chat_id", "user_id"),)

    note: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ChatBlock(RuledRecord, Base):
    """A block: until the end of the day the moderator chose (at most a
    month); ended when it runs out, or early after an apology nobody
    objected to within a day."""

    __tablename__ = "chat_block"
    __table_args__ = (
        CheckConstraint("end_reason IS NULL OR end_reason IN ('expired', 'apology')", name="end_reason"),
        Index("ix_chat_block_chat_user", "chat_id", "user_id"),
    )

    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    until: Mapped[datetime]
    # Early unblocking after an apology: proposed by a moderator, decided a day later.
    unblock_proposed_at: Mapped[datetime | None]
    unblock_proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    ended_at: Mapped[datetime | None]
    end_reason: Mapped[str | None] = mapped_column(String(10))


class UnblockObjection(Base):
    """A member of the chat objects to unblocking early (one each)."""

    __tablename__ = "unblock_objection"
    __table_args__ = (UniqueConstraint("block_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    block_id: Mapped[int] = mapped_column(ForeignKey("chat_block.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ChatRemoval(RuledRecord, Base):
    """A member removed from a chat by its moderator, naming the rule; they
    cannot join back by themselves until a moderator lets them back."""

    __tablename__ = "chat_removal"
    __table_args__ = (Index("ix_chat_removal_chat_user", "chat_id", "user_id"),)

    note: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    lifted_at: Mapped[datetime | None]
    lifted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
