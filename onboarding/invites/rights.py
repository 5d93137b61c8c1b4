"""Who may create and manage invites, and whether an invite's creator still may.

An administrator: anything in their organisation. A verified teacher: pupil
and parent invites for the units they teach. Nobody: anything for another
organisation.
"""
from __future__ import annotations

from typing import Iterable

from sqlalchemy.orm import Session

from ..core.errors import DomainError, NotFound, PermissionDenied
from ..models import Invite, Membership, Organisation, Unit, User
from ..orgs.policy import learners_join
from ..orgs.structure import list_units
from ..people.members import is_admin, memberships_of, teacher_verification

# What people create through the site (admin invites come from the operator).
CREATABLE_KINDS = ("staff", "student", "parent", "pupil", "guardian", "join")
# A verified teacher's kinds, in the units they teach.
TEACHER_KINDS = frozenset({"student", "parent", "pupil", "guardian"})
LEARNER_KINDS = frozenset({"student", "pupil"})
PERSONAL_KINDS = frozenset({"pupil", "guardian"})
STAFF_ROOM_KINDS = frozenset({"staff", "join", "admin"})


def may_create(session: Session, user: User, org: Organisation, kind: str, unit: Unit) -> None:
    """None if `user` may create a `kind` invite into `unit`, else why not.

    NotFound: the unit or the user is outside the organisation (a closed
    space shows outsiders nothing). PermissionDenied(reason), reason one of:
    kind, no_learners, wrong_unit, archived, not_staff, unverified,
    admin_only, not_your_unit.
    """
    if unit.org_id != org.id:
        raise NotFound()
    memberships = memberships_of(session, user.id, org.id)
    if not memberships:
        raise NotFound()
    if kind not in CREATABLE_KINDS:
        raise PermissionDenied("kind")
    if kind in LEARNER_KINDS and not learners_join(org.kind):
        raise PermissionDenied("no_learners")
    if (kind in STAFF_ROOM_KINDS) != (unit.kind == "staff_room"):
        raise PermissionDenied("wrong_unit")
    if unit.archived_at is not None:
        raise PermissionDenied("archived")
    if is_admin(memberships):
        return
    check_teacher_may_invite(memberships)
    if kind not in TEACHER_KINDS:
        raise PermissionDenied("admin_only")
    if not any(m.role == "teacher" and m.unit_id == unit.id for m in memberships):
        raise PermissionDenied("not_your_unit")


def check_teacher_may_invite(memberships: Iterable[Membership]) -> None:
    """A teacher invites once the administrator has verified their status."""
    if not any(m.role == "teacher" and m.unit.kind == "staff_room" for m in memberships):
        raise PermissionDenied("not_staff")
    state = teacher_verification(list(memberships))
    if state == "rejected":
        raise PermissionDenied("rejected")
    if state != "verified":
        raise PermissionDenied("unverified")


def creation_choices(session: Session, user: User, org: Organisation) -> tuple[list[str], list[Unit]]:
    """The kinds and units `user` may create invites for (either may be empty);
    PermissionDenied(reason) if none at all, NotFound for an outsider."""
    memberships = memberships_of(session, user.id, org.id)
    if not memberships:
        raise NotFound()
    units = list_units(session, org.id)
    if is_admin(memberships):
        kinds = [k for k in CREATABLE_KINDS if k not in LEARNER_KINDS or learners_join(org.kind)]
        return kinds, units
    check_teacher_may_invite(memberships)
    taught = {m.unit_id for m in memberships if m.role == "teacher"}
    units = [unit for unit in units if unit.id in taught and unit.kind != "staff_room"]
    if not units:
        raise PermissionDenied("not_your_unit")
    kinds = [k for k in CREATABLE_KINDS if k in TEACHER_KINDS
             and (k not in LEARNER_KINDS or learners_join(org.kind))]
    return kinds, units


def may_manage(session: Session, user: User, invite: Invite) -> None:
    """Revoke, regenerate, see: the organisation's administrators, and whoever
    could create the same invite now (a verified teacher of its unit)."""
    if invite.kind == "admin":
        memberships = memberships_of(session, user.id, invite.org_id)
        if not memberships:
            raise NotFound()
        if not is_admin(memberships):
            raise PermissionDenied("admin_only")
        return
    may_create(session, user, invite.organisation, invite.kind, invite.unit)


def creator_may_still(session: Session, invite: Invite) -> bool:
    """False once the invite's creator has left or lost the right to create it.
    The operator's invites (no creator) are exempt."""
    if invite.created_by_id is None:
        return True
    creator = session.get(User, invite.created_by_id)
    if creator is None or creator.status == "disabled":
        return False
    try:
        may_create(session, creator, invite.organisation, invite.kind, invite.unit)
    except DomainError:
        return False
    return True
