"""Registration by invite: an unconfirmed account first, then the e-mail code,
then consent, which redeems the invite and activates the account in one step.

An abandoned path leaves at most an unconfirmed account, purged later.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from argon2 import PasswordHasher
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ..models import Invite, Membership, User
from . import audit, codes, consent, invites
from .accounts import create_user, find_by_email
from .errors import EmailTaken
from .passwords import hash_password


def start_registration(
    session: Session,
    hasher: PasswordHasher,
    invite: Invite,
    *,
    last_name: str,
    first_name: str,
    patronymic: str | None,
    email: str,
    phone: str | None,
    password: str,
    now: datetime,
) -> User:
    """An unconfirmed account for this invite's path (or the same one, restarted)."""
    invites.check_usable(session, invite, now)
    existing = find_by_email(session, email)
    if existing is not None:
        if existing.status != "unconfirmed":
            raise EmailTaken(email)
        existing.last_name, existing.first_name = last_name, first_name
        existing.patronymic, existing.phone = patronymic or None, phone or None
        existing.password_hash = hash_password(hasher, password)
        existing.created_at = now
        session.flush()
        return existing
    return create_user(
        session, hasher, last_name=last_name, first_name=first_name, patronymic=patronymic,
        email=email, phone=phone, password=password, now=now,
    )


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
) -> list[Membership]:
    """Consent given: redeem the invite, record the consent, activate the account."""
    if not codes.is_confirmed(session, user_id=user.id, purpose="confirm_email", email=user.email or ""):
        raise codes.CodeExpired()
    if invite.kind != "admin":
        raise NotImplementedError(invite.kind)
    memberships = [invites.redeem_admin_invite(session, invite, user, now=now)]
    consent.record_consent(
        session, org_id=invite.org_id, subject_id=user.id, kind="personal_data",
        text=consent_text, version=consent_version, now=now, ip=ip, user_agent=user_agent,
    )
    user.status = "active"
    user.confirmed_at = now
    audit.record(session, "user.registered", now=now, org_id=invite.org_id, actor_id=user.id, target=user,
                 invite_id=invite.id)
    session.flush()
    return memberships


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
