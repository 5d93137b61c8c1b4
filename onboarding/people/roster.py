"""The class list (roster): the names of a unit's pupils — or a
kindergarten's children — as the teacher typed them, whether or not they
have accounts yet. A parent is confirmed against a name on it
(`people.parents.decide_parent_link`); when the name gets an account, the
parent's link follows it (`people.parents.follow_pupil`). Only the unit's
homeroom teacher and the administrators keep and read it: parents never."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..core import audit
from ..core.errors import DomainError, NotFound
from ..models import Invite, Membership, ParentLink, RosterEntry, User
from .members import is_admin, led_unit_ids, users_by_unit

MAX_ROSTER = 60


class RosterFull(DomainError):
    """A list holds at most MAX_ROSTER names."""


class EntryInUse(DomainError):
    """A name with an account or a confirmed parent stays on the list."""


class AlreadyMatched(DomainError):
    """The name already has an account, or the account already has a name."""


def name_key(name: str) -> str:
    """How names are matched: case, ё/е, spacing and word order ignored
    («Петров  Алёша» is «алеша петров»)."""
    return " ".join(sorted(name.casefold().replace("ё", "е").split()))


def may_keep_roster(memberships: list[Membership], unit_id: int) -> bool:
    """The unit's homeroom teacher (verified) or an administrator keeps its list."""
    return is_admin(memberships) or unit_id in led_unit_ids(memberships)


def pupils_of_unit(session: Session, org_id: int, unit_id: int) -> list[User]:
    """The unit's pupils with accounts, for its own teacher only (never shown to parents)."""
    return pupils_by_unit(session, org_id, {unit_id})[unit_id]


def pupils_by_unit(session: Session, org_id: int, unit_ids: set[int]) -> dict[int, list[User]]:
    """The pupils of several units in one query, for their teachers' queue."""
    return users_by_unit(session, org_id, unit_ids, Membership.role == "student")


def entries_by_unit(session: Session, org_id: int, unit_ids: set[int]) -> dict[int, list[RosterEntry]]:
    """The current lists of several units in one query, each in name order."""
    found: dict[int, list[RosterEntry]] = {unit_id: [] for unit_id in unit_ids}
    if not unit_ids:
        return found
    for entry in session.scalars(
        select(RosterEntry).where(RosterEntry.org_id == org_id, RosterEntry.unit_id.in_(unit_ids),
                                  RosterEntry.left_at.is_(None)).order_by(RosterEntry.name_key, RosterEntry.id)
    ):
        found[entry.unit_id].append(entry)
    return found


def current_entries(session: Session, org_id: int, unit_id: int) -> list[RosterEntry]:
    return entries_by_unit(session, org_id, {unit_id})[unit_id]


def entry_of(session: Session, org_id: int, unit_id: int, entry_id: int) -> RosterEntry:
    entry = session.get(RosterEntry, entry_id)
    if entry is None or entry.org_id != org_id or entry.unit_id != unit_id or entry.left_at is not None:
        raise NotFound()
    return entry


def _new_entry(session: Session, org_id: int, unit_id: int, name: str, *, pupil_id: int | None, actor_id: int | None,
               now: datetime) -> RosterEntry:
    entry = RosterEntry(org_id=org_id, unit_id=unit_id, full_name=" ".join(name.split())[:200],
                        name_key=name_key(name)[:200], pupil_id=pupil_id, created_at=now, created_by_id=actor_id)
    session.add(entry)
    return entry


def add_names(session: Session, org_id: int, unit_id: int, names: list[str], *, actor_id: int | None,
              now: datetime) -> list[RosterEntry]:
    """Add the names not yet on the list (matched by `name_key`); all or none
    if the list would exceed MAX_ROSTER. Returns the entries added."""
    listed = {entry.name_key for entry in current_entries(session, org_id, unit_id)}
    new_names: dict[str, str] = {}
    for name in names:
        key = name_key(name)
        if key and key not in listed and key not in new_names:
            new_names[key] = name
    if len(listed) + len(new_names) > MAX_ROSTER:
        raise RosterFull()
    added = [_new_entry(session, org_id, unit_id, name, pupil_id=None, actor_id=actor_id, now=now)
             for name in new_names.values()]
    session.flush()
    if added:
        audit.record(session, "roster.added", now=now, org_id=org_id, actor_id=actor_id, unit_id=unit_id,
                     count=len(added))
    return added


