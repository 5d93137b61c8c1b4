"""Chats made after a unit's standard ones: a teacher's subject chat, the
director's chats, the organisation's system channels. Whom each is for is
`chats.audience`; joining stays voluntary (the maker alone is in it at once,
as its moderator)."""
from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from ..core import audit
from ..core.errors import DomainError, PermissionDenied
from ..models import Chat, ChatMember, Membership, Organisation, Unit, User, chat_audience
from ..orgs.policy import channel_titles, learners_join
from ..people import members
from .audience import is_director

SUBJECT_NAME = re.compile(r"[A-Za-zА-Яа-яЁё]+(?:[ -][A-Za-zА-Яа-яЁё]+)*")
SUBJECT_LENGTH = (2, 60)
MAX_CHOSEN = 200
# Stored in Russian, as members see them; the words of each kind.
DIRECTOR_TITLES = {
    "school": {"deputies": "Директор и заместители", "teachers": "Директор и учителя",
               "parents_committee": "Родительский комитет", "students_committee": "Ученический совет"},
    "college": {"deputies": "Директор и заместители", "teachers": "Директор и преподаватели",
                "parents_committee": "Родительский комитет", "students_committee": "Студенческий совет"},
    "kindergarten": {"deputies": "Заведующий и заместители", "teachers": "Заведующий и сотрудники",
                     "parents_committee": "Родительский комитет"},
}
# Whom the people of a chosen audience are picked from.
CHOSEN_ROLES = {"deputies": ("admin", "teacher"), "parents_committee": ("parent",),
                "students_committee": ("student",)}


class SubjectNameInvalid(DomainError):
    pass


class ChatExists(DomainError):
    def __init__(self, chat: Chat):
        super().__init__(chat.title)
        self.chat = chat


class NobodyChosen(DomainError):
    pass


def _join_as_moderator(session: Session, chat: Chat, user_id: int, now: datetime) -> None:
    session.add(ChatMember(org_id=chat.org_id, chat_id=chat.id, user_id=user_id, role="moderator", joined_at=now))
    session.flush()


# --- Subject chats -----------------------------------------------------------


def subject_units(session: Session, user_id: int, org_id: int) -> list[Unit]:
    """The units where this member may make a subject chat: those they teach,
    once their teacher status is verified."""
    held = members.memberships_of(session, user_id, org_id)
    if members.teacher_verification(held) != "verified":
        return []
    units = {m.unit_id: m.unit for m in held if m.role == "teacher" and m.unit.kind != "staff_room"}
    return sorted(units.values(), key=lambda unit: unit.sort_key)


def clean_subject(subject: str) -> str:
    """«  математика » → «Математика»; SubjectNameInvalid unless 2–60 letters
    (words joined by a space or a hyphen)."""
    subject = " ".join(subject.split())
    low, high = SUBJECT_LENGTH
    if not low <= len(subject) <= high or not SUBJECT_NAME.fullmatch(subject):
        raise SubjectNameInvalid()
    return subject[0].upper() + subject[1:]


def create_subject_chat(session: Session, org: Organisation, *, unit_id: int, subject: str, with_parents: bool,
                        creator_id: int, now: datetime) -> Chat:
    """«Математика · 5А» for the unit's pupils (and parents, if chosen; in a
    kindergarten its parents only); its teacher moderates it."""
    unit = next((u for u in subject_units(session, creator_id, org.id) if u.id == unit_id), None)
    if unit is None:
        raise PermissionDenied("not their unit")
    subject = clean_subject(subject)
    if not learners_join(org.kind):
        roles = "parent"
    else:
        roles = "student,parent" if with_parents else "student"
    title = f"{subject} · {unit.name}"
    existing = session.scalars(select(Chat).where(Chat.org_id == org.id, Chat.unit_id == unit.id,
                                                  Chat.kind == "subject", Chat.title == title,
                                                  Chat.archived_at.is_(None))).first()
    if existing is not None:
        raise ChatExists(existing)
    chat = Chat(org_id=org.id, unit_id=unit.id, kind="subject", title=title, audience=roles,
                created_by_id=creator_id, created_at=now)
    session.add(chat)
    session.flush()
    _join_as_moderator(session, chat, creator_id, now)
    audit.record(session, "chat.created", now=now, org_id=org.id, actor_id=creator_id, target=chat,
                 kind="subject", audience=roles)
    return chat


