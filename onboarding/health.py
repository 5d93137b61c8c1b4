"""What `/healthz` reports: each outside system the site depends on.

Only the database decides the status code: without it nothing can be
served (503); a rate-limit store that is down (the limits carry on in each
worker's memory) or mail waiting too long in the outbox is "degraded" but
still 200, so a load balancer doesn't take every worker out of service
because Redis or the SMTP server blinked.
"""
from __future__ import annotations

from datetime import datetime

from flask import Flask
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from .extensions import limiter
from .matrix import tasks as matrix_tasks
from .models import OutboxMessage


def rate_limit_store_status(app: Flask) -> str:
    """"ok", "down", or "disabled" (RATELIMIT_ENABLED off)."""
    if not app.config.get("RATELIMIT_ENABLED"):
        return "disabled"
    return "ok" if limiter.storage.check() else "down"


def oldest_undelivered_mail(session: Session) -> datetime | None:
    """When the oldest message still waiting for delivery was queued."""
    return session.scalar(
        select(func.min(OutboxMessage.created_at)).where(
            OutboxMessage.sent_at.is_(None), OutboxMessage.failed_at.is_(None)
        )
    )


def report(app: Flask, session: Session, *, now: datetime) -> tuple[dict, int]:
    """The JSON body and the status code of `/healthz`."""
    body: dict = {"status": "ok", "database": "ok", "rate_limit_store": rate_limit_store_status(app),
                  "mail_queue": "ok", "mail_queue_oldest_seconds": None,
                  "chat_queue": "ok", "chat_queue_waiting": 0, "chat_queue_oldest_seconds": None}
    try:
        session.execute(text("SELECT 1"))
        oldest = oldest_undelivered_mail(session)
        waiting, oldest_change = matrix_tasks.waiting(session, now=now)
    except Exception:  # noqa: BLE001 - any database failure means the site can't serve
        app.logger.exception("health check: the database is unavailable")
        body.update(status="error", database="unavailable", mail_queue="unknown")
        return body, 503
    if oldest is not None:
        age = now - oldest
        body["mail_queue_oldest_seconds"] = max(int(age.total_seconds()), 0)
        if age > app.config["HEALTH_MAIL_QUEUE_MAX_AGE"]:
            body["mail_queue"] = "degraded"
    # Changes the homeserver has yet to follow (down, or the worker stopped).
    body["chat_queue_waiting"] = waiting
    if oldest_change is not None:
        age = now - oldest_change
        body["chat_queue_oldest_seconds"] = max(int(age.total_seconds()), 0)
        if age > app.config["HEALTH_MAIL_QUEUE_MAX_AGE"]:
            body["chat_queue"] = "degraded"
    if "degraded" in (body["mail_queue"], body["chat_queue"]) or body["rate_limit_store"] == "down":
        body["status"] = "degraded"
    return body, 200
