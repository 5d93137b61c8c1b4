"""Response headers, login sessions that can be ended, safe redirects."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, Response, current_app, request, session
from itsdangerous import URLSafeTimedSerializer

from .extensions import login_manager

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "object-src 'none'",
        "base-uri 'none'",
    ]
)


def init_app(app: Flask) -> None:
    login_manager.login_view = "auth.login"
    login_manager.login_message = None
    login_manager.session_protection = "basic"
    login_manager.user_loader(load_user)
    app.after_request(set_security_headers)


def load_user(identity: str):
    """Flask-Login keeps the login session's identity in the session and the
    remember-me cookie; the user loads only while that login session is live
    (one indexed query). Logging out ends it; a password change or disabling
    the account ends them all (see services/login_sessions.py)."""
    from .db import get_session
    from .models import utcnow
    from .services.login_sessions import load_user as load_login_session_user

    return load_login_session_user(get_session(), identity, now=utcnow())


def set_security_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP)
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Referrer-Policy"] = "no-referrer"
    headers["X-Frame-Options"] = "DENY"
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if current_app.config.get("HSTS"):
        headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    if session.get("_user_id") or request.endpoint not in {"static", None}:
        # Pages carry personal data and tokens: never keep them in shared caches.
        headers.setdefault("Cache-Control", "no-store")
    return response


def safe_next(target: str | None) -> str | None:
    """`next=` is followed only to a path on this site."""
    if not target:
        return None
    target = target.strip()
    if "\\" in target or any(ord(ch) < 32 for ch in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path.startswith("/") or target.startswith("//"):
        return None
    return target


def serializer(salt: str) -> URLSafeTimedSerializer:
    """A serializer for the project's own signed tokens, honouring key rotation."""
    return URLSafeTimedSerializer(signing_keys(), salt=salt)


def signing_keys() -> list[str]:
    """Oldest first, the current key last (as itsdangerous expects)."""
    return [*current_app.config.get("SECRET_KEY_FALLBACKS", []), current_app.config["SECRET_KEY"]]


def external_url(endpoint: str, **values) -> str:
    """A link for an e-mail or an invite: built from BASE_URL, never the Host header.

    Works with or without a request (the CLI prints links too).
    """
    adapter = current_app.url_map.bind("localhost")
    return current_app.config["BASE_URL"] + adapter.build(endpoint, values)
