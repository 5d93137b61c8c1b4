"""Usage figures the site keeps for the statistics: how many messages each
chat had in a week, counted as the homeserver pushes them (never the text,
never who wrote)."""
from __future__ import annotations

from datetime import date

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base


class ChatWeekCount(Base):
    """Messages posted in a chat in the week that starts on `week_start`
    (a Monday, in the organisation's time zone)."""

    __tablename__ = "chat_week_count"

    chat_id: Mapped[int] = mapped_column(ForeignKey("chat.id", ondelete="CASCADE"), primary_key=True)
    week_start: Mapped[date] = mapped_column(primary_key=True)
    messages: Mapped[int] = mapped_column(default=0)
