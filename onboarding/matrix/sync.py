"""Bringing the homeserver to the site's state, one task at a time.

Each function reads what the site holds now and makes Synapse match it, so
running one twice, or out of order, does no harm. The site removes people
from rooms only by kicking them: a leave whose sender is the member is then
always their own (see inbound.py).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..chats.audience import channel_posters
from ..models import Chat, ChatMember, MatrixAccount, MatrixRoom, MatrixTask, Organisation, User
from ..orgs.policy import QUIET_FROM, QUIET_UNTIL, posting
from ..people import members
from .client import MatrixClient, MatrixError

MODERATOR, MUTED = 50, -1
# The room state the quiet-hours module reads (matrix/quiet_hours.py).
QUIET_STATE = "ru.school.quiet_hours"
# Only the site adds, removes or renames; moderators may delete messages.
ROOM_POWER = {
    "users_default": 0, "events_default": 0, "state_default": 100, "invite": 100, "kick": 100, "ban": 100,
    "redact": MODERATOR,
    "events": {"m.room.name": 100, "m.room.avatar": 100, "m.room.canonical_alias": 100, "m.room.topic": 100,
               "m.room.power_levels": 100, "m.room.history_visibility": 100, "m.room.encryption": 100,
               "m.room.server_acl": 100, "m.room.tombstone": 150, "m.room.redaction": 0},
}
_ROLE_WORDS = {"admin": "администратор", "parent": "родитель"}
_STUDENT_WORDS = {"school": "ученик", "college": "студент", "kindergarten": "воспитанник"}
_STAFF_WORDS = {"school": "учитель", "college": "преподаватель", "kindergarten": "воспитатель"}


def room_power(chat: Chat) -> dict:
    """A channel's members read and its posters (the administrators, 50) write."""
    return {**ROOM_POWER, "events_default": MODERATOR} if posting(chat.kind) == "admins" else ROOM_POWER


def display_name(session: Session, user: User) -> str:
    """Name and role as members see them on the site: «Петрова А. И., учитель»."""
    held = members.memberships_of(session, user.id)
    if not held:
        return user.short_name
    kind = held[0].unit.organisation.kind
    roles = {m.role for m in held}
    role = next(r for r in ("admin", "teacher", "parent", "student") if r in roles) if roles else "parent"
    word = {"teacher": _STAFF_WORDS.get(kind), "student": _STUDENT_WORDS.get(kind)}.get(role, _ROLE_WORDS.get(role))
    return f"{user.short_name}, {word}" if word else user.short_name


def localpart(prefix: str, user_id: int) -> str:
    """A member's Matrix localpart, and the subject the site's OpenID provider
    gives them: Synapse links the two through `external_ids`."""
    return f"{prefix}{user_id}"


def ensure_account(session: Session, client: MatrixClient, user: User, *, prefix: str, now: datetime,
                   oidc_provider: str | None = None) -> MatrixAccount:
    """The member's Matrix account, made by the site with their name and role
    only (no e-mail, no phone), linked for single sign-on: the subject the
    site's OpenID provider gives is the account's localpart."""
    account = session.get(MatrixAccount, user.id)
    name = display_name(session, user)
    if account is None:
        name_here = localpart(prefix, user.id)
        client.register(name_here)
        account = MatrixAccount(user_id=user.id, mxid=client.mxid(name_here), created_at=now)
        session.add(account)
        if oidc_provider:  # one admin call: the link for single sign-on and the name
            client.admin_update_user(account.mxid, {"displayname": name, "external_ids": [
                {"auth_provider": oidc_provider, "external_id": name_here}]})
            account.display_name = name
    if account.display_name != name:
        client.set_display_name(account.mxid, name)
        account.display_name = name
    session.flush()
    return account


def ensure_room(session: Session, client: MatrixClient, chat: Chat, *, now: datetime) -> MatrixRoom:
    room = session.get(MatrixRoom, chat.id)
    if room is None:
        room = MatrixRoom(chat_id=chat.id, room_id=client.create_room(chat.title), created_at=now)
        session.add(room)
        client.put_state(room.room_id, "m.room.power_levels", {**room_power(chat), "users": {}})
        quiet = quiet_hours_state(session, chat)
        if quiet:
            client.put_state(room.room_id, QUIET_STATE, quiet)
        session.flush()
    return room


def sync_room(session: Session, client: MatrixClient, chat: Chat, *, now: datetime) -> None:
    """The room exists, with the chat's name and the site's moderators."""
    room = ensure_room(session, client, chat, now=now)
    if client.state(room.room_id, "m.room.name").get("name") != chat.title:
        client.put_state(room.room_id, "m.room.name", {"name": chat.title})
    sync_power(session, client, chat, room, now=now)


