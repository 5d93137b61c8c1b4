"""The provider's rules, without HTTP: who may sign in to the Matrix apps,
and the codes and access tokens (single use, short-lived, stored hashed).

Each takes the session first and the time as `now`; they flush, never commit.
"""
from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from ..models import LoginSession, OidcAccessToken, OidcAuthorizationCode, User
from ..people.login_sessions import parse_identity
from ..people.members import memberships_of

CODE_LIFETIME = timedelta(minutes=5)
TOKEN_LIFETIME = timedelta(hours=1)
# Used and expired codes stay this long: a code presented again is
# recognised (and its tokens revoked), a nonce is not accepted twice.
KEEP_EXPIRED = timedelta(days=1)
MAX_NONCE_LENGTH = 255

INACTIVE = "inactive"
NO_MEMBERSHIP = "no_membership"


def hash_secret(value: str) -> str:
    """Codes and tokens are random and long: SHA-256 is enough to keep them."""
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def sign_in_refusal(session: Session, user: User | None) -> str | None:
    """Why this person may not sign in to the school's Matrix homeserver
    (`INACTIVE`, `NO_MEMBERSHIP`), or None if they may: an active account
    with at least one current membership in an organisation. Asked when the
    code is given, when it is exchanged and when the token is used."""
    if user is None or not user.is_active:
        return INACTIVE
    if not memberships_of(session, user.id):
        return NO_MEMBERSHIP
    return None


def login_time(session: Session, identity: str | None) -> datetime | None:
    """When the member logged in on this device (the ID token's auth_time)."""
    parsed = parse_identity(identity or "")
    if parsed is None:
        return None
    return session.scalar(select(LoginSession.created_at).where(LoginSession.id == parsed[0]))


def save_code(session: Session, code: str, *, client_id: str, user_id: int, redirect_uri: str | None, scope: str,
              nonce: str | None, code_challenge: str | None, code_challenge_method: str | None,
              auth_time: datetime | None, now: datetime) -> OidcAuthorizationCode:
    """Keep a new code (its hash) for five minutes; the expired rows of
    earlier days go."""
    purge_expired(session, now=now)
    row = OidcAuthorizationCode(
        code_hash=hash_secret(code), client_id=client_id, user_id=user_id, redirect_uri=redirect_uri, scope=scope,
        nonce=nonce, code_challenge=code_challenge, code_challenge_method=code_challenge_method,
        auth_time=auth_time, created_at=now, expires_at=now + CODE_LIFETIME,
    )
    session.add(row)
    session.flush()
    return row


def claim_code(session: Session, code: str, *, client_id: str, now: datetime) -> OidcAuthorizationCode | None:
    """The code's row, marked used, if this is its first use in time; else
    None. One use only, even when two exchanges race (a conditional UPDATE
    decides). A code presented again revokes the tokens given for it."""
    row = session.scalar(select(OidcAuthorizationCode).where(OidcAuthorizationCode.code_hash == hash_secret(code)))
    if row is None or row.client_id != client_id:
        return None
    claimed = session.execute(
        update(OidcAuthorizationCode)
        .where(OidcAuthorizationCode.id == row.id, OidcAuthorizationCode.used_at.is_(None),
               OidcAuthorizationCode.expires_at > now)
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    session.refresh(row)
    if claimed == 1:
        return row
    if row.used_at is not None:
        revoke_tokens_of_code(session, row.id, now=now)
    return None


def revoke_tokens_of_code(session: Session, code_id: int, *, now: datetime) -> None:
    session.execute(
        update(OidcAccessToken)
        .where(OidcAccessToken.code_id == code_id, OidcAccessToken.revoked_at.is_(None))
        .values(revoked_at=now)
        .execution_options(synchronize_session=False)
    )


def nonce_used(session: Session, client_id: str, nonce: str) -> bool:
    """A nonce the client already sent with an earlier code (a replay)."""
    return session.scalar(
        select(OidcAuthorizationCode.id)
        .where(OidcAuthorizationCode.nonce == nonce, OidcAuthorizationCode.client_id == client_id)
        .limit(1)
    ) is not None


def save_access_token(session: Session, token: str, *, client_id: str, user_id: int, code_id: int | None,
                      scope: str, now: datetime, lifetime: timedelta = TOKEN_LIFETIME) -> OidcAccessToken:
    row = OidcAccessToken(token_hash=hash_secret(token), client_id=client_id, user_id=user_id, code_id=code_id,
                          scope=scope, created_at=now, expires_at=now + lifetime)
    session.add(row)
    session.flush()
    return row


def find_access_token(session: Session, token: str, *, now: datetime) -> OidcAccessToken | None:
    """A live access token: known, not expired, not revoked."""
    row = session.scalar(select(OidcAccessToken).where(OidcAccessToken.token_hash == hash_secret(token)))
    if row is None or row.revoked_at is not None or row.expires_at <= now:
        return None
    return row


def purge_expired(session: Session, *, now: datetime) -> None:
    """Codes and tokens expired over a day ago (their tokens go with the codes)."""
    cutoff = now - KEEP_EXPIRED
    session.execute(delete(OidcAccessToken).where(OidcAccessToken.expires_at < cutoff)
                    .execution_options(synchronize_session=False))
    session.execute(delete(OidcAuthorizationCode).where(OidcAuthorizationCode.expires_at < cutoff)
                    .execution_options(synchronize_session=False))
