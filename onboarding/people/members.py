"""Who holds which roles where: a user's current memberships (kept on the
session while nothing is written), and whether administrator rights are in
force."""
from __future__ import annotations

from sqlalchemy import event, select
from sqlalchemy.orm import Session, joinedload

from ..core.errors import PermissionDenied
from ..models import Membership, User

_MEMBERSHIPS = "memberships_of"


def memberships_of(session: Session, user_id: int, org_id: int | None = None) -> list[Membership]:
    """A user's current memberships, each with its unit.

    A page asks this of the same user several times (may they see it, may they
    invite, may the invite's creator still): the answer is kept on the session
    until it next writes, commits or rolls back.
    """
    cache = session.info.setdefault(_MEMBERSHIPS, {})
    if session.new or session.dirty or session.deleted:
        cache.clear()
    key = (user_id, org_id)
    if key not in cache:
        query = (
            select(Membership)
            .where(Membership.user_id == user_id, Membership.left_at.is_(None))
            .options(joinedload(Membership.unit))
        )
        if org_id is not None:
            query = query.where(Membership.org_id == org_id)
        cache[key] = list(session.scalars(query.order_by(Membership.id)))
    return list(cache[key])


def holds_admin_rights(membership: Membership) -> bool:
    """An administrator membership is in force when its holder is vouched for:
    the operator's administrator (no verification of their own), or someone a
    staff link made administrator once their teacher status is verified."""
    return membership.role == "admin" and membership.verification in (None, "verified")


def teacher_verification(memberships: list[Membership]) -> str | None:
    """A teacher's status in the organisation — "verified", "pending",
    "rejected" — or None if not staff. The administrator's decision changes
    all their teacher memberships together; the staff room's is the one read
    (any other's where a record has none, the best first)."""
    teaching = [m for m in memberships if m.role == "teacher"]
    staff_room = [m for m in teaching if m.unit.kind == "staff_room"]
    states = {m.verification for m in (staff_room or teaching)}
    return next((state for state in ("verified", "pending", "rejected") if state in states), None)


def is_admin(memberships: list[Membership]) -> bool:
    return any(holds_admin_rights(m) for m in memberships)


def administrators(session: Session, org_id: int) -> list[User]:
    """The active people who hold administrator rights in the organisation
    now, by name, once each."""
    rows = session.execute(
        select(Membership, User).join(User, User.id == Membership.user_id)
        .where(Membership.org_id == org_id, Membership.role == "admin", Membership.left_at.is_(None),
               User.status == "active").order_by(User.last_name, User.first_name, User.id))
    found: dict[int, User] = {}
    for membership, user in rows:
        if holds_admin_rights(membership):
            found.setdefault(user.id, user)
    return list(found.values())


def led_unit_ids(memberships: list[Membership]) -> list[int]:
    """The units whose homeroom teacher this is, once verified (one
    organisation's memberships)."""
    if teacher_verification(memberships) != "verified":
        return []
    return [m.unit_id for m in memberships if m.role == "teacher" and m.is_lead]


def preload_memberships(session: Session, user_ids: set[int], org_id: int) -> None:
    """Load several users' memberships in the organisation in one query, for
    the `memberships_of` calls that follow (a list of invites by many creators)."""
    cache = session.info.setdefault(_MEMBERSHIPS, {})
    wanted = {user_id for user_id in user_ids if (user_id, org_id) not in cache}
    if not wanted or session.new or session.dirty or session.deleted:
        return
    found: dict[int, list[Membership]] = {user_id: [] for user_id in wanted}
    query = (
        select(Membership)
        .where(Membership.user_id.in_(wanted), Membership.org_id == org_id, Membership.left_at.is_(None))
        .options(joinedload(Membership.unit))
        .order_by(Membership.id)
    )
    for membership in session.scalars(query):
        found[membership.user_id].append(membership)
    for user_id, memberships in found.items():
        cache[(user_id, org_id)] = memberships


@event.listens_for(Session, "after_flush")
@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def forget_memberships(session: Session, *_args) -> None:
    """Ask the database again next time (after a write, or after taking a lock)."""
    session.info.pop(_MEMBERSHIPS, None)


def check_not_own(subject_id: int, actor_id: int) -> None:
    """Nobody decides on their own verification, request or parent link."""
    if subject_id == actor_id:
        raise PermissionDenied("own")


def users_by_unit(session: Session, org_id: int, unit_ids: set[int], *conditions) -> dict[int, list[User]]:
    """The active people with a current membership in each of these units that
    meets `conditions` (e.g. a role), by name, in one query."""
    found: dict[int, list[User]] = {unit_id: [] for unit_id in unit_ids}
    if not unit_ids:
        return found
    rows = session.execute(
        select(Membership.unit_id, User).join(User, Membership.user_id == User.id)
        .where(Membership.org_id == org_id, Membership.unit_id.in_(unit_ids), Membership.left_at.is_(None),
               User.status == "active", *conditions)
        .order_by(User.last_name, User.first_name)
    )
    for unit_id, user in rows:
        found[unit_id].append(user)
    return found
