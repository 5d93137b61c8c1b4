"""Chats: every unit gets its standard chats when it is created."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Chat, Organisation, Unit

# Chat titles are stored in Russian, as members see them.
STANDARD_TITLES = {
    "staff": "Чат сотрудников",
    "class": "Чат {unit_genitive} {name}",
    "parents": "Родители {unit_genitive} {name}",
    "teachers": "Учителя {unit_genitive} {name}",
}
_GENITIVE = {"class": "класса", "group": "группы"}


def standard_chat_kinds(org: Organisation, unit: Unit) -> list[str]:
    if unit.kind == "staff_room":
        return ["staff"]
    kinds = ["class"] if org.kind != "kindergarten" else []
    return kinds + ["parents", "teachers"]


def create_standard_chats(session: Session, org: Organisation, unit: Unit, *, now: datetime) -> list[Chat]:
    chats = []
    for kind in standard_chat_kinds(org, unit):
        title = STANDARD_TITLES[kind].format(
            unit_genitive=_GENITIVE.get(unit.kind, ""), name=unit.name
        )
        chat = Chat(org_id=org.id, unit_id=unit.id, kind=kind, title=title, created_at=now)
        session.add(chat)
        chats.append(chat)
    session.flush()
    return chats


def unit_chats(session: Session, unit: Unit) -> list[Chat]:
    return list(
        session.scalars(
            select(Chat).where(Chat.unit_id == unit.id, Chat.archived_at.is_(None)).order_by(Chat.id)
        )
    )
