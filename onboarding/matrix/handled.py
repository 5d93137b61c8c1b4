"""What the homeserver pushed and the site has handled, remembered once by
key (an event id, or a digest of a push's messages): Synapse resends a
push until the site answers it, and copies may arrive at the same moment."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from ..models import MatrixEvent


def dialect_insert(session: Session):
    """The database's own INSERT, for ON CONFLICT (PostgreSQL and SQLite alike)."""
    return postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert


def remember(session: Session, key: str, *, now: datetime) -> bool:
    """Note `key` as handled; False when it was noted before. A copy racing
    another waits on the key until the first one's transaction ends, then
    finds it: no error, nothing done twice."""
    statement = dialect_insert(session)(MatrixEvent).values(event_id=key[:255], received_at=now)
    return session.execute(statement.on_conflict_do_nothing(index_elements=[MatrixEvent.event_id])
                           .returning(MatrixEvent.event_id)).first() is not None
