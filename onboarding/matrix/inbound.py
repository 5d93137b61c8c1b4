"""What the homeserver tells the site: events pushed to the application
service. The one the site acts on is a member leaving a room of their own
will in a Matrix app; it then counts as leaving the chat on the site, and
the site never joins them back by itself. Messages are only counted, per
chat and week, for the statistics (never their text or sender)."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ..core import audit
from ..models import ChatMember, MatrixAccount, MatrixEvent, MatrixRoom
from ..stats.counting import count_messages
from . import handled


# Synapse resends a push only until the site answers it (minutes, or until
# the site is back); a week later its ids are no longer needed.
HANDLED_KEPT = timedelta(days=7)


def forget_handled(session: Session, *, now: datetime) -> int:
    """Drop the ids of events and pushes handled more than a week ago."""
    return session.execute(delete(MatrixEvent).where(MatrixEvent.received_at < now - HANDLED_KEPT)).rowcount


def is_own_leave(event: dict) -> bool:
    """A leave whose sender is the member: the site removes people only by
    kicking (sender ≠ member), so this is always the member's own choice."""
    return (event.get("type") == "m.room.member" and isinstance(event.get("content"), dict)
            and event["content"].get("membership") == "leave"
            and event.get("sender") is not None and event.get("sender") == event.get("state_key"))


def handle_events(session: Session, events: list, *, now: datetime) -> list[ChatMember]:
    """Handle each event once (by event id: Synapse's transaction ids start
    again after a restart). Returns the memberships that ended."""
    count_messages(session, events, now=now)  # per chat and week, no text, no sender; a resent push once
    ended = []
    for event in events:
        # Only the events the site acts on are remembered: messages and the
        # site's own joins and kicks pass through without a write.
        if not isinstance(event, dict) or not isinstance(event.get("event_id"), str) or not is_own_leave(event):
            continue
        if not handled.remember(session, event["event_id"], now=now):
            continue
        row = member_left(session, str(event.get("room_id")), event["state_key"], now=now)
        if row is not None:
            ended.append(row)
    session.flush()
    return ended


def member_left(session: Session, room_id: str, mxid: str, *, now: datetime) -> ChatMember | None:
    """The member left the room in an app: their membership ends (the row,
    or None if it had ended already or the site doesn't know them)."""
    row = session.scalars(
        select(ChatMember)
        .join(MatrixRoom, MatrixRoom.chat_id == ChatMember.chat_id)
        .join(MatrixAccount, MatrixAccount.user_id == ChatMember.user_id)
        .where(MatrixRoom.room_id == room_id, MatrixAccount.mxid == mxid)).first()
    if row is None:
        return None
    row.matrix_state = "left"
    if row.left_at is not None:
        return None
    row.left_at = now
    session.flush()
    audit.record(session, "chat.left", now=now, org_id=row.org_id, actor_id=row.user_id, target=row.chat,
                 via="matrix")
    return row