# --- The director's chats ----------------------------------------------------


def may_create_director_chats(session: Session, user_id: int, org_id: int) -> bool:
    """The director, or an administrator for them."""
    held = members.memberships_of(session, user_id, org_id)
    return is_director(held) or members.is_admin(held)


def director_audiences(org: Organisation) -> dict[str, str]:
    """The director's chats this kind of organisation has, with their titles."""
    return DIRECTOR_TITLES[org.kind]


def director_chats(session: Session, org_id: int) -> dict[str, Chat]:
    """The director's chats the organisation has, by audience."""
    return {chat.audience: chat for chat in session.scalars(select(Chat).where(
        Chat.org_id == org_id, Chat.kind == "director", Chat.archived_at.is_(None)))}


def candidates(session: Session, org_id: int, audience: str, *, query: str = "", limit: int = 60) -> list[User]:
    """The organisation's active people of the audience's roles, by name,
    those whose name holds every word of `query` (any case)."""
    rows = session.scalars(
        select(User).join(Membership, Membership.user_id == User.id)
        .where(Membership.org_id == org_id, Membership.left_at.is_(None), User.status == "active",
               Membership.role.in_(CHOSEN_ROLES[audience]))
        .distinct().order_by(User.last_name, User.first_name, User.id))
    words = query.casefold().replace("ё", "е").split()
    found = []
    for user in rows:
        name = user.full_name.casefold().replace("ё", "е")
        if all(word in name for word in words):
            found.append(user)
            if len(found) >= limit:
                break
    return found


def create_director_chat(session: Session, org: Organisation, *, audience: str, chosen: list[int],
                         creator_id: int, now: datetime) -> Chat:
    """One chat of each of the director's audiences: «all teachers» by role,
    the others offered to the people chosen (of the audience's roles)."""
    if audience not in director_audiences(org) or not may_create_director_chats(session, creator_id, org.id):
        raise PermissionDenied("director's chats")
    existing = session.scalars(select(Chat).where(Chat.org_id == org.id, Chat.kind == "director",
                                                  Chat.audience == audience, Chat.archived_at.is_(None))).first()
    if existing is not None:
        raise ChatExists(existing)
    people: set[int] = set()
    if audience != "teachers":
        allowed = {user.id for user in candidates(session, org.id, audience, limit=10_000)}
        people = {user_id for user_id in chosen if user_id in allowed} - {creator_id}
        if not people or len(people) > MAX_CHOSEN:
            raise NobodyChosen()
    chat = Chat(org_id=org.id, kind="director", title=DIRECTOR_TITLES[org.kind][audience], audience=audience,
                created_by_id=creator_id, created_at=now)
    session.add(chat)
    session.flush()
    if people:
        session.execute(insert(chat_audience), [{"chat_id": chat.id, "user_id": user_id} for user_id in sorted(people)])
    _join_as_moderator(session, chat, creator_id, now)
    audit.record(session, "chat.created", now=now, org_id=org.id, actor_id=creator_id, target=chat,
                 kind="director", audience=audience, chosen=len(people))
    return chat


# --- System channels ---------------------------------------------------------


def create_channels(session: Session, org: Organisation, *, now: datetime) -> list[Chat]:
    """The organisation's system channels its kind has, those it lacks (so
    running it again adds nothing): created with the organisation, and by
    `flask demo` / `flask chats channels` for one made before them."""
    have = set(session.scalars(select(Chat.audience).where(Chat.org_id == org.id, Chat.kind == "channel")))
    made = []
    for audience, title in channel_titles(org.kind).items():
        if audience not in have:
            chat = Chat(org_id=org.id, kind="channel", title=title, audience=audience, created_at=now)
            session.add(chat)
            made.append(chat)
    session.flush()
    for chat in made:
        audit.record(session, "chat.created", now=now, org_id=org.id, target=chat, kind="channel",
                     audience=chat.audience)
    return made
