"""Bringing a whole organisation's rooms to the site's state at once: on a
new homeserver, or after drift. A member who left a room of their own will
in an app is marked as having left on the site, never joined back."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from ..models import Chat, ChatMember, MatrixAccount, MatrixRoom
from . import inbound, sync
from .client import MatrixClient


def forget_homeserver(session: Session, org_id: int) -> None:
    """A new, empty homeserver: what the site knew of the old one is void."""
    chat_ids = select(Chat.id).where(Chat.org_id == org_id)
    session.execute(update(ChatMember).where(ChatMember.org_id == org_id).values(matrix_state=None)
                    .execution_options(synchronize_session=False))
    for room in session.scalars(select(MatrixRoom).where(MatrixRoom.chat_id.in_(chat_ids))):
        session.delete(room)
    # Their accounts are gone with the old homeserver too: made again on the way.
    members = select(ChatMember.user_id).where(ChatMember.org_id == org_id)
    session.execute(delete(MatrixAccount).where(MatrixAccount.user_id.in_(members))
                    .execution_options(synchronize_session=False))
    session.flush()


def reconcile_chat(session: Session, client: MatrixClient, chat: Chat, *, prefix: str, now: datetime,
                   oidc_provider: str | None = None) -> dict:
    """One room against the site's members: returns counts of what changed."""
    counts = {"joined": 0, "removed": 0, "left_in_app": 0}
    sync.sync_room(session, client, chat, now=now)
    room = session.get(MatrixRoom, chat.id)
    in_room: dict[str, dict] = {}
    for event in client.room_state(room.room_id):
        if event.get("type") == "m.room.member":
            in_room[event["state_key"]] = event
    rows = session.execute(select(ChatMember, MatrixAccount.mxid)
                           .outerjoin(MatrixAccount, MatrixAccount.user_id == ChatMember.user_id)
                           .where(ChatMember.chat_id == chat.id)).all()
    for row, mxid in rows:
        event = in_room.get(mxid) if mxid else None
        membership = (event or {}).get("content", {}).get("membership")
        if row.left_at is None and membership != "join":
            if event is not None and inbound.is_own_leave(event):
                counts["left_in_app"] += inbound.member_left(session, room.room_id, mxid, now=now) is not None
                continue
            row.matrix_state = None
            counts["joined"] += 1
        elif row.left_at is not None and membership == "join":
            row.matrix_state = "joined"
            counts["removed"] += 1
        sync.sync_member(session, client, row, prefix=prefix, now=now, oidc_provider=oidc_provider, power=False)
    sync.sync_power(session, client, chat, room, now=now)  # once for the room, not once per member
    return counts


def reconcile_org(new_session, client: MatrixClient, org_id: int, *, prefix: str, now: datetime, fresh: bool,
                  oidc_provider: str | None = None) -> dict:
    totals = {"rooms": 0, "joined": 0, "removed": 0, "left_in_app": 0}
    if fresh:
        with new_session() as session:
            forget_homeserver(session, org_id)
            session.commit()
    with new_session() as session:
        chat_ids = list(session.scalars(select(Chat.id).where(Chat.org_id == org_id, Chat.archived_at.is_(None))
                                        .order_by(Chat.id)))
        session.rollback()
    for chat_id in chat_ids:
        with new_session() as session:
            counts = reconcile_chat(session, client, session.get(Chat, chat_id), prefix=prefix, now=now,
                                    oidc_provider=oidc_provider)
            session.commit()
        totals["rooms"] += 1
        for key, value in counts.items():
            totals[key] += value
    return totals
