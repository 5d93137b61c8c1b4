"""Redeeming an invite: may this account take it, and taking one use atomically."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ..core import audit
from ..core.errors import InviteUsedUp
from ..models import Invite, InviteRedemption, Membership, ParentLink, User
from ..people.members import memberships_of
from ..people.parents import has_room_for_guardian
from .operations import AlreadyMember, InviteCreatorLeft, InviteNotForAccount, check_usable
from .rights import creator_may_still


def addressee(invite: Invite) -> str | None:
    """The one e-mail an adult's personal link is for: the operator's
    administrator link, a staff link that also makes an administrator, an
    approved staff join request. Anyone else is refused it."""
    if invite.role in ("admin", "teacher") and invite.invitee_email:
        return invite.invitee_email
    return None


def check_addressee(invite: Invite, email: str | None) -> None:
    """InviteNotForAccount("other_address") if the link names another e-mail."""
    bound = addressee(invite)
    if bound is not None and (email or "").casefold() != bound.casefold():
        raise InviteNotForAccount("other_address")


def may_redeem(session: Session, invite: Invite, user: User) -> None:
    """None if the logged-in `user` may take this invite; else
    InviteNotForAccount(reason) or AlreadyMember(reason). Says nothing about
    the invite's own validity (that is check_usable's)."""
    check_addressee(invite, user.email)
    current = memberships_of(session, user.id)
    roles = {m.role for m in current}
    in_org = [m for m in current if m.org_id == invite.org_id]
    if invite.kind == "join":
        if in_org:
            raise AlreadyMember("organisation")
        return
    if invite.role == "student":
        if roles - {"student"}:
            raise InviteNotForAccount("adult_account")
        if invite.kind == "pupil" and invite.child_id is not None and invite.child_id != user.id:
            raise InviteNotForAccount("other_pupil")
        for membership in in_org:
            if membership.role == "student":
                if membership.unit_id == invite.unit_id:
                    raise AlreadyMember("student")
                raise InviteNotForAccount("other_unit")
        return
    if "student" in roles:
        raise InviteNotForAccount("student_account")
    if invite.role == "parent":
        if invite.child_id is not None:
            if invite.child_id == user.id:
                raise InviteNotForAccount("own_child")
            already = session.scalars(select(ParentLink.id).where(
                ParentLink.child_id == invite.child_id, ParentLink.parent_id == user.id,
                ParentLink.status != "rejected")).first()
            if already is not None:
                raise AlreadyMember("guardian")
            if not has_room_for_guardian(session, invite.child_id):
                raise InviteNotForAccount("too_many_guardians")
        elif invite.kind == "parent" and any(
                m.role == "parent" and m.unit_id == invite.unit_id for m in in_org):
            raise AlreadyMember("parent")
        return
    if invite.role == "teacher" and any(m.role == "teacher" and m.unit_id == invite.unit_id for m in in_org):
        if not staff_invite_gives_more(invite, in_org):
            raise AlreadyMember("teacher")
        return
    if invite.role == "admin" and any(m.role == "admin" for m in in_org):
        raise AlreadyMember("admin")


def staff_invite_gives_more(invite: Invite, held: list[Membership]) -> bool:
    """A teacher of the organisation invited again: as homeroom teacher of a
    (second) unit, or as an administrator."""
    return bool(
        (invite.grants_admin and not any(m.role == "admin" for m in held))
        or (invite.lead_unit_id
            and not any(m.role == "teacher" and m.unit_id == invite.lead_unit_id and m.is_lead for m in held))
    )


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
    if not creator_may_still(session, invite):
        raise InviteCreatorLeft()


def record_redemption(session: Session, invite: Invite, user: User, *, now: datetime) -> InviteRedemption:
    """Take one use and record who took it, in the caller's transaction (the
    caller adds the memberships it grants before committing)."""
    claim_use(session, invite, now=now)
    redemption = InviteRedemption(org_id=invite.org_id, invite_id=invite.id, user_id=user.id, redeemed_at=now)
    session.add(redemption)
    session.flush()
    audit.record(session, "invite.redeemed", now=now, org_id=invite.org_id, actor_id=user.id, target=invite,
                 kind=invite.kind, user_id=user.id)
    return redemption
