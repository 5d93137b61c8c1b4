"""A person's dated history in an organisation, for its administrators."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import PersonEvent

EVENT_KINDS = (
    "transferred", "left", "lead_assigned", "lead_removed", "teacher_attached", "teacher_detached",
    "admin_granted", "admin_revoked", "position_set", "position_removed",
)


def note(session: Session, *, org_id: int, user_id: int, kind: str, now: datetime, actor_id: int | None,
         **details: Any) -> PersonEvent:
    """Add a line to the person's history (the audit log is written by the caller)."""
    if kind not in EVENT_KINDS:
        raise ValueError(kind)
    event = PersonEvent(org_id=org_id, user_id=user_id, kind=kind, details=details, actor_id=actor_id,
                        occurred_at=now)
    session.add(event)
    return event


def history_of(session: Session, org_id: int, user_id: int) -> list[PersonEvent]:
    """The person's history in the organisation, oldest first (one indexed query)."""
    return list(session.scalars(select(PersonEvent).where(
        PersonEvent.org_id == org_id, PersonEvent.user_id == user_id)
        .order_by(PersonEvent.occurred_at, PersonEvent.id)))
