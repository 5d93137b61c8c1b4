"""Small helpers the views share: the clock, the hasher, the organisation in
the URL (the one closed-space rule), and the request's one commit."""
from __future__ import annotations

from datetime import datetime
from functools import wraps

from argon2 import PasswordHasher
from flask import abort, current_app, g, request
from flask_login import current_user, login_required
from sqlalchemy.orm import Session

from .db import get_session
from .mail.sender import send_due
from .matrix import worker as matrix_worker
from .models import Organisation, utcnow
from .people.members import is_admin, memberships_of
from .people.passwords import make_hasher


def now() -> datetime:
    return utcnow()


def hasher() -> PasswordHasher:
    app = current_app._get_current_object()
    if "hasher" not in app.extensions:
        config = app.config
        app.extensions["hasher"] = make_hasher(
            config["ARGON2_TIME_COST"], config["ARGON2_MEMORY_COST"], config["ARGON2_PARALLELISM"]
        )
    return app.extensions["hasher"]


def client_ip() -> str | None:
    return request.remote_addr


def user_agent() -> str | None:
    return request.headers.get("User-Agent")


def pepper() -> str:
    return current_app.config["SECRET_KEY"]


def load_org(org_id: int) -> Organisation:
    """The organisation of the page; its time zone rules dates shown on it."""
    org = get_session().get(Organisation, org_id)
    if org is None:
        abort(404)
    g.org = org
    return org


def member_org(org_id: int) -> Organisation:
    """The organisation in the URL, if the logged-in user belongs to it.

    The one rule of a closed space: an outsider learns nothing of it, not
    even that it exists (404, as for an organisation that doesn't)."""
    org = load_org(org_id)
    if not memberships_of(get_session(), current_user.id, org.id):
        abort(404)
    return org


def admin_required(view):
    """The logged-in user must administer the organisation in the URL (`org_id`):
    an outsider learns nothing of it (404), a member who isn't an
    administrator is refused (403)."""

    @wraps(view)
    @login_required
    def wrapped(org_id: int, **kwargs):
        org = member_org(org_id)
        if not is_admin(memberships_of(get_session(), current_user.id, org.id)):
            abort(403)
        return view(org=org, **kwargs)

    return wrapped


def commit(session: Session) -> bool:
    """Commit the request's work, then deliver the mail it queued and bring
    the homeserver up to date (if so configured).

    A failed delivery stays in its queue for the worker; the user's action
    has already succeeded. Returns False when the homeserver has yet to
    follow (the page may say the chat opens in a minute).
    """
    new_ids = session.info.pop("outbox_new", [])
    matrix_ids = session.info.pop("matrix_new", [])
    session.commit()
    if new_ids and current_app.config["MAIL_SEND_AFTER_COMMIT"]:
        try:
            send_due(only=new_ids)
        except Exception:  # noqa: BLE001 - the worker retries; never fail the page
            current_app.logger.exception("mail delivery after commit failed")
    return matrix_worker.after_commit(matrix_ids)
