"""Reading and writing a chat's messages through the homeserver, as the
member (the application service acts for them; they never log in there).

Message text is never stored by the site: it stays in the room."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone

from markupsafe import Markup, escape
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import ChatMember, MatrixAccount, MatrixRoom
from .client import MatrixClient, MatrixError, quote

MAX_LENGTH = 2000
PAGE = 20  # the first screen stays within 20 KB of HTML and CSS


@dataclass
class Message:
    event_id: str
    sender: str
    mine: bool
    at: datetime
    body: str


@dataclass
class Page:
    messages: list[Message]  # oldest first
    older: str | None  # token for the page before, if any
    newer: str | None  # token to ask for what comes after


def where_member(session: Session, chat_id: int, user_id: int) -> tuple[str, str] | None:
    """(room id, the member's Matrix id) once the homeserver has them in the room."""
    row = session.execute(
        select(MatrixRoom.room_id, MatrixAccount.mxid, ChatMember.matrix_state)
        .join(ChatMember, ChatMember.chat_id == MatrixRoom.chat_id)
        .join(MatrixAccount, MatrixAccount.user_id == ChatMember.user_id)
        .where(MatrixRoom.chat_id == chat_id, ChatMember.user_id == user_id)).first()
    if row is None or row.matrix_state != "joined":
        return None
    return row.room_id, row.mxid


def _names(session: Session, mxids: set[str]) -> dict[str, str]:
    if not mxids:
        return {}
    return dict(session.execute(select(MatrixAccount.mxid, MatrixAccount.display_name)
                                .where(MatrixAccount.mxid.in_(mxids))).all())


def _message(event: dict, names: dict[str, str], me: str) -> Message | None:
    content = event.get("content") or {}
    body = content.get("body")
    if event.get("type") != "m.room.message" or not isinstance(body, str):
        return None  # redacted, or not text
    sender = event.get("sender", "")
    stamp = datetime.fromtimestamp(event.get("origin_server_ts", 0) / 1000, tz=timezone.utc)
    return Message(event_id=event.get("event_id", ""), sender=names.get(sender) or "Школа", mine=sender == me,
                   at=stamp, body=body[:MAX_LENGTH * 2])


def read(session: Session, client: MatrixClient, room_id: str, mxid: str, *, before: str | None = None,
         after: str | None = None) -> Page:
    """A page of messages: the latest, those before `before`, or those after `after`."""
    if after:
        answer = client.messages(room_id, mxid, start=after, limit=PAGE, direction="f")
        events = answer.get("chunk", [])
    else:
        answer = client.messages(room_id, mxid, start=before, limit=PAGE, direction="b")
        events = list(reversed(answer.get("chunk", [])))
    names = _names(session, {e.get("sender", "") for e in events})
    messages = [m for e in events if (m := _message(e, names, mxid)) is not None]
    if after:
        return Page(messages, older=None, newer=answer.get("end") or after)
    more = answer.get("end") if len(answer.get("chunk", [])) == PAGE else None
    # Read backwards from the end, `start` is where «what's new» begins.
    return Page(messages, older=more, newer=None if before else answer.get("start"))


def app_link(room_id: str, server_name: str) -> str:
    """A link that opens the room in a Matrix app on the phone."""
    return f"https://matrix.to/#/{quote(room_id)}?via={quote(server_name)}"


def quiet_refusal(error: MatrixError) -> dict | None:
    """The quiet hours the engine refused a message for (matrix/quiet_hours.py)."""
    start, end = error.payload.get("quiet_hours_start"), error.payload.get("quiet_hours_end")
    if error.status != 403 or not isinstance(start, str) or not isinstance(end, str):
        return None
    return {"start": start[:5], "end": end[:5]}


def post(client: MatrixClient, room_id: str, mxid: str, body: str, txn_id: str) -> str:
    """Send as the member; the same transaction id twice sends once (a
    weak connection's repeated tap)."""
    return client.send_text(room_id, mxid, body, txn_id)


_LINK = re.compile(r"\bhttps?://[^\s<>\"']+", re.IGNORECASE)


def linkify(text: str) -> Markup:
    """Plain text as HTML: everything escaped, line breaks kept, and web
    addresses made into links that open apart and tell nobody where from."""
    parts, last = [], 0
    for match in _LINK.finditer(text):
        url = match.group(0).rstrip(".,;:!?)»")
        start, end = match.start(), match.start() + len(url)
        parts.append(escape(text[last:start]))
        parts.append(Markup('<a href="{0}" rel="nofollow noopener noreferrer" target="_blank">{0}</a>').format(url))
        last = end
    parts.append(escape(text[last:]))
    return Markup("").join(parts).replace("\n", Markup("<br>"))
