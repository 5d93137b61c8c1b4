"""The audit log: who did what, when."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from ..models import AuditEvent


def record(
    session: Session,
    action: str,
    *,
    now: datetime,
    org_id: int | None = None,
    actor_id: int | None = None,
    target: Any = None,
    **details: Any,
) -> AuditEvent:
    event = AuditEvent(
        org_id=org_id,
        actor_id=actor_id,
        action=action,
        target_type=type(target).__tablename__ if target is not None else None,
        target_id=getattr(target, "id", None),
        details=details,
        created_at=now,
    )
    session.add(event)
    return event
