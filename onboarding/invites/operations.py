"""Invites: creating (one `new_invite` for every path), revoking and
regenerating them, reading a link and checking it still works. Who may is
in invite_rights, lists in invite_lists, redeeming in redemption."""
from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import datetime, timedelta, timezone
from typing import Callable, Sequence
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from ..core import audit, tokens
from ..core.errors import DomainError, InviteExpired, InviteInvalid, InviteRevoked, InviteUsedUp, NotFound, TokenInvalid
from ..models import Chat, Invite, Membership, Organisation, Unit, User
from ..orgs.structure import staff_room
from ..people.parents import MAX_GUARDIANS, TooManyGuardians, has_room_for_guardian
from .rights import PERSONAL_KINDS, creator_may_still, may_create

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
# What people create through the site (admin invites come from the operator).
# A verified teacher's kinds, in the units they teach.
EXPIRY_PRESETS = ("1d", "7d", "30d", "aug31")
DEFAULT_PRESET = "7d"
DEFAULT_MAX_USES = 40
MAX_USES_LIMIT = 1000
MAX_LIFETIME = timedelta(days=366)


class InviteCreatorLeft(InviteRevoked):
    """Its creator has left the organisation or lost the right to invite."""


class InviteParameterInvalid(DomainError):
    """A creation parameter out of range; `field` names it."""

    def __init__(self, field: str):
        super().__init__(field)
        self.field = field


class InviteNotForAccount(DomainError):
    """The logged-in account can't take this invite; `reason` says why.

    student_account: a pupil's account opening an adult's link;
    adult_account: an adult's account opening a pupil's link;
    other_unit: the pupil already belongs to another unit of the organisation;
    too_many_guardians: the child already has MAX_GUARDIANS parents;
    own_child: the pupil's own account opening their parents' link.
    """

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class AlreadyMember(DomainError):
    """The account already holds what the invite gives; `reason` names the role."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def invite_status(invite: Invite, now: datetime) -> str:
    """active, revoked, expired or used_up (in that order of precedence)."""
    if invite.revoked_at is not None:
        return "revoked"
    if invite.expires_at <= now:
        return "expired"
    if invite.uses >= invite.max_uses:
        return "used_up"
    return "active"


# --- Creating -------------------------------------------------------------


def expiry_for_preset(preset: str, now: datetime, tz: str) -> datetime:
    """1 day, 7 days, 30 days, or the end of 31 August in the organisation's
    time zone (this year's, or next year's once it has passed)."""
    if preset == "aug31":
        zone = ZoneInfo(tz)
        year = now.astimezone(zone).year
        end = datetime(year, 8, 31, 23, 59, tzinfo=zone)
        if end <= now:
            end = datetime(year + 1, 8, 31, 23, 59, tzinfo=zone)
        return end.astimezone(timezone.utc)
    days = {"1d": 1, "7d": 7, "30d": 30}.get(preset)
    if days is None:
        raise InviteParameterInvalid("expiry")
    return now + timedelta(days=days)


def offered_chats(session: Session, invite: Invite) -> list[Chat]:
    """The standard chats that fit the invite's role: pupils the class chat,
    parents the parents' chat, staff the staff chat (and a homeroom
    teacher also the chat of their unit's teachers)."""
    wanted: list[tuple[int, str]] = []
    if invite.role == "student":
        wanted.append((invite.unit_id, "class"))
    elif invite.role == "parent":
        wanted.append((invite.unit_id, "parents"))
    elif invite.kind in ("staff", "admin"):
        wanted.append((invite.unit_id, "staff"))
        if invite.lead_unit_id is not None:
            wanted.append((invite.lead_unit_id, "teachers"))
    if invite.kind == "join":
        return []
    chats = []
    for unit_id, kind in wanted:
        chat = session.scalars(select(Chat).where(
            Chat.org_id == invite.org_id, Chat.unit_id == unit_id, Chat.kind == kind, Chat.archived_at.is_(None),
        ).order_by(Chat.id)).first()
        if chat is not None:
            chats.append(chat)
    return chats


def new_invite(
    session: Session, *, org_id: int, unit_id: int, kind: str, now: datetime, expires_at: datetime, max_uses: int,
    created_by_id: int | None = None, derive_nonce: Callable[[int], str] | None = None, **fields,
) -> tuple[Invite, str]:
    """The one way an invite row is made: its role from its kind, a fresh
    nonce (or one derived from its id, for a link that can be given again
    without storing it), the chats it offers, and the audit entry. The
    callers check who may make it and its parameters."""
    invite = Invite(org_id=org_id, unit_id=unit_id, kind=kind, role=ROLE_OF_KIND[kind], nonce_hash="-" * 64,
                    created_by_id=created_by_id, created_at=now, expires_at=expires_at, max_uses=max_uses, **fields)
    session.add(invite)
    session.flush()
    nonce = derive_nonce(invite.id) if derive_nonce else tokens.new_nonce()
    invite.nonce_hash = tokens.hash_nonce(nonce)
    invite.chats = offered_chats(session, invite)
    session.flush()
    audit.record(
        session, "invite.created", now=now, org_id=org_id, actor_id=created_by_id, target=invite, kind=kind,
        unit_id=unit_id, max_uses=max_uses, expires_at=expires_at.isoformat(), pupil_name=invite.pupil_name,
        grants_admin=invite.grants_admin, lead_unit_id=invite.lead_unit_id, email=invite.invitee_email,
    )
    return invite, nonce


