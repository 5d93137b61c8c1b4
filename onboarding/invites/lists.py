"""Managing invites after they are made: which ones a user may see, who
joined by each, revoking them (one, or every unclaimed one of a unit) and
regenerating one (revoke and make the same again)."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Callable

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from ..core import audit
from ..core.errors import InviteRevoked, NotFound, PermissionDenied
from ..models import Invite, InviteRedemption, Organisation, Unit, User
from ..people.members import is_admin, memberships_of
from .operations import MAX_LIFETIME, create_invite
from .rights import CREATABLE_KINDS, TEACHER_KINDS, check_teacher_may_invite, may_manage


def visible_invites(session: Session, user: User, org: Organisation, unit: Unit | None = None) -> list[Invite]:
    """The invites `user` may see and manage, newest first; PermissionDenied
    for a teacher who may not invite (yet)."""
    query = (
        select(Invite)
        .where(Invite.org_id == org.id)
        .options(joinedload(Invite.created_by), joinedload(Invite.unit))
        .order_by(Invite.created_at.desc(), Invite.id.desc())
    )
    if unit is not None:
        query = query.where(Invite.unit_id == unit.id)
    memberships = memberships_of(session, user.id, org.id)
    if not is_admin(memberships):
        check_teacher_may_invite(memberships)  # lists name who joined: not for a pending or rejected teacher
        taught = {m.unit_id for m in memberships if m.role == "teacher"}
        query = query.where(Invite.kind.in_(sorted(TEACHER_KINDS)), Invite.unit_id.in_(sorted(taught)))
    return list(session.scalars(query.limit(500)))


def redemptions_of(session: Session, invite_ids: list[int]) -> dict[int, list[InviteRedemption]]:
    """Who redeemed each invite, and when (oldest first), with their accounts."""
    found: dict[int, list[InviteRedemption]] = {invite_id: [] for invite_id in invite_ids}
    if invite_ids:
        for redemption in session.scalars(
            select(InviteRedemption)
            .where(InviteRedemption.invite_id.in_(invite_ids))
            .options(joinedload(InviteRedemption.user))
            .order_by(InviteRedemption.redeemed_at, InviteRedemption.id)
        ):
            found[redemption.invite_id].append(redemption)
    return found


def latest_redemptions(session: Session, invite_ids: list[int], per_invite: int) -> dict[int, list[InviteRedemption]]:
    """The last few who redeemed each invite (newest first), in one query
    whatever the number of redemptions; `invite.uses` tells how many in all."""
    found: dict[int, list[InviteRedemption]] = {invite_id: [] for invite_id in invite_ids}
    if not invite_ids:
        return found
    ranked = (
        select(
            InviteRedemption.id,
            func.row_number()
            .over(partition_by=InviteRedemption.invite_id,
                  order_by=(InviteRedemption.redeemed_at.desc(), InviteRedemption.id.desc()))
            .label("position"),
        )
        .where(InviteRedemption.invite_id.in_(invite_ids))
        .subquery()
    )
    query = (
        select(InviteRedemption)
        .join(ranked, ranked.c.id == InviteRedemption.id)
        .where(ranked.c.position <= per_invite)
        .options(joinedload(InviteRedemption.user))
        .order_by(InviteRedemption.invite_id, ranked.c.position)
    )
    for redemption in session.scalars(query):
        found[redemption.invite_id].append(redemption)
    return found


# --- Revoking ---------------------------------------------------------------


def revoke_invite(session: Session, invite: Invite, *, actor: User, now: datetime) -> bool:
    """Revoke the invite (False if it already was); checks the actor's right."""
    may_manage(session, actor, invite)
    if invite.revoked_at is not None:
        return False
    invite.revoked_at = now
    invite.revoked_by_id = actor.id
    session.flush()
    audit.record(session, "invite.revoked", now=now, org_id=invite.org_id, actor_id=actor.id, target=invite,
                 kind=invite.kind, unit_id=invite.unit_id, uses=invite.uses)
    return True


def unclaimed_invites(session: Session, unit: Unit, now: datetime) -> list[Invite]:
    """The unit's invites that still work: not revoked, not expired, uses left."""
    return list(session.scalars(select(Invite).where(
        Invite.unit_id == unit.id, Invite.revoked_at.is_(None), Invite.expires_at > now,
        Invite.uses < Invite.max_uses,
    ).order_by(Invite.id)))


def revoke_unclaimed(session: Session, unit: Unit, *, actor: User, now: datetime) -> list[Invite]:
    """Revoke every working invite of the unit that the actor may manage."""
    revoked = []
    for invite in unclaimed_invites(session, unit, now):
        try:
            may_manage(session, actor, invite)
        except (PermissionDenied, NotFound):
            continue
        if revoke_invite(session, invite, actor=actor, now=now):
            revoked.append(invite)
    return revoked


def regenerate_invite(session: Session, invite: Invite, *, actor: User, now: datetime,
                      derive_nonce: Callable[[int], str] | None = None) -> tuple[Invite, str]:
    """Revoke the invite and create the same again (a fresh link; its nonce
    from `derive_nonce`, as `create_invite` takes it)."""
    may_manage(session, actor, invite)
    if invite.kind not in CREATABLE_KINDS:
        raise PermissionDenied("kind")  # the operator's administrator link
    if invite.revoked_at is not None:
        raise InviteRevoked()  # a stale form must not bring a revoked link back
    expires_at = invite.expires_at
    if expires_at <= now + timedelta(hours=1):
        expires_at = now + max(invite.expires_at - invite.created_at, timedelta(days=1))
    revoke_invite(session, invite, actor=actor, now=now)
    child = session.get(User, invite.child_id) if invite.child_id else None
    lead_unit = session.get(Unit, invite.lead_unit_id) if invite.lead_unit_id else None
    new, nonce = create_invite(
        session, org=invite.organisation, unit=invite.unit, kind=invite.kind, creator=actor,
        expires_at=min(expires_at, now + MAX_LIFETIME), max_uses=invite.max_uses, now=now,
        pupil_name=invite.pupil_name, child=child, grants_admin=invite.grants_admin, lead_unit=lead_unit,
        invitee_email=invite.invitee_email, derive_nonce=derive_nonce,
    )
    audit.record(session, "invite.regenerated", now=now, org_id=invite.org_id, actor_id=actor.id, target=new,
                 replaces=invite.id)
    return new, nonce
