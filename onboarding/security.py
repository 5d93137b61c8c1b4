"""Response headers, login sessions that can be ended, safe redirects."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, Response, abort, current_app, request, session
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from werkzeug.routing import IntegerConverter

from .core.tokens import MAX_ROW_ID, is_row_id
from .db import get_session
from .extensions import login_manager
from .models import utcnow
from .people.login_sessions import load_user as load_login_session_user

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


class RowIdConverter(IntegerConverter):
    """`<int:...>` in every URL: at most MAX_ROW_ID, so /org/999999999999/
    is simply not found instead of reaching an INTEGER column."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ROW_ID)
        super().__init__(map, *args, **kwargs)


def init_app(app: Flask) -> None:
    # Before any blueprint's rules are added: they pick their converters up then.
    app.url_map.converters["int"] = RowIdConverter
    login_manager.login_view = "auth.login"
    login_manager.login_message = None
    login_manager.session_protection = "basic"
    login_manager.user_loader(load_user)
    app.after_request(set_security_headers)


def load_user(identity: str):
    """Flask-Login keeps the login session's identity in the session and the
    remember-me cookie; the user loads only while that login session is live
    (one indexed query). Logging out ends it; a password change or disabling
    the account ends them all (see people/login_sessions.py)."""
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


def load_signed_ids(salt: str, token: str, *, max_age: int, keys: tuple[str, ...], max_length: int = 400) -> dict:
    """The payload of one of the project's own signed links, whose `keys` are
    row ids: 404 if it is forged, malformed or names an id no row can have,
    410 if it has expired."""
    if len(token) > max_length:
        abort(404)
    try:
        data = serializer(salt).loads(token, max_age=max_age)
    except SignatureExpired:
        abort(410)
    except BadSignature:
        abort(404)
    if not isinstance(data, dict) or not all(is_row_id(data.get(key)) for key in keys):
        abort(404)
    return data


def signing_keys() -> list[str]:
    """Oldest first, the current key last (as itsdangerous expects)."""
    return [*current_app.config.get("SECRET_KEY_FALLBACKS", []), current_app.config["SECRET_KEY"]]


def external_url(endpoint: str, **values) -> str:
    """A link for an e-mail or an invite: built from BASE_URL, never the Host header.

    Works with or without a request (the CLI prints links too).
    """
    adapter = current_app.url_map.bind("localhost")
    return current_app.config["BASE_URL"] + adapter.build(endpoint, values)
