"""Invites: signed links into a unit with a role, and who redeemed them."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Column, ForeignKey, Index, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, utcnow

# admin: the operator's single-use link for an organisation's first
# administrator; staff, student, parent: multi-use links into a unit; pupil,
# guardian: single-use personal links for one pupil or one pupil's parent;
# join: the organisation's link to a join request.
INVITE_KINDS = ("admin", "staff", "student", "parent", "pupil", "guardian", "join")

invite_chat = Table(
    "invite_chat",
    Base.metadata,
    Column("invite_id", ForeignKey("invite.id", ondelete="CASCADE"), primary_key=True),
    Column("chat_id", ForeignKey("chat.id", ondelete="CASCADE"), primary_key=True),
)


class Invite(Base):
    __tablename__ = "invite"
    __table_args__ = (
        CheckConstraint("uses >= 0 AND uses <= max_uses", name="uses"),
        CheckConstraint("max_uses >= 1", name="max_uses"),
        CheckConstraint(
            "kind IN ('admin', 'staff', 'student', 'parent', 'pupil', 'guardian', 'join')",
            name="kind",
        ),
        Index("ix_invite_org_unit", "org_id", "unit_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    role: Mapped[str] = mapped_column(String(20))
    # SHA-256 of the link's random nonce; the link itself is never stored.
    nonce_hash: Mapped[str] = mapped_column(String(64))
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    max_uses: Mapped[int] = mapped_column(default=1)
    uses: Mapped[int] = mapped_column(default=0)
    revoked_at: Mapped[datetime | None]
    revoked_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    # Personal invites: the pupil's name as the teacher typed it, or the
    # child a guardian's link pairs with.
    pupil_name: Mapped[str | None] = mapped_column(String(200))
    child_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    # Staff invites: also make the newcomer an administrator, or the
    # homeroom teacher of this unit.
    grants_admin: Mapped[bool] = mapped_column(default=False)
    lead_unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id", ondelete="SET NULL"))
    # The operator's admin invite names the administrator.
    invitee_name: Mapped[str | None] = mapped_column(String(300))
    invitee_email: Mapped[str | None] = mapped_column(String(254))

    unit: Mapped["Unit"] = relationship(foreign_keys=[unit_id])  # noqa: F821
    organisation: Mapped["Organisation"] = relationship()  # noqa: F821
    created_by: Mapped["User | None"] = relationship(foreign_keys=[created_by_id])  # noqa: F821
    chats: Mapped[list["Chat"]] = relationship(secondary=invite_chat)  # noqa: F821


class InviteRedemption(Base):
    __tablename__ = "invite_redemption"
    __table_args__ = (Index("ix_invite_redemption_invite", "invite_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"))
    invite_id: Mapped[int] = mapped_column(ForeignKey("invite.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    redeemed_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped["User"] = relationship()  # noqa: F821
