"""The site as OpenID Connect provider: the codes and access tokens it gave
the school's Matrix homeserver. The one client is configured, not stored;
codes and tokens are kept only as their SHA-256."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, utcnow


class OidcAuthorizationCode(Base):
    """A code the authorize endpoint gave a logged-in member: exchanged once,
    within minutes, for an access token and an ID token. Kept after use (and
    expiry) for a day, so a code used twice is recognised and a nonce is not
    accepted again."""

    __tablename__ = "oidc_authorization_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    client_id: Mapped[str] = mapped_column(String(100))
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    # As the client sent it (one of the configured URIs), or NULL if it sent none.
    redirect_uri: Mapped[str | None] = mapped_column(String(2000))
    scope: Mapped[str] = mapped_column(String(200))
    nonce: Mapped[str | None] = mapped_column(String(255), index=True)
    code_challenge: Mapped[str | None] = mapped_column(String(128))
    code_challenge_method: Mapped[str | None] = mapped_column(String(10))
    # When the member logged in on the site (the ID token's auth_time).
    auth_time: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)
    used_at: Mapped[datetime | None]


class OidcAccessToken(Base):
    """An access token for the userinfo endpoint, short-lived; revoked with
    the others of its code when that code is presented a second time."""

    __tablename__ = "oidc_access_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    client_id: Mapped[str] = mapped_column(String(100))
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    code_id: Mapped[int | None] = mapped_column(
        ForeignKey("oidc_authorization_code.id", ondelete="CASCADE"), index=True
    )
    scope: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)
    revoked_at: Mapped[datetime | None]