def entry_for_name(session: Session, org_id: int, unit_id: int, name: str, *, actor_id: int | None,
                   now: datetime) -> RosterEntry:
    """The list's entry of this name, added if it isn't there."""
    key = name_key(name)
    entry = next((e for e in current_entries(session, org_id, unit_id) if e.name_key == key), None)
    return entry or add_names(session, org_id, unit_id, [name], actor_id=actor_id, now=now)[0]


def link_pupil(session: Session, entry: RosterEntry, pupil_id: int, *, actor_id: int | None, now: datetime) -> None:
    """Match a name to a pupil account of its unit (one account per name)."""
    is_pupil = session.scalars(select(Membership.id).join(User, Membership.user_id == User.id).where(
        Membership.org_id == entry.org_id, Membership.unit_id == entry.unit_id, Membership.user_id == pupil_id,
        Membership.role == "student", Membership.left_at.is_(None), User.status != "disabled")).first()
    if is_pupil is None:  # (one still registering counts: its letter's name is matched as it completes)
        raise NotFound()
    if entry.pupil_id is not None or _entry_of_pupil(session, entry.unit_id, pupil_id) is not None:
        raise AlreadyMatched()
    entry.pupil_id = pupil_id
    session.flush()
    audit.record(session, "roster.matched", now=now, org_id=entry.org_id, actor_id=actor_id, target=entry,
                 pupil_id=pupil_id)


def _entry_of_pupil(session: Session, unit_id: int, pupil_id: int) -> RosterEntry | None:
    return session.scalars(select(RosterEntry).where(
        RosterEntry.unit_id == unit_id, RosterEntry.pupil_id == pupil_id, RosterEntry.left_at.is_(None))).first()


def entry_for_pupil(session: Session, org_id: int, unit_id: int, pupil: User, *, name: str | None = None,
                    actor_id: int | None, now: datetime) -> RosterEntry:
    """The account's entry on its unit's list: the one already matched, else
    the unmatched one of `name` (the pupil's own name by default), else a new one."""
    entry = _entry_of_pupil(session, unit_id, pupil.id)
    if entry is not None:
        return entry
    key = name_key(name or pupil.full_name)
    entry = next((e for e in current_entries(session, org_id, unit_id) if e.name_key == key and e.pupil_id is None),
                 None)
    if entry is None:
        entry = _new_entry(session, org_id, unit_id, name or pupil.full_name, pupil_id=None, actor_id=actor_id,
                           now=now)
        session.flush()
    link_pupil(session, entry, pupil.id, actor_id=actor_id, now=now)
    return entry


def unlisted_pupils(session: Session, org_id: int, unit_id: int,
                    entries: list[RosterEntry] | None = None) -> list[User]:
    """The unit's pupil accounts no name on the list is matched to."""
    if entries is None:
        entries = current_entries(session, org_id, unit_id)
    matched = {entry.pupil_id for entry in entries}
    return [pupil for pupil in pupils_of_unit(session, org_id, unit_id) if pupil.id not in matched]


def letter_names(session: Session, org_id: int, unit_id: int, entries: list[RosterEntry] | None = None) -> list[str]:
    """Names typed for the unit's personal pupil and parent links (printed
    letters) that are not on the list yet, first spelling of each."""
    if entries is None:
        entries = current_entries(session, org_id, unit_id)
    listed = {entry.name_key for entry in entries}
    names = []
    for name in session.scalars(
        select(Invite.pupil_name).where(Invite.org_id == org_id, Invite.unit_id == unit_id,
                                        Invite.kind.in_(("pupil", "guardian")), Invite.pupil_name.is_not(None))
        .order_by(Invite.id)
    ):
        key = name_key(name)
        if key and key not in listed:
            listed.add(key)
            names.append(" ".join(name.split()))
    return names


def remove_entry(session: Session, org_id: int, unit_id: int, entry_id: int, *, actor_id: int,
                 now: datetime) -> RosterEntry:
    """Take a name off the list (a typing slip): only while no account is
    matched to it and no parent is confirmed against it."""
    entry = entry_of(session, org_id, unit_id, entry_id)
    confirmed = session.scalars(select(ParentLink.id).where(
        ParentLink.roster_entry_id == entry.id, ParentLink.status == "confirmed")).first()
    if entry.pupil_id is not None or confirmed is not None:
        raise EntryInUse()
    entry.left_at = now
    session.flush()
    audit.record(session, "roster.removed", now=now, org_id=org_id, actor_id=actor_id, target=entry)
    return entry
