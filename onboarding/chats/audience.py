"""Whom the chats made after a unit's standard ones are for: a teacher's
subject chats, the director's chats and the organisation's system channels.

`offers` answers for one chat and one member; `chats.operations.eligible_chats`
asks it, so joining, staying, reading and the choosing page follow it.
Who writes in a channel: `channel_posters`.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Chat, Membership, chat_audience
from ..orgs.policy import posting
from ..people import members

# A director's chat: "teachers" is every verified teacher, now and later; the
# others are offered to the people the director (or an administrator) chose.
DIRECTOR_AUDIENCES = ("deputies", "teachers", "parents_committee", "students_committee")
DIRECTOR_POSITION = "director"


def is_director(held: list[Membership]) -> bool:
    """The director: a verified staff member whose staff-room membership
    holds the position."""
    return members.teacher_verification(held) == "verified" and any(
        m.unit.kind == "staff_room" and m.position == DIRECTOR_POSITION for m in held)


def chosen_chat_ids(session: Session, user_id: int, org_id: int) -> set[int]:
    """The director's chats this person was chosen for."""
    return set(session.scalars(
        select(chat_audience.c.chat_id).join(Chat, Chat.id == chat_audience.c.chat_id)
        .where(chat_audience.c.user_id == user_id, Chat.org_id == org_id)))


def offers(chat: Chat, *, user_id: int, held: list[Membership], teacher_state: str | None,
           chosen: set[int]) -> bool:
    """Whether this subject chat, director's chat or channel is for the member
    whose memberships in force are `held`.

    - a subject chat: the unit's pupils and/or parents, as its teacher chose,
      and the teacher who made it while they teach there;
    - a director's chat: the director, the administrator who made it, and
      every verified teacher («all teachers») or the people chosen;
    - a channel: every member («all»), or the staff (as the staff chat).
    """
    if chat.kind == "subject":
        roles = {m.role for m in held if m.unit_id == chat.unit_id}
        return bool(roles & set((chat.audience or "").split(","))) or (
            "teacher" in roles and chat.created_by_id == user_id)
    if chat.kind == "director":
        if is_director(held) or (chat.created_by_id == user_id and members.is_admin(held)):
            return True
        return teacher_state == "verified" if chat.audience == "teachers" else chat.id in chosen
    if chat.kind == "channel":
        if chat.audience == "staff":
            return any(m.role in ("admin", "teacher") and m.unit.kind == "staff_room" for m in held)
        # Everyone, except that a pending teacher sees nobody beyond the staff room.
        return any(m.role != "teacher" or teacher_state == "verified" for m in held)
    return False


def moderates(chat: Chat, *, user_id: int, held: list[Membership]) -> bool:
    """Who moderates a created chat: the teacher or administrator who made it,
    and in a director's chat the director."""
    return chat.created_by_id == user_id or (chat.kind == "director" and is_director(held))


def channel_posters(session: Session, chat: Chat) -> set[int] | None:
    """Who may write in this chat when not every member may (None): in a
    system channel the organisation's administrators in force."""
    if posting(chat.kind) != "admins":
        return None
    admins = session.scalars(select(Membership).where(
        Membership.org_id == chat.org_id, Membership.role == "admin", Membership.left_at.is_(None)))
    return {m.user_id for m in admins if members.holds_admin_rights(m)}
