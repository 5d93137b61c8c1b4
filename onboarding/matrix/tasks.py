"""The queue of changes Synapse has yet to follow.

Every change to who is in which chat is noted as a task in the same
transaction as the change itself (a listener on the session sees it at
flush), so nothing the site decides can be lost on the way to the
homeserver. The worker applies tasks after commit, and `flask matrix sync`
retries what failed, with backoff.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import event, func, insert, inspect, select, update
from sqlalchemy.orm import Session

from ..models import Chat, ChatMember, MatrixTask, Membership, User, utcnow

LEASE = timedelta(minutes=2)
# Changes that concern the homeserver; matrix_state is the worker's own note.
_MEMBER_FIELDS = ("left_at", "role", "blocked_until")
_CHAT_FIELDS = ("title", "archived_at")
_USER_FIELDS = ("last_name", "first_name", "patronymic", "status")
# Administrator rights in force (`members.holds_admin_rights`): an admin
# membership's own (its verification follows the teacher status vouching for it).
_RIGHTS_FIELDS = ("left_at", "verification")


def enqueue(session: Session, kind: str, *, org_id: int | None, chat_id: int | None = None,
            user_id: int | None = None, now: datetime | None = None) -> int:
    """Note a task in the session's transaction; returns its id."""
    now = now or utcnow()
    task_id = session.connection().execute(insert(MatrixTask).values(
        org_id=org_id, kind=kind, chat_id=chat_id, user_id=user_id, created_at=now, next_attempt_at=now,
        attempts=0).returning(MatrixTask.id)).scalar_one()
    session.info.setdefault("matrix_new", []).append(task_id)
    return task_id


def _changed(obj, fields: tuple[str, ...]) -> bool:
    state = inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in fields)


def note_changes(session: Session, _flush_context) -> None:
    """After each flush: a task for every membership, chat or name that
    changed, and for the system channels (who writes there) wherever
    administrator rights may have changed."""
    rights_changed = set()
    for obj in list(session.new) + list(session.dirty):
        if isinstance(obj, ChatMember) and (obj in session.new or _changed(obj, _MEMBER_FIELDS)):
            enqueue(session, "member", org_id=obj.org_id, chat_id=obj.chat_id, user_id=obj.user_id)
        elif isinstance(obj, Chat) and (obj in session.new or _changed(obj, _CHAT_FIELDS)):
            enqueue(session, "room", org_id=obj.org_id, chat_id=obj.id)
        elif isinstance(obj, User) and obj not in session.new and _changed(obj, _USER_FIELDS):
            enqueue(session, "account", org_id=None, user_id=obj.id)
        elif (isinstance(obj, Membership) and obj.role == "admin"
              and (obj in session.new or _changed(obj, _RIGHTS_FIELDS))):
            rights_changed.add(obj.org_id)
    for org_id in sorted(rights_changed):
        for chat_id in session.connection().execute(select(Chat.id).where(
                Chat.org_id == org_id, Chat.kind == "channel", Chat.archived_at.is_(None))).scalars():
            enqueue(session, "room", org_id=org_id, chat_id=chat_id)


def listen() -> None:
    if not event.contains(Session, "after_flush", note_changes):
        event.listen(Session, "after_flush", note_changes)


def backoff(attempts: int) -> timedelta:
    """10 s, 20 s, 40 s, ... up to an hour: the homeserver must catch up in the end."""
    return timedelta(seconds=min(10 * 2 ** max(attempts - 1, 0), 3600))


def due_ids(session: Session, *, now: datetime, limit: int = 500, only: list[int] | None = None) -> list[int]:
    query = select(MatrixTask.id).where(MatrixTask.done_at.is_(None), MatrixTask.next_attempt_at <= now)
    if only is not None:
        query = query.where(MatrixTask.id.in_(only))
    return list(session.scalars(query.order_by(MatrixTask.id).limit(limit)))


def claim(session: Session, task_id: int, *, now: datetime) -> MatrixTask | None:
    """Lease one task to this worker so no other applies it meanwhile."""
    result = session.execute(
        update(MatrixTask)
        .where(MatrixTask.id == task_id, MatrixTask.done_at.is_(None), MatrixTask.next_attempt_at <= now)
        .values(next_attempt_at=now + LEASE)
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        return None
    return session.get(MatrixTask, task_id, populate_existing=True)


def mark_done(session: Session, task: MatrixTask, *, read_at: datetime, now: datetime) -> None:
    """Done, and with it every waiting task about the same thing noted
    before the worker read the site's state: they would only read it again."""
    session.execute(
        update(MatrixTask)
        .where(MatrixTask.done_at.is_(None), MatrixTask.kind == task.kind,
               _same(MatrixTask.chat_id, task.chat_id), _same(MatrixTask.user_id, task.user_id),
               MatrixTask.created_at <= read_at)
        .values(done_at=now, last_error=None)
        .execution_options(synchronize_session=False))
    task.done_at, task.last_error = now, None
    task.attempts += 1
    session.flush()


def _same(column, value):
    return column.is_(None) if value is None else column == value


def mark_failed(session: Session, task: MatrixTask, error: str, *, now: datetime) -> None:
    task.attempts += 1
    task.last_error = error[:500]
    task.next_attempt_at = now + backoff(task.attempts)
    session.flush()


def retry_now(session: Session, *, now: datetime) -> None:
    """Make every waiting task due (the homeserver has just come back)."""
    session.execute(update(MatrixTask).where(MatrixTask.done_at.is_(None), MatrixTask.next_attempt_at > now)
                    .values(next_attempt_at=now).execution_options(synchronize_session=False))


def waiting(session: Session, *, now: datetime) -> tuple[int, datetime | None]:
    """How many tasks wait, and since when the oldest (for /healthz)."""
    count, oldest = session.execute(select(func.count(), func.min(MatrixTask.created_at))
                                    .where(MatrixTask.done_at.is_(None))).one()
    return count, oldest
