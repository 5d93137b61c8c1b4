"""People: accounts, memberships in organisations, parent-child links."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, utcnow

ROLES = ("admin", "teacher", "student", "parent")
VERIFICATION_STATES = ("pending", "verified", "rejected")


class User(Base):
    """An account. One person has one account across organisations."""

    __tablename__ = "user_account"
    __table_args__ = (
        CheckConstraint("email IS NOT NULL OR login IS NOT NULL", name="email_or_login"),
        CheckConstraint("status IN ('unconfirmed', 'active', 'disabled')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Normalised, lower-cased; NULL for a young pupil who logs in by name.
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    login: Mapped[str | None] = mapped_column(String(40), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    last_name: Mapped[str] = mapped_column(String(100))
    first_name: Mapped[str] = mapped_column(String(100))
    patronymic: Mapped[str | None] = mapped_column(String(100))
    phone: Mapped[str | None] = mapped_column(String(20))  # E.164
    birth_date: Mapped[date | None]
    # unconfirmed: registered, e-mail (or a parent) has not confirmed yet.
    status: Mapped[str] = mapped_column(String(20), default="unconfirmed")
    # Bumped on password change or disabling: ends every other session.
    session_version: Mapped[int] = mapped_column(default=1)
    locale: Mapped[str | None] = mapped_column(String(5))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    confirmed_at: Mapped[datetime | None]
    last_login_at: Mapped[datetime | None]
    # Set when the retention purge removed the person's data (30 days after
    # they left): the row stays, nameless, so records that point to it hold.
    anonymised_at: Mapped[datetime | None]

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="user", foreign_keys="Membership.user_id", viewonly=True
    )

    @property
    def full_name(self) -> str:
        parts = [self.last_name, self.first_name, self.patronymic or ""]
        return " ".join(part for part in parts if part)

    @property
    def short_name(self) -> str:
        """«Иванова А. П.»: how members see each other in lists."""
        initials = " ".join(f"{part[0]}." for part in (self.first_name, self.patronymic) if part)
        return f"{self.last_name} {initials}".strip()

    # What Flask-Login asks of a user object.
    is_authenticated = True
    is_anonymous = False

    @property
    def is_active(self) -> bool:
        return self.status == "active"

    # Set for the logged-in user of a request: the identity of their login
    # session (people/login_sessions.py). Not a column.
    login_identity = None

    def get_id(self) -> str:
        """What Flask-Login keeps in the session and the remember-me cookie:
        the login session of this device, never the bare account id."""
        if self.login_identity is None:
            raise RuntimeError("log the user in through a login session first")
        return self.login_identity


class Membership(Base):
    """A user's role in an organisation, placed in one unit.

    Administrators and teachers sit in the staff room; a teacher who leads a
    class has a second membership in it with `is_lead`. A student has exactly
    one current membership per organisation (the partial unique index).
    """

    __tablename__ = "membership"
    __table_args__ = (
        CheckConstraint("role IN ('admin', 'teacher', 'student', 'parent')", name="role"),
        CheckConstraint(
            "verification IS NULL OR verification IN ('pending', 'verified', 'rejected')",
            name="verification",
        ),
        CheckConstraint("position IS NULL OR position IN ('director', 'deputy')", name="position"),
        Index(
            "uq_membership_one_class_per_student",
            "org_id",
            "user_id",
            unique=True,
            sqlite_where=text("role = 'student' AND left_at IS NULL"),
            postgresql_where=text("role = 'student' AND left_at IS NULL"),
        ),
        Index(
            "uq_membership_current",
            "unit_id",
            "user_id",
            "role",
            unique=True,
            sqlite_where=text("left_at IS NULL"),
            postgresql_where=text("left_at IS NULL"),
        ),
        Index("ix_membership_org_role", "org_id", "role"),
        Index("ix_membership_user", "user_id", "org_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    # Homeroom teacher (классный руководитель / куратор / воспитатель) of the unit.
    is_lead: Mapped[bool] = mapped_column(default=False)
    position: Mapped[str | None] = mapped_column(String(20))
    # Teachers only: the administrator's check of the teacher status.
    verification: Mapped[str | None] = mapped_column(String(20))
    verified_at: Mapped[datetime | None]
    verified_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    rejection_reason: Mapped[str | None] = mapped_column(String(500))
    invite_id: Mapped[int | None] = mapped_column(ForeignKey("invite.id", ondelete="SET NULL"))
    # The staff room's teacher membership only: "director", "deputy" or None.
    position: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    left_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(back_populates="memberships", foreign_keys=[user_id])
    unit: Mapped["Unit"] = relationship()  # noqa: F821 (resolved by the registry)
    organisation: Mapped["Organisation"] = relationship()  # noqa: F821

    @property
    def is_current(self) -> bool:
        return self.left_at is None


class ParentLink(Base):
    """A parent (legal guardian) linked to a child in one organisation."""

    __tablename__ = "parent_link"
    __table_args__ = (
        UniqueConstraint("parent_id", "child_id"),
        CheckConstraint("status IN ('pending', 'confirmed', 'rejected')", name="status"),
        Index("ix_parent_link_org_status", "org_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id", ondelete="SET NULL"))
    parent_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    # NULL while the parent has only named the child and the teacher has not
    # yet matched the name to a pupil.
    child_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    child_name_given: Mapped[str | None] = mapped_column(String(200))
    # The name on the class list the teacher confirmed the parent against:
    # when that name gets an account, `child_id` follows it.
    roster_entry_id: Mapped[int | None] = mapped_column(
        ForeignKey("roster_entry.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[str] = mapped_column(String(20), default="pending")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
