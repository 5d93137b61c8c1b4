"""What each kind of organisation is, in one place: whether its learners
have accounts, what its staff room and staff are called in stored titles,
which standard chats its units get, and the parents' chat's quiet hours.

The UI's words for each kind live in `vocabulary.py`; the rules here.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import time


@dataclass(frozen=True)
class OrgPolicy:
    # Learners (pupils, students) register themselves; a kindergarten's
    # children have no accounts: staff and parents only.
    learners_join: bool
    # Stored in Russian, as members see them.
    staff_room_name: str
    staff_title: str  # «Учителя класса 5А»
    # The system channels (administrators post, members read): the whole
    # organisation's ("all") and the staff's; a kindergarten has only the staff's.
    channels: tuple[str, ...] = ("all", "staff")
    all_channel_title: str = "Общий канал"


POLICIES = {
    "school": OrgPolicy(learners_join=True, staff_room_name="Учительская", staff_title="Учителя",
                        all_channel_title="Общешкольный канал"),
    "kindergarten": OrgPolicy(learners_join=False, staff_room_name="Сотрудники", staff_title="Сотрудники",
                              channels=("staff",)),
    "college": OrgPolicy(learners_join=True, staff_room_name="Преподавательская", staff_title="Преподаватели"),
}

# The parents' chat: no messages before 07:00 or after 21:00, the
# organisation's local time.
QUIET_FROM = time(21, 0)
QUIET_UNTIL = time(7, 0)
# Who is exempt: the chat's moderators (its teachers), by power level.
QUIET_EXEMPT_LEVEL = 50


# Who writes in a chat of each kind: its members, except where only the
# organisation's administrators do (a system channel; the rest read).
POSTING = {"channel": "admins"}


def posting(chat_kind: str) -> str:
    return POSTING.get(chat_kind, "members")


def channel_titles(kind: str) -> dict[str, str]:
    """The organisation's system channels, by audience, with their stored titles."""
    titles = {"all": POLICIES[kind].all_channel_title, "staff": "Канал сотрудников"}
    return {audience: titles[audience] for audience in POLICIES[kind].channels}


def is_quiet(local: time, start: time = QUIET_FROM, end: time = QUIET_UNTIL) -> bool:
    """Whether a local time falls in the quiet hours (which may span midnight)."""
    if start <= end:
        return start <= local < end
    return local >= start or local < end


def policy(kind: str) -> OrgPolicy:
    return POLICIES[kind]


def learners_join(kind: str) -> bool:
    """Whether this kind of organisation's learners have accounts of their own."""
    return POLICIES[kind].learners_join


def standard_chat_kinds(kind: str, unit_kind: str) -> list[str]:
    """The chats a new unit gets: the staff room its staff chat; a class or
    group the class chat (where learners join), the parents' chat and the
    chat of its teachers."""
    if unit_kind == "staff_room":
        return ["staff"]
    return (["class"] if learners_join(kind) else []) + ["parents", "teachers"]
