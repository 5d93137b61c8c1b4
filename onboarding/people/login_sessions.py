"""Login sessions that end: one server-side row per log-in on a device.

The identity Flask-Login keeps in the session cookie and in the remember-me
cookie is `<login session id>:<token>:<user's session version>`. Loading the
user checks all three in one indexed query: the row must be live (not ended,
not expired), the token must match its hash, and the version must be the
account's current one (a password change or disabling moves it on, ending
every session at once).
"""
from __future__ import annotations

import re
from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from ..core.tokens import hash_nonce, is_row_id, new_nonce, nonce_matches
from ..models import LoginSession, User

_IDENTITY = re.compile(r"^([0-9]{1,10}):([A-Za-z0-9_-]{22}):([0-9]{1,10})$")


def start_login_session(session: Session, user: User, *, now: datetime, lifetime: timedelta) -> str:
    """A new live row for `user`; returns the identity to keep in the cookies
    (also set as `user.login_identity`)."""
    token = new_nonce()
    row = LoginSession(user_id=user.id, token_hash=hash_nonce(token), created_at=now, expires_at=now + lifetime)
    session.add(row)
    session.flush()
    user.login_identity = f"{row.id}:{token}:{user.session_version}"
    return user.login_identity


def parse_identity(identity: str) -> tuple[int, str, int] | None:
    """(login session id, token, session version), or None if malformed."""
    match = _IDENTITY.match(identity or "")
    if match is None or not is_row_id(int(match.group(1))):
        return None
    return int(match.group(1)), match.group(2), int(match.group(3))


def load_user(session: Session, identity: str, *, now: datetime) -> User | None:
    """The active user of a live login session, or None."""
    parsed = parse_identity(identity)
    if parsed is None:
        return None
    login_session_id, token, version = parsed
    row = session.execute(
        select(User, LoginSession.token_hash)
        .join(LoginSession, LoginSession.user_id == User.id)
        .where(LoginSession.id == login_session_id, LoginSession.ended_at.is_(None), LoginSession.expires_at > now)
    ).first()
    if row is None:
        return None
    user, token_hash = row
    if not nonce_matches(token, token_hash) or user.session_version != version or not user.is_active:
        return None
    user.login_identity = identity
    return user


def end_login_session(session: Session, identity: str | None, *, now: datetime) -> None:
    """Log-out: this device's row ends; the user's other rows stay live."""
    parsed = parse_identity(identity or "")
    if parsed is None:
        return
    session.execute(
        update(LoginSession)
        .where(LoginSession.id == parsed[0], LoginSession.ended_at.is_(None))
        .values(ended_at=now)
        .execution_options(synchronize_session=False)
    )


def prune_login_sessions(session: Session, *, now: datetime) -> int:
    """Delete the rows of ended and expired sessions; returns how many."""
    result = session.execute(
        delete(LoginSession)
        .where(or_(LoginSession.ended_at.is_not(None), LoginSession.expires_at <= now))
        .execution_options(synchronize_session=False)
    )
    return result.rowcount
