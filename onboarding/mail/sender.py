"""Delivering the outbox from a Flask app: after a request's commit, or by the
`flask mail send` worker."""
from __future__ import annotations

from flask import current_app

from ..models import utcnow
from . import outbox
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
