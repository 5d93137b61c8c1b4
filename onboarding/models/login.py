"""Log-in records: a row per log-in on a device, so each can be ended alone,
and a row per password-reset mail, so an address gets only a few an hour."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, utcnow


class LoginSession(Base):
    """A log-in on one device. Its id and a random token travel in the
    session cookie and the remember-me cookie; the row keeps only the token's
    SHA-256. Logging out ends the row, and with it both cookies of that
    device; the user's other devices keep their own rows."""

    __tablename__ = "login_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]


class PasswordResetRequest(Base):
    """A password-reset mail sent to an account: counted to limit how many
    one address receives, whoever asks and from wherever."""

    __tablename__ = "password_reset_request"
    __table_args__ = (Index("ix_password_reset_request_user_created", "user_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
