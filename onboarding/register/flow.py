"""Registration by invite: an unconfirmed account first, then the e-mail code
(to the user, or to a parent for a young pupil), then consent, which redeems
the invite and activates the account in one step.

An abandoned path leaves at most an unconfirmed account, purged later.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from argon2 import PasswordHasher
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ..consent import operations as consent
from ..core import audit, tokens
from ..core.errors import CodeExpired, ConsentRequired, DomainError, EmailTaken, NotFound
from ..invites import granting, operations as invites, redemption
from ..models import Invite, Membership, Organisation, Unit, User
from ..orgs.policy import learners_join
from ..people.accounts import create_user, find_by_email
from ..people.passwords import hash_password, verify_password
from . import codes

ADULT_AGE = 14  # 152-ФЗ: a parent consents for a child under 14
CONSENT_BY_PARENT = "parent_consent"
CONFIRM_EMAIL = "confirm_email"
CLASS_PARENT_INVITE_LIFETIME = timedelta(days=30)
CLASS_PARENT_INVITE_USES = 80
RESUBMIT_WINDOW = timedelta(seconds=60)


class BirthDateImplausible(DomainError):
    pass


class LearnersDontJoin(DomainError):
    """A kindergarten's children have no accounts."""


def age_on(birth_date: date, today: date) -> int:
    return today.year - birth_date.year - ((today.month, today.day) < (birth_date.month, birth_date.day))


def local_today(org: Organisation, now: datetime) -> date:
    return now.astimezone(ZoneInfo(org.timezone)).date()


def student_route(org: Organisation, unit: Unit, birth_date: date, now: datetime) -> str:
    """"own": own e-mail and consent; "parent": a login name, and a parent
    confirms and consents (grades 1-4, or under 14 in the organisation's today)."""
    if not learners_join(org.kind):
        raise LearnersDontJoin()
    age = age_on(birth_date, local_today(org, now))
    if age < 5 or age > 100:
        raise BirthDateImplausible()
    return "parent" if unit.is_primary or age < ADULT_AGE else "own"


def code_purpose(user: User) -> str:
    """A pupil without an e-mail is confirmed by a parent."""
    return CONFIRM_EMAIL if user.email else CONSENT_BY_PARENT


def code_address(session: Session, user: User, parent_email: str | None = None) -> str | None:
    """Where the account's code goes: its own e-mail, or (a young pupil) the
    parent's address given now or the one the last code went to."""
    if code_purpose(user) == CONFIRM_EMAIL:
        return user.email
    latest = codes.latest_code(session, user_id=user.id, purpose=CONSENT_BY_PARENT)
    return parent_email or (latest.email if latest else None)


def start_registration(
    session: Session,
    hasher: PasswordHasher,
    invite: Invite,
    *,
    last_name: str,
    first_name: str,
    password: str,
    now: datetime,
    email: str | None = None,
    login: str | None = None,
    patronymic: str | None = None,
    phone: str | None = None,
    birth_date: date | None = None,
    replaces: User | None = None,
) -> tuple[User, bool]:
    """An unconfirmed account for this invite's path (or the same one,
    restarted), and whether a code must be sent now (not for the same form
    sent twice). `replaces` is the caller's own unconfirmed account of this
    path (a mended address): it is deleted with its codes.

    Role and unit are never taken from the form: they come from the invite.
    Raises ConfirmedElsewhere or CodeResendTooSoon rather than restart a
    registration someone is finishing."""
    invites.check_usable(session, invite, now)
    if invite.kind not in granting.REDEEMABLE_KINDS:
        raise NotFound()
    if invite.role == "student" and not learners_join(invite.organisation.kind):
        raise LearnersDontJoin()
    redemption.check_addressee(invite, email)
    if replaces is not None and replaces.status == "unconfirmed" and (email is None or replaces.email != email):
        session.execute(delete(User).where(User.id == replaces.id, User.status == "unconfirmed"))
        audit.record(session, "user.registration_replaced", now=now, org_id=invite.org_id, user_id=replaces.id)
    if email is not None:
        existing = find_by_email(session, email)
        if existing is not None:
            if existing.status != "unconfirmed":
                raise EmailTaken(email)
            if existing.created_at > now - RESUBMIT_WINDOW and verify_password(hasher, existing.password_hash,
                                                                                password):
                return existing, False  # the same form sent twice: its code is on its way
            _restart(session, hasher, existing, now=now, last_name=last_name, first_name=first_name,
                     patronymic=patronymic, phone=phone, birth_date=birth_date, password=password)
            audit.record(session, "user.registration_restarted", now=now, org_id=invite.org_id, target=existing,
                         invite_id=invite.id)
            return existing, True
    user = create_user(
        session, hasher, last_name=last_name, first_name=first_name, patronymic=patronymic,
        email=email, login=login, phone=phone, password=password, birth_date=birth_date, now=now,
    )
    audit.record(session, "user.registration_started", now=now, org_id=invite.org_id, target=user,
                 invite_id=invite.id)
    return user, True


class ConfirmedElsewhere(DomainError):
    """Someone confirmed this address's registration a few minutes ago."""


