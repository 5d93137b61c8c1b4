"""Messages per chat per week, counted from the homeserver's pushes: one
upsert per (chat, week) per pushed transaction; never the text, never the
sender. A transaction the homeserver resends (it didn't get the answer) is
counted once."""
from __future__ import annotations

from collections import Counter
from datetime import datetime, timezone
from hashlib import sha256

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..matrix import handled
from ..models import Chat, ChatWeekCount, MatrixRoom, Organisation
from .weeks import local_date, week_start


def is_message(event) -> bool:
    return (isinstance(event, dict) and event.get("type") == "m.room.message"
            and isinstance(event.get("room_id"), str))


def _sent_at(event: dict, now: datetime) -> datetime:
    stamp = event.get("origin_server_ts")
    if isinstance(stamp, int) and not isinstance(stamp, bool) and 0 < stamp < 2 ** 46:
        return datetime.fromtimestamp(stamp / 1000, tz=timezone.utc)
    return now


def count_messages(session: Session, events: list, *, now: datetime) -> int:
    """Add the messages among `events` to their chats' weekly counts (rooms
    the site doesn't know are ignored). Returns how many were counted:
    none when these messages were counted before."""
    messages = [event for event in events if is_message(event)]
    if not messages or not _first_push(session, messages, now=now):
        return 0
    rooms = {room_id: (chat_id, zone) for room_id, chat_id, zone in session.execute(
        select(MatrixRoom.room_id, Chat.id, Organisation.timezone)
        .join(Chat, Chat.id == MatrixRoom.chat_id).join(Organisation, Organisation.id == Chat.org_id)
        .where(MatrixRoom.room_id.in_({event["room_id"] for event in messages})))}
    counts: Counter = Counter()
    for event in messages:
        if event["room_id"] in rooms:
            chat_id, zone = rooms[event["room_id"]]
            counts[(chat_id, week_start(local_date(_sent_at(event, now), zone)))] += 1
    insert = handled.dialect_insert(session)
    for (chat_id, week), number in sorted(counts.items()):
        statement = insert(ChatWeekCount).values(chat_id=chat_id, week_start=week, messages=number)
        session.execute(statement.on_conflict_do_update(
            index_elements=[ChatWeekCount.chat_id, ChatWeekCount.week_start],
            set_={"messages": ChatWeekCount.messages + statement.excluded.messages}))
    return sum(counts.values())


def _first_push(session: Session, messages: list[dict], *, now: datetime) -> bool:
    """Remember the push by a digest of its messages' event ids (Synapse's
    transaction ids start again after a restart), one row per push; False
    when it was remembered before. A copy pushed at the same moment waits on
    the key until the first one's transaction ends, then finds it: no error,
    no second count."""
    ids = sorted(str(message.get("event_id")) for message in messages)
    return handled.remember(session, "txn:" + sha256("\n".join(ids).encode()).hexdigest(), now=now)
