"""Chats of a unit or of the organisation, and their members."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Column, ForeignKey, Index, String, Table, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, utcnow

# class: the unit's pupils and teachers; parents: the unit's parents and
# teachers; teachers: the teachers of the unit; staff: the staff room;
# subject, director, channel: created later by verified teachers.
CHAT_KINDS = ("class", "parents", "teachers", "staff", "subject", "director", "channel")


class Chat(Base):
    __tablename__ = "chat"
    __table_args__ = (
        CheckConstraint(
            "kind IN ('class', 'parents', 'teachers', 'staff', 'subject', 'director', 'channel')",
            name="kind",
        ),
        Index("ix_chat_org_unit", "org_id", "unit_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(120))
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    archived_at: Mapped[datetime | None]
    # Whom a created chat is for (chats.audience): a subject chat "student",
    # "student,parent" or "parent"; a director's chat "deputies", "teachers",
    # "parents_committee" or "students_committee"; a channel "all" or "staff".
    audience: Mapped[str | None] = mapped_column(String(30))

    unit: Mapped["Unit | None"] = relationship()  # noqa: F821


# The people a director's chat is offered to, chosen by name (explicit audience).
chat_audience = Table(
    "chat_audience",
    Base.metadata,
    Column("chat_id", ForeignKey("chat.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True),
)


class ChatMember(Base):
    __tablename__ = "chat_member"
    __table_args__ = (
        UniqueConstraint("chat_id", "user_id"),
        CheckConstraint("role IN ('member', 'moderator')", name="role"),
        Index("ix_chat_member_user", "user_id", "org_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"))
    chat_id: Mapped[int] = mapped_column(ForeignKey("chat.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(20), default="member")
    joined_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Leaving keeps the row (the history); joining again clears it.
    left_at: Mapped[datetime | None]
    blocked_until: Mapped[datetime | None]
    # What the homeserver was last brought to: "joined", "left" (by the site or
    # by the member in a Matrix app), or None (not yet).
    matrix_state: Mapped[str | None] = mapped_column(String(10))

    chat: Mapped[Chat] = relationship()
