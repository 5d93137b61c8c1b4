"""Parents and their children: at most MAX_GUARDIANS parents per pupil (one
count for every path); the links a parent names, which wait for the unit's
homeroom teacher — or, where it has none, an administrator — to confirm
against a name on the class list (people.roster) or reject; and the links
following the child's account once it exists."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from ..chats import operations as chats
from ..core import audit
from ..core.errors import DomainError, NotFound, PermissionDenied
from ..models import Membership, ParentLink, RosterEntry, User
from . import members, roster
from .members import check_not_own

MAX_GUARDIANS = 4


class AlreadyLinked(DomainError):
    """This parent is already linked to this pupil."""


class TooManyGuardians(DomainError):
    """A pupil may have at most MAX_GUARDIANS parents, each with a link of their own."""

    def __init__(self, pupil_name: str = ""):
        super().__init__(pupil_name)
        self.pupil_name = pupil_name


def guardian_count(session: Session, child_id: int | None, *, entry_id: int | None = None) -> int:
    """The parents linked to this pupil or waiting for a teacher's decision,
    plus those confirmed against the pupil's name on the class list
    (`entry_id`) whose link has no account to follow yet."""
    linked = [ParentLink.child_id == child_id] if child_id is not None else []
    if entry_id is not None:
        linked.append(and_(ParentLink.roster_entry_id == entry_id, ParentLink.child_id.is_(None),
                           ParentLink.status == "confirmed"))
    if not linked:
        return 0
    return session.scalar(select(func.count(ParentLink.id)).where(or_(*linked), ParentLink.status != "rejected"))


def has_room_for_guardian(session: Session, child_id: int | None, *, waiting_links: int = 0,
                          entry_id: int | None = None) -> bool:
    """Whether one more parent fits, counting `waiting_links` (personal parent
    links for this pupil not yet taken) as parents already."""
    return guardian_count(session, child_id, entry_id=entry_id) + waiting_links < MAX_GUARDIANS


def units_led_by(session: Session, user_id: int, org_id: int) -> list[int]:
    return members.led_unit_ids(members.memberships_of(session, user_id, org_id))


def confirmers(session: Session, org_id: int, unit_ids: set[int]) -> dict[int, list[User]]:
    """Who confirms the parents of each unit: its verified homeroom teachers
    (one query); an empty list means the administrators do."""
    return members.users_by_unit(session, org_id, unit_ids, Membership.role == "teacher",
                                Membership.is_lead.is_(True), Membership.verification == "verified")


def pending_parent_links(session: Session, org_id: int, unit_ids: list[int]) -> list[ParentLink]:
    if not unit_ids:
        return []
    return list(session.scalars(
        select(ParentLink).where(ParentLink.org_id == org_id, ParentLink.unit_id.in_(unit_ids),
                                 ParentLink.status == "pending").order_by(ParentLink.id)
    ))


@dataclass(frozen=True)
class WaitingLink:
    """A parent's link not yet confirmed, and who will confirm it (`leads`
    empty: the administrators)."""

    link: ParentLink
    leads: list[User]

    @property
    def child_name_given(self) -> str | None:
        return self.link.child_name_given


def waiting_parent_links(session: Session, user_id: int, org_id: int) -> list[WaitingLink]:
    """This parent's links that a teacher has not yet confirmed, with who confirms each."""
    links = list(session.scalars(select(ParentLink).where(
        ParentLink.parent_id == user_id, ParentLink.org_id == org_id, ParentLink.status == "pending")
        .order_by(ParentLink.id)))
    leads = confirmers(session, org_id, {link.unit_id for link in links if link.unit_id is not None})
    return [WaitingLink(link, leads.get(link.unit_id, [])) for link in links]


def decide_parent_link(session: Session, org_id: int, link_id: int, *, unit_ids: list[int], actor_id: int,
                       now: datetime, confirm: bool, child_id: int | None = None,
                       entry_id: int | None = None) -> ParentLink:
    """The teacher confirms the named child against a name on the unit's
    class list (`entry_id`), a pupil account of the unit (`child_id`, put on
    the list), or — neither given — the name the parent typed (added to the
    list); the link follows the name's account if it has one. Or the teacher
    rejects the link: a rejected parent with no other confirmed child in the
    unit leaves it and its chats."""
    link = session.get(ParentLink, link_id)
    if link is None or link.org_id != org_id or link.unit_id not in unit_ids or link.status != "pending":
        raise NotFound()
    check_not_own(link.parent_id, actor_id)
    if confirm:
        entry = _entry_to_confirm(session, link, child_id=child_id, entry_id=entry_id, actor_id=actor_id, now=now)
        if entry.pupil_id is not None and session.scalars(select(ParentLink.id).where(
                ParentLink.parent_id == link.parent_id, ParentLink.child_id == entry.pupil_id)).first() is not None:
            raise AlreadyLinked()
        if not has_room_for_guardian(session, entry.pupil_id, entry_id=entry.id):
            raise TooManyGuardians(entry.full_name)
        link.child_id = entry.pupil_id
        link.roster_entry_id = entry.id
        link.status = "confirmed"
    else:
        link.status = "rejected"
        _leave_unit_unless_confirmed(session, link, now=now)
    link.decided_at = now
    link.decided_by_id = actor_id
    session.flush()
    audit.record(session, f"parent_link.{link.status}", now=now, org_id=org_id, actor_id=actor_id, target=link,
                 roster_entry_id=link.roster_entry_id)
    return link


