"""Pupils moving: to another class or group of the same organisation, one at
a time or a whole class up a grade on 1 September. Their parents' links,
the class list and the parents' memberships follow; chats the new roles no
longer open are left, the new unit's chats are offered (joining stays
voluntary)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ..chats import operations as chats
from ..core import audit
from ..core.errors import DomainError, NotFound
from ..models import Membership, Organisation, ParentLink, RosterEntry, Unit, User
from ..orgs import structure
from ..people import members, parents, roster
from . import history

TOP_GRADE = 11


class SameUnit(DomainError):
    """The pupil is in that unit already."""


class CannotMoveUp(DomainError):
    """A unit without a grade, or of the last grade: its pupils leave instead."""


@dataclass
class Transfer:
    pupil: User
    from_unit: Unit
    to_unit: Unit
    parents: list[User] = field(default_factory=list)


@dataclass
class Promotion:
    from_unit: Unit
    to_unit: Unit
    created: bool
    transfers: list[Transfer] = field(default_factory=list)


def pupil_membership(session: Session, org_id: int, pupil_id: int) -> Membership:
    """The pupil's current membership in the organisation (NotFound if none)."""
    membership = session.scalars(select(Membership).where(
        Membership.org_id == org_id, Membership.user_id == pupil_id, Membership.role == "student",
        Membership.left_at.is_(None))).first()
    if membership is None:
        raise NotFound()
    return membership


def target_unit(session: Session, org_id: int, unit_id: int) -> Unit:
    """A class or group of this organisation, in use (NotFound otherwise:
    another organisation's unit is not even admitted to exist)."""
    unit = session.get(Unit, unit_id)
    if unit is None or unit.org_id != org_id or unit.is_staff_room or unit.archived_at is not None:
        raise NotFound()
    return unit


def transfer_pupil(session: Session, org_id: int, pupil_id: int, unit_id: int, *, actor_id: int,
                   now: datetime) -> Transfer:
    """Move a pupil to another unit of the organisation: a new membership
    replaces the old one (kept as history), their name on the class list
    and their parents' links move with them, each parent gets a parent
    membership in the new unit and keeps the old one only for another child
    there; everyone leaves the chats their roles no longer open."""
    old = pupil_membership(session, org_id, pupil_id)
    to_unit = target_unit(session, org_id, unit_id)
    from_unit = old.unit
    if to_unit.id == from_unit.id:
        raise SameUnit()
    pupil = session.get(User, pupil_id)
    old.left_at = now
    session.flush()
    session.add(Membership(org_id=org_id, user_id=pupil_id, unit_id=to_unit.id, role="student", created_at=now))
    session.flush()
    old_entry = session.scalars(select(RosterEntry).where(
        RosterEntry.unit_id == from_unit.id, RosterEntry.pupil_id == pupil_id,
        RosterEntry.left_at.is_(None))).first()
    if old_entry is not None:
        old_entry.left_at = now  # the old list keeps the line, as history
        session.flush()
    new_entry = _entry_in(session, org_id, to_unit, pupil, old_entry, actor_id=actor_id, now=now)
    moved = [ParentLink.child_id == pupil_id]
    if old_entry is not None:
        moved.append(ParentLink.roster_entry_id == old_entry.id)
    links = list(session.scalars(select(ParentLink).where(
        ParentLink.org_id == org_id, or_(*moved), ParentLink.status != "rejected").order_by(ParentLink.id)))
    result = Transfer(pupil=pupil, from_unit=from_unit, to_unit=to_unit)
    for link in links:
        link.unit_id = to_unit.id
        link.roster_entry_id = new_entry.id
        if link.child_id is None:
            link.child_id = pupil_id
    session.flush()
    parent_ids = sorted({link.parent_id for link in links})
    for parent_id in parent_ids:
        _move_parent(session, org_id, parent_id, pupil_id, from_unit, to_unit, now=now)
    members.forget_memberships(session)
    for user_id in [pupil_id, *parent_ids]:
        chats.leave_ineligible_chats(session, user_id=user_id, org_id=org_id, now=now, reason="pupil_transferred")
    result.parents = [session.get(User, parent_id) for parent_id in parent_ids]
    history.note(session, org_id=org_id, user_id=pupil_id, kind="transferred", now=now, actor_id=actor_id,
                 from_unit=from_unit.name, to_unit=to_unit.name)
    audit.record(session, "pupil.transferred", now=now, org_id=org_id, actor_id=actor_id, target=pupil,
                 from_unit_id=from_unit.id, to_unit_id=to_unit.id, parents=len(parent_ids))
    session.flush()
    return result