def _restart(session: Session, hasher: PasswordHasher, user: User, *, now: datetime, password: str, **names) -> None:
    """Start an unconfirmed registration again (perhaps by someone else).

    The browser that typed the code keeps its registration while the code's
    lifetime lasts; the pause between codes is kept (a new code must go to the
    address); every earlier code and confirmation is void, and the version
    moves on, so a browser that started before can't finish with these details."""
    if codes.confirmed_recently(session, user_id=user.id, purpose=CONFIRM_EMAIL, now=now):
        raise ConfirmedElsewhere()
    codes.check_resend_pause(session, user_id=user.id, purpose=CONFIRM_EMAIL, now=now)
    codes.void_codes(session, user_id=user.id, now=now)
    user.session_version += 1
    user.last_name, user.first_name = names["last_name"], names["first_name"]
    user.patronymic, user.phone = names["patronymic"] or None, names["phone"] or None
    user.birth_date = names["birth_date"]
    user.password_hash = hash_password(hasher, password)
    user.created_at = now
    session.flush()


def complete_registration(
    session: Session,
    invite: Invite,
    user: User,
    *,
    consent_text: str,
    consent_version: str,
    now: datetime,
    ip: str | None,
    user_agent: str | None,
    code_id: int | None,
    child_name: str | None = None,
) -> list[Membership]:
    """Confirmed and consented: redeem the invite, record the consent, activate.

    `code_id` is the code the caller's browser confirmed (typed, or the
    parent's link): it must still be the account's latest, confirmed code.
    For a pupil confirmed by a parent, the consent is the parent's (their
    e-mail is the one the code went to)."""
    purpose = code_purpose(user)
    record = codes.confirmed_code(session, user_id=user.id, purpose=purpose, code_id=code_id, email=user.email)
    if record is None:
        raise CodeExpired()
    created = granting.redeem_invite(session, invite, user, now=now, child_name=child_name)
    consent.record_consent(
        session, org_id=invite.org_id, subject_id=user.id, kind="personal_data",
        text=consent_text, version=consent_version, now=now, ip=ip, user_agent=user_agent,
        given_by_email=record.email if purpose == CONSENT_BY_PARENT else None,
    )
    user.status = "active"
    user.confirmed_at = now
    audit.record(session, "user.registered", now=now, org_id=invite.org_id, actor_id=user.id, target=user,
                 invite_id=invite.id, kind=invite.kind)
    session.flush()
    return created


class ParentMustConsent(DomainError):
    """A young pupil joins a new organisation only with a parent's consent."""


def needs_personal_data_consent(session: Session, user: User, org_id: int) -> bool:
    return consent.current_consent(session, subject_id=user.id, org_id=org_id, kind="personal_data") is None


def redeem_for_user(
    session: Session,
    invite: Invite,
    user: User,
    *,
    now: datetime,
    consent_text: str,
    consent_version: str,
    agreed: bool,
    ip: str | None,
    user_agent: str | None,
    child_name: str | None = None,
) -> list[Membership]:
    """A logged-in user takes a new invite without registering again (a parent
    of a second child, a teacher invited to a second unit)."""
    invites.check_usable(session, invite, now)
    if invite.kind in ("student", "pupil"):
        if user.birth_date is None:
            raise invites.InviteNotForAccount("adult_account")
        if student_route(invite.organisation, invite.unit, user.birth_date, now) != "own":
            raise ParentMustConsent()
    granting.check_redeemable(session, invite, user)
    first_time = needs_personal_data_consent(session, user, invite.org_id)
    if first_time and not agreed:
        raise ConsentRequired()
    created = granting.redeem_invite(session, invite, user, now=now, child_name=child_name)
    if first_time:
        consent.record_consent(session, org_id=invite.org_id, subject_id=user.id, kind="personal_data",
                               text=consent_text, version=consent_version, now=now, ip=ip, user_agent=user_agent)
    return created


def purge_unconfirmed(session: Session, *, now: datetime, max_age: timedelta) -> int:
    """Delete accounts whose registration was abandoned; safe to run from cron."""
    stale = list(
        session.scalars(
            select(User.id).where(User.status == "unconfirmed", User.created_at < now - max_age)
        )
    )
    if stale:
        session.execute(delete(User).where(User.id.in_(stale)))
        audit.record(session, "user.purged_unconfirmed", now=now, count=len(stale))
    session.flush()
    return len(stale)


# --- The class's parent invite offered in the letter to a pupil's parent ---------

def _derived_nonce(pepper: str, invite_id: int) -> str:
    digest = hmac.new(pepper.encode("utf-8"), f"class-parent-invite:{invite_id}".encode("ascii"),
                      hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:16]).rstrip(b"=").decode("ascii")


def class_parent_invite(session: Session, unit: Unit, *, pepper: str, now: datetime) -> tuple[Invite, str]:
    """The unit's parent invite for letters to parents: an active one made for
    these letters, or a new one. Its nonce is derived from the key, so the link
    can be given again without storing it."""
    candidates = session.scalars(
        select(Invite).where(Invite.unit_id == unit.id, Invite.kind == "parent", Invite.created_by_id.is_(None),
                             Invite.revoked_at.is_(None), Invite.expires_at > now + timedelta(days=7),
                             Invite.uses < Invite.max_uses).order_by(Invite.id.desc())
    )
    for invite in candidates:
        nonce = _derived_nonce(pepper, invite.id)
        if tokens.nonce_matches(nonce, invite.nonce_hash):
            return invite, nonce
    return invites.new_invite(session, org_id=unit.org_id, unit_id=unit.id, kind="parent", now=now,
                              expires_at=now + CLASS_PARENT_INVITE_LIFETIME, max_uses=CLASS_PARENT_INVITE_USES,
                              derive_nonce=lambda invite_id: _derived_nonce(pepper, invite_id))
