"""Six-digit e-mail codes: hashed, short-lived, few attempts, bound to one account.

A code is valid 10 minutes, void after 5 wrong attempts, used once, and
confirms only the account and purpose it was issued for. A new code may be
sent after 60 seconds, at most 5 an hour to one address.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..core.errors import CodeExpired, CodeLimitReached, CodeResendTooSoon, CodeWrong
from ..models import EmailCode

LIFETIME = timedelta(minutes=10)
MAX_ATTEMPTS = 5
RESEND_AFTER = timedelta(seconds=60)
MAX_PER_HOUR = 5


def _digest(pepper: str, user_id: int, purpose: str, code: str) -> str:
    message = f"{user_id}:{purpose}:{code}".encode("ascii")
    return hmac.new(pepper.encode("utf-8"), message, hashlib.sha256).hexdigest()


def issue_code(
    session: Session, *, pepper: str, user_id: int, purpose: str, email: str, now: datetime,
    org_id: int | None = None,
) -> tuple[EmailCode, str]:
    """A new code for this account and purpose; earlier ones stop working."""
    check_resend_pause(session, user_id=user_id, purpose=purpose, now=now)
    sent_last_hour = session.scalar(
        select(func.count(EmailCode.id)).where(
            EmailCode.email == email, EmailCode.created_at > now - timedelta(hours=1)
        )
    )
    if sent_last_hour >= MAX_PER_HOUR:
        raise CodeLimitReached()
    for old in session.scalars(
        select(EmailCode).where(
            EmailCode.user_id == user_id, EmailCode.purpose == purpose, EmailCode.used_at.is_(None)
        )
    ):
        old.used_at = now
    code = f"{secrets.randbelow(1_000_000):06d}"
    record = EmailCode(
        org_id=org_id, user_id=user_id, purpose=purpose, email=email,
        code_hash=_digest(pepper, user_id, purpose, code), created_at=now, expires_at=now + LIFETIME,
    )
    session.add(record)
    session.flush()
    return record, code


def check_resend_pause(session: Session, *, user_id: int, purpose: str, now: datetime) -> None:
    """CodeResendTooSoon within a minute of the account's last code."""
    latest = latest_code(session, user_id=user_id, purpose=purpose)
    if latest is not None and latest.created_at + RESEND_AFTER > now:
        raise CodeResendTooSoon(int((latest.created_at + RESEND_AFTER - now).total_seconds()) + 1)


def latest_code(session: Session, *, user_id: int, purpose: str) -> EmailCode | None:
    return session.scalars(
        select(EmailCode)
        .where(EmailCode.user_id == user_id, EmailCode.purpose == purpose)
        .order_by(EmailCode.id.desc())
        .limit(1)
    ).first()


def check_code(
    session: Session, *, pepper: str, user_id: int, purpose: str, code: str, now: datetime
) -> EmailCode:
    """Use the account's current code; a wrong one counts an attempt (kept even if
    the caller rolls back nothing else: it is flushed with the session)."""
    record = latest_code(session, user_id=user_id, purpose=purpose)
    if record is None or record.used_at is not None or record.expires_at <= now or record.attempts >= MAX_ATTEMPTS:
        raise CodeExpired()
    if not hmac.compare_digest(record.code_hash, _digest(pepper, user_id, purpose, code)):
        record.attempts += 1
        session.flush()
        if record.attempts >= MAX_ATTEMPTS:
            raise CodeExpired()
        raise CodeWrong(MAX_ATTEMPTS - record.attempts)
    record.used_at = now
    record.confirmed_at = now
    session.flush()
    return record


def confirmed_code(session: Session, *, user_id: int, purpose: str, code_id: int | None,
                   email: str | None = None) -> EmailCode | None:
    """The account's latest code if it is the one this browser confirmed
    (`code_id`, kept in its session when the code was typed or the link
    opened) and, if given, was sent to `email`; else None.

    A code proves control of the address only to the browser that typed it,
    and only until the registration is restarted (which voids every code)."""
    record = latest_code(session, user_id=user_id, purpose=purpose)
    if record is None or code_id is None or record.id != code_id or record.confirmed_at is None:
        return None
    if email is not None and record.email != email:
        return None
    return record


def void_codes(session: Session, *, user_id: int, now: datetime) -> None:
    """Every code of the account stops working, confirmed or not (a restarted
    registration proves nothing that was proved before it)."""
    for record in session.scalars(select(EmailCode).where(EmailCode.user_id == user_id)):
        record.used_at = record.used_at or now
        record.confirmed_at = None
    session.flush()


def confirmed_recently(session: Session, *, user_id: int, purpose: str, now: datetime) -> bool:
    """Someone typed the account's latest code within its lifetime: they keep
    their registration for that long, nobody else can restart it."""
    record = latest_code(session, user_id=user_id, purpose=purpose)
    return record is not None and record.confirmed_at is not None and record.confirmed_at + LIFETIME > now


LINK_LIFETIME = timedelta(days=2)


def confirm_by_link(
    session: Session, *, user_id: int, code_id: int, purpose: str, now: datetime, lifetime: timedelta = LINK_LIFETIME
) -> EmailCode:
    """A parent opened the letter's link on their own phone: the same as typing
    the code, while this letter's code is the latest and unused (the link
    outlives the 10 minutes a typed code has; the account is purged later)."""
    record = latest_code(session, user_id=user_id, purpose=purpose)
    if record is None or record.id != code_id or record.used_at is not None or record.created_at + lifetime <= now:
        raise CodeExpired()
    record.used_at = now
    record.confirmed_at = now
    session.flush()
    return record
