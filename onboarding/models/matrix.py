"""What the Matrix homeserver holds for the site: a room per chat, an account
per member, and the changes still on their way there.

The site decides who belongs to which chat (chat_member); these tables only
record how far Synapse has followed.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, utcnow

# room: create the chat's room, or bring its name and power levels up to date;
# member: bring one person's membership of one room up to the site's;
# account: the person's display name, or lock the account (left the platform).
TASK_KINDS = ("room", "member", "account")


class MatrixRoom(Base):
    __tablename__ = "matrix_room"

    chat_id: Mapped[int] = mapped_column(ForeignKey("chat.id", ondelete="CASCADE"), primary_key=True)
    room_id: Mapped[str] = mapped_column(String(255), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class MatrixAccount(Base):
    __tablename__ = "matrix_account"

    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True)
    mxid: Mapped[str] = mapped_column(String(255), unique=True)
    display_name: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class MatrixTask(Base):
    """A change Synapse has yet to follow, applied by the worker with retries.

    A task names what to look at, not what to do: the worker reads the
    site's present state when it runs, so tasks may repeat or come out of
    order without harm.
    """
    __tablename__ = "matrix_task"
    __table_args__ = (Index("ix_matrix_task_due", "done_at", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    chat_id: Mapped[int | None] = mapped_column(ForeignKey("chat.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    attempts: Mapped[int] = mapped_column(default=0)
    done_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(String(500))


class MatrixEvent(Base):
    """Events the homeserver pushed and the site has handled, by event id
    (Synapse's transaction ids start again after a restart), and each push
    whose messages were counted, as "txn:" and a digest of their ids."""
    __tablename__ = "matrix_event"

    event_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    received_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
