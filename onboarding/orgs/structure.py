"""Organisations and their structure: details, classes or groups, the staff room."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..chats import creating, operations as chats
from ..core import audit
from ..core.errors import DomainError, UnitNameTaken
from ..models import Organisation, Unit, unit_sort_key
from .policy import policy

MAX_UNITS_AT_ONCE = 60
MAX_UNIT_NAME = 60


def create_organisation(
    session: Session, *, kind: str, name: str, timezone: str, now: datetime, city: str | None = None
) -> Organisation:
    org = Organisation(kind=kind, name=name, timezone=timezone, city=city, created_at=now)
    session.add(org)
    session.flush()
    staff_room = Unit(
        org_id=org.id,
        kind="staff_room",
        name=policy(kind).staff_room_name,
        sort_key=unit_sort_key("staff_room", "", None),
        created_at=now,
    )
    session.add(staff_room)
    session.flush()
    chats.create_standard_chats(session, org, staff_room, now=now)
    creating.create_channels(session, org, now=now)
    audit.record(session, "org.created", now=now, org_id=org.id, target=org, name=name, kind=kind)
    return org


def staff_room(session: Session, org_id: int) -> Unit:
    return session.scalars(select(Unit).where(Unit.org_id == org_id, Unit.kind == "staff_room")).one()


def update_organisation(
    session: Session, org: Organisation, *, actor_id: int, now: datetime, **changes: str | None
) -> None:
    changed = {}
    for key in ("name", "short_name", "city", "timezone"):
        if key in changes and getattr(org, key) != changes[key]:
            changed[key] = [getattr(org, key), changes[key]]
            setattr(org, key, changes[key])
    if changed:
        audit.record(session, "org.updated", now=now, org_id=org.id, actor_id=actor_id, target=org, changes=changed)
    session.flush()


@dataclass(frozen=True)
class UnitSpec:
    name: str
    grade: int | None


_CLASS_NAME = re.compile(r"^(\d{1,2})\s*-?\s*([А-ЯЁA-Z]{0,2})$", re.IGNORECASE)


def parse_class_names(text: str) -> tuple[list[UnitSpec], list[str]]:
    """«1А 1Б 2А» or «5 А-В» → unit specs, and the pieces that are not class names."""
    specs: list[UnitSpec] = []
    bad: list[str] = []
    for piece in re.split(r"[\s,;]+", text.strip()):
        if not piece:
            continue
        match = _CLASS_NAME.match(piece)
        if not match or not 1 <= int(match.group(1)) <= 11:
            bad.append(piece)
            continue
        grade = int(match.group(1))
        specs.append(UnitSpec(f"{grade}{match.group(2).upper()}", grade))
    return specs, bad


def classes_for_grade(grade: int, letters: str) -> list[UnitSpec]:
    """Grade 5 and «АБВ» (or «А-Г») → 5А, 5Б, 5В."""
    letters = letters.upper().replace(" ", "").replace(",", "")
    range_match = re.fullmatch(r"([А-ЯЁ])-([А-ЯЁ])", letters)
    if range_match:
        alphabet = "АБВГДЕЁЖЗИКЛМНОПРСТУФХЦЧШЩЭЮЯ"
        start, end = alphabet.find(range_match.group(1)), alphabet.find(range_match.group(2))
        letters = alphabet[start : end + 1] if 0 <= start <= end else ""
    return [UnitSpec(f"{grade}{letter}", grade) for letter in letters]


def parse_group_names(text: str) -> list[UnitSpec]:
    """Group names, one per line (they may hold spaces: «Солнышко», «ИС-21»)."""
    names = [" ".join(line.split()) for line in text.splitlines()]
    return [UnitSpec(name, None) for name in names if name]


class TooManyUnits(DomainError):
    pass


class UnitNameTooLong(UnitNameTaken):
    """Longer than MAX_UNIT_NAME; `names` lists them."""


def create_units(
    session: Session, org: Organisation, specs: list[UnitSpec], *, actor_id: int, now: datetime
) -> list[Unit]:
    """Create several units at once, each with its standard chats; all or none.

    At most MAX_UNITS_AT_ONCE (TooManyUnits); names of at most MAX_UNIT_NAME
    characters (UnitNameTooLong), none taken already (UnitNameTaken)."""
    if len(specs) > MAX_UNITS_AT_ONCE:
        raise TooManyUnits()
    too_long = [spec.name for spec in specs if len(spec.name) > MAX_UNIT_NAME]
    if too_long:
        raise UnitNameTooLong(too_long)
    unique: dict[str, UnitSpec] = {}
    for spec in specs:
        unique.setdefault(spec.name.casefold(), spec)
    # Compared in Python: SQLite's lower() folds ASCII letters only.
    existing = {name.casefold() for name in session.scalars(select(Unit.name).where(Unit.org_id == org.id))}
    taken = [spec.name for key, spec in unique.items() if key in existing]
    if taken:
        raise UnitNameTaken(taken)
    kind = "class" if org.kind == "school" else "group"
    units = []
    for spec in unique.values():
        unit = Unit(
            org_id=org.id,
            kind=kind,
            name=spec.name,
            grade=spec.grade,
            sort_key=unit_sort_key(kind, spec.name, spec.grade),
            created_at=now,
        )
        session.add(unit)
        units.append(unit)
    session.flush()
    for unit in units:
        chats.create_standard_chats(session, org, unit, now=now)
        audit.record(session, "unit.created", now=now, org_id=org.id, actor_id=actor_id, target=unit, name=unit.name)
    return units


def list_units(session: Session, org_id: int) -> list[Unit]:
    return list(
        session.scalars(
            select(Unit).where(Unit.org_id == org_id, Unit.archived_at.is_(None)).order_by(Unit.sort_key)
        )
    )
