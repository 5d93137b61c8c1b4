"""Applying the queue from a Flask app: right after a request's commit, and
by the `flask matrix sync --loop` worker for whatever is left."""
from __future__ import annotations

import logging
from typing import Callable

from flask import Flask, current_app
from sqlalchemy.orm import Session

from ..models import MatrixTask, utcnow
from . import sync, tasks
from .client import MatrixClient, MatrixUnavailable

log = logging.getLogger(__name__)


def get_client(app: Flask | None = None) -> MatrixClient | None:
    """The app's homeserver client, or None where no homeserver is configured."""
    app = app or current_app._get_current_object()
    if not app.config.get("MATRIX_URL"):
        return None
    client = app.extensions.get("matrix_client")
    if client is None:
        client = MatrixClient(app.config["MATRIX_URL"], app.config["MATRIX_SERVER_NAME"],
                              app.config["MATRIX_AS_TOKEN"], app.config.get("MATRIX_SHARED_SECRET"),
                              timeout=app.config["MATRIX_TIMEOUT"])
        app.extensions["matrix_client"] = client
    return client


def apply_due(new_session: Callable[[], Session], client: MatrixClient, *, prefix: str,
              oidc_provider: str | None = None, only: list[int] | None = None) -> tuple[int, int]:
    """Apply what is due, each task in its own transaction. Returns (done, failed)."""
    done = failed = 0
    with new_session() as session:
        ids = tasks.due_ids(session, now=utcnow(), only=only)
        session.rollback()
    for task_id in ids:
        read_at = utcnow()
        with new_session() as session:
            task = tasks.claim(session, task_id, now=read_at)
            session.commit()
            if task is None:
                continue
            try:
                sync.apply(session, client, task, prefix=prefix, now=read_at, oidc_provider=oidc_provider)
                tasks.mark_done(session, task, read_at=read_at, now=utcnow())
                session.commit()
                done += 1
                continue
            except Exception as error:  # noqa: BLE001 - every failure is retried later
                session.rollback()
                message = f"{type(error).__name__}: {error}"
                unreachable = isinstance(error, MatrixUnavailable)
        log.warning("homeserver task %s failed: %s", task_id, message)
        with new_session() as session:
            tasks.mark_failed(session, session.get(MatrixTask, task_id), message, now=utcnow())
            session.commit()
        failed += 1
        if unreachable:  # down or slow: the rest wait for the next round, not a timeout each
            failed += len(ids) - ids.index(task_id) - 1
            break
    return done, failed


def run_due(only: list[int] | None = None, app: Flask | None = None) -> tuple[int, int]:
    app = app or current_app._get_current_object()
    client = get_client(app)
    if client is None:
        return 0, 0
    return apply_due(app.extensions["db"]["write"], client, prefix=app.config["MATRIX_USER_PREFIX"],
                     oidc_provider=app.config.get("MATRIX_OIDC_PROVIDER"), only=only)


def after_commit(task_ids: list[int]) -> bool:
    """Apply the tasks a request just committed; False if any must wait for
    the worker (the homeserver is down or slow, or the change is too large
    for one request: MATRIX_SYNC_AFTER_COMMIT_MAX). Never raises."""
    if not task_ids or not current_app.config.get("MATRIX_SYNC_AFTER_COMMIT"):
        return True
    if len(task_ids) > current_app.config["MATRIX_SYNC_AFTER_COMMIT_MAX"]:
        return False
    try:
        _done, failed = run_due(only=task_ids)
    except Exception:  # noqa: BLE001 - the worker retries; never fail the page
        current_app.logger.exception("homeserver sync after commit failed")
        return False
    return failed == 0
