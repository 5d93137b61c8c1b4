"""How many password-reset mails one account receives.

Counted in the database, so the limit holds across workers and while the
rate-limit store is down; the account's row is locked while counting, so
requests arriving at once can't all slip under it.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from ..models import PasswordResetRequest, User

WINDOW = timedelta(hours=1)


def may_send_reset_mail(session: Session, user: User, *, now: datetime, per_hour: int) -> bool:
    """True, and the mail is counted, if fewer than `per_hour` reset mails
    went to this account in the last hour; otherwise False (send nothing)."""
    session.execute(select(User.id).where(User.id == user.id).with_for_update())
    sent = session.scalar(
        select(func.count(PasswordResetRequest.id)).where(
            PasswordResetRequest.user_id == user.id, PasswordResetRequest.created_at > now - WINDOW
        )
    )
    if sent >= per_hour:
        return False
    session.add(PasswordResetRequest(user_id=user.id, created_at=now))
    session.flush()
    return True


def prune_reset_requests(session: Session, *, now: datetime) -> int:
    """Forget reset mails older than the window; returns how many rows went."""
    result = session.execute(
        delete(PasswordResetRequest)
        .where(PasswordResetRequest.created_at <= now - WINDOW)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount
