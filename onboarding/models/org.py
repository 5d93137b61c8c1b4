"""Organisations and their units (classes, groups, the staff room)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, utcnow

ORG_KINDS = ("school", "kindergarten", "college")
UNIT_KINDS = ("class", "group", "staff_room")


class Organisation(Base):
    __tablename__ = "organisation"
    __table_args__ = (
        CheckConstraint("kind IN ('school', 'kindergarten', 'college')", name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200))
    short_name: Mapped[str | None] = mapped_column(String(100))
    city: Mapped[str | None] = mapped_column(String(100))
    timezone: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    units: Mapped[list[Unit]] = relationship(
        back_populates="organisation", order_by="Unit.sort_key", viewonly=True
    )

    @property
    def display_name(self) -> str:
        return self.short_name or self.name


class Unit(Base):
    """A class (школа), a group (детский сад, колледж) or the staff room."""

    __tablename__ = "unit"
    __table_args__ = (
        UniqueConstraint("org_id", "name"),
        CheckConstraint("kind IN ('class', 'group', 'staff_room')", name="kind"),
        CheckConstraint("grade IS NULL OR (grade >= 1 AND grade <= 11)", name="grade"),
        Index(
            "uq_unit_one_staff_room",
            "org_id",
            unique=True,
            sqlite_where=text("kind = 'staff_room'"),
            postgresql_where=text("kind = 'staff_room'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(60))
    grade: Mapped[int | None]
    # Grade first, then the letter or name; the staff room comes first of all.
    sort_key: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    archived_at: Mapped[datetime | None]

    organisation: Mapped[Organisation] = relationship(back_populates="units", viewonly=True)

    @property
    def is_staff_room(self) -> bool:
        return self.kind == "staff_room"

    @property
    def is_primary(self) -> bool:
        """Primary school (grades 1-4): pupils' accounts are confirmed by a parent."""
        return self.grade is not None and self.grade <= 4


def unit_sort_key(kind: str, name: str, grade: int | None) -> str:
    if kind == "staff_room":
        return "0"
    return f"1{grade or 0:02d}{name.casefold()}"