def quiet_hours_state(session: Session, chat: Chat) -> dict | None:
    """A parents' chat's quiet hours, in the organisation's zone."""
    if chat.kind != "parents":
        return None
    org = session.get(Organisation, chat.org_id)
    return {"tz": org.timezone, "start": f"{QUIET_FROM:%H:%M}", "end": f"{QUIET_UNTIL:%H:%M}"}


def _wanted_level(row: ChatMember, now: datetime, posters: set[int] | None = None) -> int | None:
    if row.left_at is not None:
        return None
    if row.blocked_until is not None and row.blocked_until > now:
        return MUTED
    return MODERATOR if row.role == "moderator" or row.user_id in (posters or ()) else None


def sync_power(session: Session, client: MatrixClient, chat: Chat, room: MatrixRoom, *, now: datetime) -> None:
    """The power levels' users map from the site's moderators and blocks.

    Power levels are one document: the room's row is locked while it is
    read, changed and written, so two workers never undo each other."""
    session.execute(select(MatrixRoom).where(MatrixRoom.chat_id == room.chat_id).with_for_update())
    rows = session.execute(select(ChatMember, MatrixAccount.mxid)
                           .join(MatrixAccount, MatrixAccount.user_id == ChatMember.user_id)
                           .where(ChatMember.chat_id == chat.id)).all()
    posters = channel_posters(session, chat)
    wanted = {mxid: level for row, mxid in rows if (level := _wanted_level(row, now, posters)) is not None}
    current, power = client.state(room.room_id, "m.room.power_levels"), room_power(chat)
    if current.get("users", {}) != wanted or current.get("events_default") != power["events_default"]:
        client.put_state(room.room_id, "m.room.power_levels", {**current, **power, "users": wanted})


def sync_member(session: Session, client: MatrixClient, row: ChatMember, *, prefix: str, now: datetime,
                oidc_provider: str | None = None, power: bool = True) -> None:
    """One person's membership of one room, as the site has it; `power=False`
    where the caller brings the room's power levels up to date once for all
    its members (reconcile)."""
    chat = row.chat
    user = session.get(User, row.user_id)
    wanted = row.left_at is None and user.status == "active" and chat.archived_at is None
    if wanted:
        room = ensure_room(session, client, chat, now=now)
        account = ensure_account(session, client, user, prefix=prefix, now=now, oidc_provider=oidc_provider)
        if row.matrix_state != "joined":
            client.invite(room.room_id, account.mxid)
            client.join(room.room_id, account.mxid)
            row.matrix_state = "joined"
            session.flush()
        # Always compared (one read): a block that ended or a moderator who
        # stepped down must leave the users map too.
        if power:
            sync_power(session, client, chat, room, now=now)
        return
    room = session.get(MatrixRoom, chat.id)
    account = session.get(MatrixAccount, user.id)
    if row.matrix_state == "joined" and room is not None and account is not None:
        try:
            client.kick(room.room_id, account.mxid, "Вышел из чата на сайте школы")
        except MatrixError as error:
            if error.status != 403:  # not in the room any more: nothing to undo
                raise
        row.matrix_state = "left"
        session.flush()
        if power:
            sync_power(session, client, chat, room, now=now)


def sync_account(session: Session, client: MatrixClient, user: User, *, prefix: str, now: datetime) -> None:
    """Name changes follow; an account closed on the site is locked there."""
    account = session.get(MatrixAccount, user.id)
    if account is None:
        return
    if user.status == "active":
        ensure_account(session, client, user, prefix=prefix, now=now)
    else:
        client.admin_update_user(account.mxid, {"locked": True})


def apply(session: Session, client: MatrixClient, task: MatrixTask, *, prefix: str, now: datetime,
          oidc_provider: str | None = None) -> None:
    if task.kind == "member":
        row = session.scalars(select(ChatMember).where(ChatMember.chat_id == task.chat_id,
                                                       ChatMember.user_id == task.user_id)).first()
        if row is not None:
            sync_member(session, client, row, prefix=prefix, now=now, oidc_provider=oidc_provider)
    elif task.kind == "room":
        chat = session.get(Chat, task.chat_id)
        if chat is not None and chat.archived_at is None:
            sync_room(session, client, chat, now=now)
    elif task.kind == "account":
        user = session.get(User, task.user_id)
        if user is not None:
            sync_account(session, client, user, prefix=prefix, now=now)
