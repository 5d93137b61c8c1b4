"""Delivering the outbox from a Flask app: after a request's commit, or by the
`flask mail send` worker."""
from __future__ import annotations

from flask import current_app
from sqlalchemy.orm import Session

from ..models import utcnow
from ..services import outbox
from .backends import BACKENDS


def get_backend():
    app = current_app._get_current_object()
    backend = app.extensions.get("mail_backend")
    if backend is None:
        backend = BACKENDS[app.config["MAIL_BACKEND"]](app.config)
        app.extensions["mail_backend"] = backend
    return backend


def send_due(only: list[int] | None = None) -> tuple[int, int]:
    factory = current_app.extensions["db"]["write"]
    return outbox.deliver_due(
        factory,
        get_backend().send,
        now=utcnow(),
        max_attempts=current_app.config["MAIL_MAX_ATTEMPTS"],
        only=only,
        keep_body=current_app.config["MAIL_KEEP_SENT_BODIES"],
    )


def commit(session: Session) -> None:
    """Commit the request's work, then deliver the mail it queued (if so configured).

    A failed delivery stays in the outbox for the worker; the user's action
    has already succeeded.
    """
    new_ids = session.info.pop("outbox_new", [])
    session.commit()
    if new_ids and current_app.config["MAIL_SEND_AFTER_COMMIT"]:
        try:
            send_due(only=new_ids)
        except Exception:  # noqa: BLE001 - the worker retries; never fail the page
            current_app.logger.exception("mail delivery after commit failed")
