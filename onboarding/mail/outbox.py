"""The mail outbox: e-mail is written in the transaction that causes it and
delivered after commit, with retries and backoff, so an SMTP outage loses
nothing."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Callable

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ..models import OutboxMessage

LEASE = timedelta(minutes=2)


def enqueue(session: Session, *, to: str, subject: str, body: str, now: datetime, org_id: int | None = None,
            reply_to: str | None = None) -> OutboxMessage:
    message = OutboxMessage(
        org_id=org_id, recipient=to, subject=subject, body_text=body, created_at=now, next_attempt_at=now,
        reply_to=reply_to,
    )
    session.add(message)
    session.flush()
    session.info.setdefault("outbox_new", []).append(message.id)
    return message


def backoff(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min, ... up to 6 hours between tries."""
    return timedelta(seconds=min(30 * 2 ** max(attempts - 1, 0), 6 * 3600))


def due_ids(session: Session, *, now: datetime, limit: int = 100, only: list[int] | None = None) -> list[int]:
    query = select(OutboxMessage.id).where(
        OutboxMessage.sent_at.is_(None),
        OutboxMessage.failed_at.is_(None),
        OutboxMessage.next_attempt_at <= now,
    )
    if only is not None:
        query = query.where(OutboxMessage.id.in_(only))
    return list(session.scalars(query.order_by(OutboxMessage.id).limit(limit)))


def claim(session: Session, message_id: int, *, now: datetime) -> OutboxMessage | None:
    """Lease one message to this sender so no other worker sends it meanwhile."""
    result = session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id == message_id,
            OutboxMessage.sent_at.is_(None),
            OutboxMessage.failed_at.is_(None),
            OutboxMessage.next_attempt_at <= now,
        )
        .values(next_attempt_at=now + LEASE)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        return None
    return session.get(OutboxMessage, message_id, populate_existing=True)


SCRUBBED = "(removed after delivery)"


def mark_sent(session: Session, message: OutboxMessage, *, now: datetime, keep_body: bool = False) -> None:
    """Delivered. The body held working links and codes: unless kept (for the
    development page of sent mail), it goes, so a copy of the database can't
    be turned into them."""
    message.sent_at = now
    message.attempts += 1
    message.last_error = None
    if not keep_body:
        message.body_text = SCRUBBED
    session.flush()


def mark_failed(session: Session, message: OutboxMessage, error: str, *, now: datetime, max_attempts: int) -> None:
    message.attempts += 1
    message.last_error = error[:500]
    if message.attempts >= max_attempts:
        message.failed_at = now
        message.body_text = SCRUBBED  # given up: its links and codes must not linger
    else:
        message.next_attempt_at = now + backoff(message.attempts)
    session.flush()


def deliver_due(
    new_session: Callable[[], Session],
    send: Callable[[OutboxMessage], None],
    *,
    now: datetime,
    max_attempts: int,
    only: list[int] | None = None,
    keep_body: bool = False,
) -> tuple[int, int]:
    """Send what is due, each message in its own short transactions.

    Returns (sent, failed). `send` raises on failure.
    """
    sent = failed = 0
    with new_session() as session:
        ids = due_ids(session, now=now, only=only)
        session.rollback()
    for message_id in ids:
        with new_session() as session:
            message = claim(session, message_id, now=now)
            session.commit()
        if message is None:
            continue
        try:
            send(message)
        except Exception as error:  # noqa: BLE001 - any failure is retried later
            with new_session() as session:
                message = session.get(OutboxMessage, message_id)
                mark_failed(session, message, f"{type(error).__name__}: {error}", now=now, max_attempts=max_attempts)
                session.commit()
            failed += 1
        else:
            with new_session() as session:
                message = session.get(OutboxMessage, message_id)
                mark_sent(session, message, now=now, keep_body=keep_body)
                session.commit()
            sent += 1
    return sent, failed


def recent(session: Session, limit: int = 50) -> list[OutboxMessage]:
    return list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(limit)))
