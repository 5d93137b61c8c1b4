"""The class list (roster): a unit's pupils or children by name, as the
teacher typed them, before and after they have accounts."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, utcnow


class RosterEntry(Base):
    """One name on a unit's list. A parent is confirmed against it; once the
    child has an account (`pupil_id`), the parent's link follows that account."""

    __tablename__ = "roster_entry"
    __table_args__ = (
        Index("ix_roster_entry_unit_key", "unit_id", "name_key"),
        Index("ix_roster_entry_pupil", "pupil_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"))
    # As typed (spacing tidied); `name_key` is what names are matched by.
    full_name: Mapped[str] = mapped_column(String(200))
    name_key: Mapped[str] = mapped_column(String(200))
    pupil_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    left_at: Mapped[datetime | None]