def _entry_in(session: Session, org_id: int, unit: Unit, pupil: User, old_entry: RosterEntry | None, *,
              actor_id: int, now: datetime) -> RosterEntry:
    """The pupil's name on the new unit's list, as the old list had it."""
    return roster.entry_for_pupil(session, org_id, unit.id, pupil,
                                  name=old_entry.full_name if old_entry is not None else None,
                                  actor_id=actor_id, now=now)


def _move_parent(session: Session, org_id: int, parent_id: int, pupil_id: int, from_unit: Unit, to_unit: Unit,
                 *, now: datetime) -> None:
    has_new = session.scalars(select(Membership.id).where(
        Membership.user_id == parent_id, Membership.unit_id == to_unit.id, Membership.role == "parent",
        Membership.left_at.is_(None))).first()
    if has_new is None:
        session.add(Membership(org_id=org_id, user_id=parent_id, unit_id=to_unit.id, role="parent",
                               created_at=now))
    if not parents.other_child_in_unit(session, parent_id, pupil_id, from_unit.id):
        parents.end_parent_membership(session, parent_id, from_unit.id, now=now)
    session.flush()


def pupil_ids(session: Session, unit_id: int) -> list[int]:
    """The unit's current pupils (any account not closed), by name."""
    return list(session.scalars(select(Membership.user_id).join(User, User.id == Membership.user_id).where(
        Membership.unit_id == unit_id, Membership.role == "student", Membership.left_at.is_(None),
        User.status != "disabled").order_by(User.last_name, User.first_name, User.id)))


def next_unit_name(unit: Unit) -> str:
    """«2Б» → «3Б» (CannotMoveUp for a unit without a grade or of grade 11)."""
    if unit.grade is None or unit.grade >= TOP_GRADE or not unit.name.startswith(str(unit.grade)):
        raise CannotMoveUp()
    return f"{unit.grade + 1}{unit.name[len(str(unit.grade)):]}"


def promote_class(session: Session, org: Organisation, unit_id: int, *, staying: set[int], actor_id: int,
                  now: datetime) -> Promotion:
    """A whole class moves up a grade («2Б → 3Б», the class created if
    missing), except the pupils in `staying`; each as `transfer_pupil`."""
    from_unit = target_unit(session, org.id, unit_id)
    name = next_unit_name(from_unit)
    to_unit = next((u for u in structure.list_units(session, org.id) if u.name.casefold() == name.casefold()), None)
    created = to_unit is None
    if created:
        specs, _bad = structure.parse_class_names(name)
        to_unit = structure.create_units(session, org, specs, actor_id=actor_id, now=now)[0]
    result = Promotion(from_unit=from_unit, to_unit=to_unit, created=created)
    for pupil_id in pupil_ids(session, from_unit.id):
        if pupil_id not in staying:
            result.transfers.append(transfer_pupil(session, org.id, pupil_id, to_unit.id, actor_id=actor_id,
                                                   now=now))
    audit.record(session, "unit.promoted", now=now, org_id=org.id, actor_id=actor_id, target=from_unit,
                 to_unit_id=to_unit.id, moved=len(result.transfers), staying=len(staying))
    return result
