"""Invites: creating them, reading a link, redeeming it atomically."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Sequence

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ..models import Invite, InviteRedemption, Membership, Organisation, User
from . import audit, tokens
from .errors import InviteExpired, InviteInvalid, InviteRevoked, InviteUsedUp, TokenInvalid
from .orgs import staff_room

SALT = "invite"
ADMIN_INVITE_LIFETIME = timedelta(days=14)
ROLE_OF_KIND = {
    "admin": "admin",
    "staff": "teacher",
    "student": "student",
    "pupil": "student",
    "parent": "parent",
    "guardian": "parent",
    "join": "student",
}


def invite_status(invite: Invite, now: datetime) -> str:
    """active, revoked, expired or used_up (in that order of precedence)."""
    if invite.revoked_at is not None:
        return "revoked"
    if invite.expires_at <= now:
        return "expired"
    if invite.uses >= invite.max_uses:
        return "used_up"
    return "active"


def create_admin_invite(
    session: Session, org: Organisation, *, name: str, email: str, now: datetime
) -> tuple[Invite, str]:
    """The platform operator's single-use link for the organisation's administrator."""
    nonce = tokens.new_nonce()
    invite = Invite(
        org_id=org.id,
        unit_id=staff_room(session, org.id).id,
        kind="admin",
        role="admin",
        nonce_hash=tokens.hash_nonce(nonce),
        created_at=now,
        expires_at=now + ADMIN_INVITE_LIFETIME,
        max_uses=1,
        invitee_name=name,
        invitee_email=email,
    )
    session.add(invite)
    session.flush()
    audit.record(session, "invite.created", now=now, org_id=org.id, target=invite, kind="admin", email=email)
    return invite, nonce


def invite_token(keys: Sequence[str], invite: Invite, nonce: str) -> str:
    return tokens.make_token(keys, SALT, invite.id, nonce)


def load_invite(session: Session, keys: Sequence[str], token: str) -> Invite:
    """The invite a link points at, whatever its status; InviteInvalid for a bad link."""
    try:
        invite_id, nonce = tokens.read_token(keys, SALT, token)
    except TokenInvalid:
        raise InviteInvalid() from None
    invite = session.get(Invite, invite_id)
    if invite is None or not tokens.nonce_matches(nonce, invite.nonce_hash):
        raise InviteInvalid()
    return invite


def check_usable(session: Session, invite: Invite, now: datetime) -> None:
    """Raise why the invite can't be used now (revoked, expired, used up)."""
    status = invite_status(invite, now)
    if status == "revoked":
        raise InviteRevoked()
    if status == "expired":
        raise InviteExpired()
    if status == "used_up":
        raise InviteUsedUp()


def claim_use(session: Session, invite: Invite, *, now: datetime) -> None:
    """Take one use of the invite, atomically, or raise why it can't be used.

    A conditional UPDATE: concurrent redemptions can't exceed max_uses
    (and the CHECK constraint uses <= max_uses backs it up).
    """
    result = session.execute(
        update(Invite)
        .where(
            Invite.id == invite.id,
            Invite.org_id == invite.org_id,
            Invite.revoked_at.is_(None),
            Invite.expires_at > now,
            Invite.uses < Invite.max_uses,
        )
        .values(uses=Invite.uses + 1)
        .execution_options(synchronize_session=False)
    )
    session.refresh(invite)
    if result.rowcount != 1:
        check_usable(session, invite, now)
        raise InviteUsedUp()


def redeem_admin_invite(session: Session, invite: Invite, user: User, *, now: datetime) -> Membership:
    claim_use(session, invite, now=now)
    membership = Membership(
        org_id=invite.org_id,
        user_id=user.id,
        unit_id=invite.unit_id,
        role="admin",
        invite_id=invite.id,
        created_at=now,
    )
    session.add(membership)
    session.add(InviteRedemption(org_id=invite.org_id, invite_id=invite.id, user_id=user.id, redeemed_at=now))
    session.flush()
    audit.record(session, "invite.redeemed", now=now, org_id=invite.org_id, actor_id=user.id, target=invite)
    return membership


def memberships_of(session: Session, user_id: int, org_id: int | None = None) -> list[Membership]:
    query = select(Membership).where(Membership.user_id == user_id, Membership.left_at.is_(None))
    if org_id is not None:
        query = query.where(Membership.org_id == org_id)
    return list(session.scalars(query.order_by(Membership.id)))