def _entry_to_confirm(session: Session, link: ParentLink, *, child_id: int | None, entry_id: int | None,
                      actor_id: int, now: datetime) -> RosterEntry:
    if entry_id is not None:
        return roster.entry_of(session, link.org_id, link.unit_id, entry_id)
    if child_id is not None:
        pupil = next((p for p in roster.pupils_of_unit(session, link.org_id, link.unit_id) if p.id == child_id), None)
        if pupil is None:
            raise PermissionDenied()
        entry = roster.entry_for_pupil(session, link.org_id, link.unit_id, pupil, actor_id=actor_id, now=now)
        follow_pupil(session, entry, now=now)  # parents confirmed against its name before
        return entry
    if not link.child_name_given:
        raise PermissionDenied()
    return roster.entry_for_name(session, link.org_id, link.unit_id, link.child_name_given, actor_id=actor_id,
                                 now=now)


def follow_pupil(session: Session, entry: RosterEntry, *, now: datetime) -> int:
    """The links confirmed against a name follow its account, in the order
    they were confirmed, as far as the guardian limit allows (a parent
    already linked to the account keeps that link). Returns how many could
    not follow."""
    if entry.pupil_id is None:
        return 0
    links = list(session.scalars(select(ParentLink).where(
        ParentLink.roster_entry_id == entry.id, ParentLink.child_id.is_(None), ParentLink.status == "confirmed")
        .order_by(ParentLink.decided_at, ParentLink.id)))
    linked = set(session.scalars(select(ParentLink.parent_id).where(ParentLink.child_id == entry.pupil_id)))
    room = MAX_GUARDIANS - guardian_count(session, entry.pupil_id)
    left = 0
    for link in links:
        if link.parent_id in linked:
            continue
        if room <= 0:
            left += 1
            continue
        link.child_id = entry.pupil_id
        linked.add(link.parent_id)
        room -= 1
        audit.record(session, "parent_link.followed", now=now, org_id=link.org_id, target=link,
                     child_id=entry.pupil_id, roster_entry_id=entry.id)
    session.flush()
    return left


def match_entry(session: Session, org_id: int, unit_id: int, entry_id: int, pupil_id: int, *, actor_id: int,
                now: datetime) -> RosterEntry:
    """The teacher matches a name on the list to a pupil account of the unit:
    every parent confirmed against the name follows, or nothing may change
    (TooManyGuardians: the caller does not commit)."""
    entry = roster.entry_of(session, org_id, unit_id, entry_id)
    roster.link_pupil(session, entry, pupil_id, actor_id=actor_id, now=now)
    if follow_pupil(session, entry, now=now):
        raise TooManyGuardians(entry.full_name)
    return entry


def enrol_named_pupil(session: Session, org_id: int, unit_id: int, pupil: User, name: str, *,
                      now: datetime) -> RosterEntry:
    """A pupil registered by a personal link made for `name`: that name on the
    class list (added if missing) gets the account, and its parents follow."""
    entry = roster.entry_for_pupil(session, org_id, unit_id, pupil, name=name, actor_id=None, now=now)
    follow_pupil(session, entry, now=now)
    return entry


def _leave_unit_unless_confirmed(session: Session, link: ParentLink, *, now: datetime) -> None:
    confirmed = session.scalars(select(ParentLink.id).where(
        ParentLink.parent_id == link.parent_id, ParentLink.unit_id == link.unit_id,
        ParentLink.status == "confirmed", ParentLink.id != link.id)).first()
    if confirmed is not None:
        return
    for membership in members.memberships_of(session, link.parent_id, link.org_id):
        if membership.role == "parent" and membership.unit_id == link.unit_id:
            membership.left_at = now
    session.flush()
    members.forget_memberships(session)
    chats.leave_ineligible_chats(session, user_id=link.parent_id, org_id=link.org_id, now=now,
                                 reason="parent_link_rejected")


def reject_confirmed_link(session: Session, link: ParentLink, *, actor_id: int, now: datetime) -> None:
    """A confirmed link undone (the caller decides who may): rejected, and the
    parent leaves the unit and its chats unless another child of theirs is
    confirmed there."""
    link.status = "rejected"
    link.decided_at = now
    link.decided_by_id = actor_id
    session.flush()
    _leave_unit_unless_confirmed(session, link, now=now)
    audit.record(session, "parent_link.undone", now=now, org_id=link.org_id, actor_id=actor_id, target=link)


def other_child_in_unit(session: Session, parent_id: int, child_id: int, unit_id: int) -> bool:
    """Whether the parent keeps a reason to be in the unit when this child
    leaves it: another confirmed child there, a current pupil of it, or (a
    kindergarten, or a name not yet matched to an account) a child confirmed
    by name."""
    current_pupils = select(Membership.user_id).where(
        Membership.unit_id == unit_id, Membership.role == "student", Membership.left_at.is_(None))
    return session.scalars(select(ParentLink.id).where(
        ParentLink.parent_id == parent_id, ParentLink.unit_id == unit_id, ParentLink.status == "confirmed",
        or_(ParentLink.child_id.is_(None),
            and_(ParentLink.child_id != child_id, ParentLink.child_id.in_(current_pupils))))).first() is not None


def end_parent_membership(session: Session, parent_id: int, unit_id: int, *, now: datetime) -> bool:
    """The parent's membership in the unit ends; True if they had one."""
    held = session.scalars(select(Membership).where(
        Membership.user_id == parent_id, Membership.unit_id == unit_id, Membership.role == "parent",
        Membership.left_at.is_(None))).all()
    for membership in held:
        membership.left_at = now
    return bool(held)