def create_invite(
    session: Session,
    *,
    org: Organisation,
    unit: Unit,
    kind: str,
    creator: User,
    expires_at: datetime,
    max_uses: int,
    now: datetime,
    pupil_name: str | None = None,
    child: User | None = None,
    grants_admin: bool = False,
    lead_unit: Unit | None = None,
    invitee_email: str | None = None,
    derive_nonce: Callable[[int], str] | None = None,
) -> tuple[Invite, str]:
    """A new invite and its nonce (give it to `invite_token`; it is never
    stored). With `derive_nonce` (`link_nonce` under the server's key) the
    link can be shown again later by the key holder alone.

    A link that also makes an administrator is personal: one use, by the
    e-mail it names (`invitee_email`, normalised by the form)."""
    may_create(session, creator, org, kind, unit)
    if expires_at <= now or expires_at > now + MAX_LIFETIME:
        raise InviteParameterInvalid("expires_at")
    if kind in PERSONAL_KINDS:
        max_uses = 1
        if not (pupil_name or child):
            raise InviteParameterInvalid("pupil_name")
    else:
        pupil_name, child = None, None
    if not 1 <= max_uses <= MAX_USES_LIMIT:
        raise InviteParameterInvalid("max_uses")
    if kind != "staff":
        grants_admin, lead_unit = False, None
    if grants_admin:
        max_uses = 1
        if not invitee_email:
            raise InviteParameterInvalid("invitee_email")
    else:
        invitee_email = None
    if lead_unit is not None and (lead_unit.org_id != org.id or lead_unit.kind == "staff_room"):
        raise NotFound()
    if child is not None and not _is_pupil_of(session, child, unit):
        raise NotFound()
    if kind == "guardian":
        _check_guardian_room(session, unit, pupil_name, child, now)
    return new_invite(
        session, org_id=org.id, unit_id=unit.id, kind=kind, now=now, expires_at=expires_at, max_uses=max_uses,
        created_by_id=creator.id, pupil_name=pupil_name or (child.full_name if child else None),
        child_id=child.id if child else None, grants_admin=grants_admin,
        lead_unit_id=lead_unit.id if lead_unit else None, invitee_email=invitee_email, derive_nonce=derive_nonce,
    )


def _is_pupil_of(session: Session, child: User, unit: Unit) -> bool:
    return session.scalars(select(Membership.id).where(
        Membership.user_id == child.id, Membership.unit_id == unit.id, Membership.role == "student",
        Membership.left_at.is_(None),
    )).first() is not None


def _check_guardian_room(session: Session, unit: Unit, pupil_name: str | None, child: User | None,
                         now: datetime) -> None:
    """At most MAX_GUARDIANS live links and linked parents per pupil."""
    query = select(Invite).where(
        Invite.unit_id == unit.id, Invite.kind == "guardian", Invite.revoked_at.is_(None),
        Invite.uses < Invite.max_uses, Invite.expires_at > now,
    )
    if child is not None:
        live = list(session.scalars(query.where(Invite.child_id == child.id)))
        room = has_room_for_guardian(session, child.id, waiting_links=len(live))
    else:
        key = (pupil_name or "").casefold()
        live = [i for i in session.scalars(query.where(Invite.child_id.is_(None)))
                if (i.pupil_name or "").casefold() == key]
        room = len(live) < MAX_GUARDIANS
    if not room:
        raise TooManyGuardians(pupil_name or (child.full_name if child else ""))


def create_admin_invite(
    session: Session, org: Organisation, *, name: str, email: str, now: datetime
) -> tuple[Invite, str]:
    """The platform operator's single-use link for the organisation's administrator."""
    return new_invite(session, org_id=org.id, unit_id=staff_room(session, org.id).id, kind="admin", now=now,
                      expires_at=now + ADMIN_INVITE_LIFETIME, max_uses=1, invitee_name=name, invitee_email=email)


# --- Links ------------------------------------------------------------------


def invite_token(keys: Sequence[str], invite: Invite, nonce: str) -> str:
    return tokens.make_token(keys, SALT, invite.id, nonce)


def link_nonce(key: str, invite_id: int) -> str:
    """An invite's nonce derived from the server's key and its id (HMAC): the
    database keeps only its hash, so only the key holder can rebuild the link."""
    digest = hmac.new(key.encode("utf-8"), f"invite-link:{invite_id}".encode("ascii"), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:16]).rstrip(b"=").decode("ascii")


def rebuilt_nonce(key: str, invite: Invite) -> str | None:
    """The invite's nonce if it was derived under `key`; None for a random
    nonce (made before links were derived) or one derived under an older key."""
    nonce = link_nonce(key, invite.id)
    return nonce if tokens.nonce_matches(nonce, invite.nonce_hash) else None


def load_invite(session: Session, keys: Sequence[str], token: str) -> Invite:
    """The invite a link points at, whatever its status; InviteInvalid for a bad link."""
    try:
        invite_id, nonce = tokens.read_token(keys, SALT, token)
    except TokenInvalid:
        raise InviteInvalid() from None
    # What every page of the link shows comes with it, in one round trip.
    invite = session.get(
        Invite,
        invite_id,
        options=[joinedload(Invite.organisation), joinedload(Invite.unit), joinedload(Invite.created_by),
                 selectinload(Invite.chats)],
    )
    if invite is None or not tokens.nonce_matches(nonce, invite.nonce_hash):
        raise InviteInvalid()
    return invite


def check_usable(session: Session, invite: Invite, now: datetime) -> None:
    """Raise why the invite can't be used now: revoked, expired, used up, or
    its creator has left or lost the right to invite (InviteCreatorLeft)."""
    status = invite_status(invite, now)
    if status == "revoked":
        raise InviteRevoked()
    if status == "expired":
        raise InviteExpired()
    if status == "used_up":
        raise InviteUsedUp()
    if not creator_may_still(session, invite):
        raise InviteCreatorLeft()
