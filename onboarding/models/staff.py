"""A person's dated history in an organisation: transfers, leaving, duties."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, utcnow


class PersonEvent(Base):
    """One line of a person's history («переведён из 2Б в 3А 01.09.2026»).

    Kept apart from the audit log: the audit log's entries point at many
    kinds of rows (memberships, links, chats) with the person, if at all,
    inside JSON details, so «the history of person X» would be a scan; here
    it is one indexed query. Details hold unit names as they were then (a
    class renamed later does not rewrite the past), never personal data."""

    __tablename__ = "person_event"
    __table_args__ = (Index("ix_person_event_person", "org_id", "user_id", "occurred_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    # transferred, left, lead_assigned, lead_removed, teacher_attached,
    # teacher_detached, admin_granted, admin_revoked, position_set, position_removed
    kind: Mapped[str] = mapped_column(String(30))
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow)
