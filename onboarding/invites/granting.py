"""Redeeming an invite: the memberships of its kind, the parent links, the record.

staff → teacher in the staff room (awaiting verification), plus administrator
if the invite grants it, plus homeroom teacher of `lead_unit_id`;
student, pupil → student of the unit (one current unit per organisation);
parent, guardian → parent in the unit and a link to the child: at once for a
personal (guardian) invite, or named by the parent and waiting for the unit's
teacher to match it to a pupil. Nobody is ever shown the list of pupils.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..core import audit
from ..core.errors import DomainError, NotFound
from ..models import Invite, Membership, ParentLink, User
from ..orgs.structure import staff_room
from ..people import members, parents
from . import redemption

REDEEMABLE_KINDS = ("admin", "staff", "student", "pupil", "parent", "guardian")


class ChildNameRequired(DomainError):
    pass


def _has(memberships: list[Membership], role: str, unit_id: int | None = None, is_lead: bool | None = None) -> bool:
    return any(
        m.role == role and (unit_id is None or m.unit_id == unit_id) and (is_lead is None or m.is_lead == is_lead)
        for m in memberships
    )


def check_redeemable(session: Session, invite: Invite, user: User) -> None:
    """Raise why this user can't take this invite (its usability is checked
    apart): invites.InviteNotForAccount or invites.AlreadyMember."""
    if invite.kind not in REDEEMABLE_KINDS:
        raise NotFound()
    redemption.may_redeem(session, invite, user)


def _add_membership(session: Session, invite: Invite, user: User, *, unit_id: int, role: str, now: datetime,
                    held: list[Membership], **fields) -> Membership | None:
    if _has(held, role, unit_id, fields.get("is_lead")):
        return None
    existing_plain = [m for m in held if m.role == role and m.unit_id == unit_id]
    if existing_plain:  # e.g. a teacher of the unit becomes its homeroom teacher
        for key, value in fields.items():
            setattr(existing_plain[0], key, value)
        return existing_plain[0]
    membership = Membership(org_id=invite.org_id, user_id=user.id, unit_id=unit_id, role=role,
                            invite_id=invite.id, created_at=now, **fields)
    session.add(membership)
    held.append(membership)
    return membership


def redeem_invite(
    session: Session, invite: Invite, user: User, *, now: datetime, child_name: str | None = None
) -> list[Membership]:
    """Take one use of the invite and give the user what it grants, all or nothing.

    One account redeems one invite at a time: a double tap, or two class links
    sent at once, wait for each other and the second sees what the first did.
    """
    session.execute(select(User.id).where(User.id == user.id).with_for_update())
    members.forget_memberships(session)
    check_redeemable(session, invite, user)
    if invite.kind == "parent" and invite.child_id is None and not child_name:
        raise ChildNameRequired()
    redemption.record_redemption(session, invite, user, now=now)
    held = members.memberships_of(session, user.id, invite.org_id)
    created: list[Membership | None] = []
    add = lambda **kw: created.append(_add_membership(session, invite, user, now=now, held=held, **kw))  # noqa: E731
    if invite.kind == "admin":
        add(unit_id=invite.unit_id, role="admin")
    elif invite.kind == "staff":
        room = staff_room(session, invite.org_id).id
        existing_teacher = next((m for m in held if m.role == "teacher" and m.unit_id == room), None)
        verification = existing_teacher.verification if existing_teacher else "pending"
        add(unit_id=room, role="teacher", verification=verification)
        if invite.grants_admin:  # in force once the teacher status is verified
            add(unit_id=room, role="admin", verification=verification)
        if invite.lead_unit_id:
            add(unit_id=invite.lead_unit_id, role="teacher", is_lead=True, verification=verification)
    elif invite.kind in ("student", "pupil"):
        add(unit_id=invite.unit_id, role="student")
        if invite.kind == "pupil" and invite.pupil_name:  # the name on the class list gets the account
            session.flush()
            parents.enrol_named_pupil(session, invite.org_id, invite.unit_id, user, invite.pupil_name, now=now)
    else:
        add(unit_id=invite.unit_id, role="parent")
        _link_parent(session, invite, user, child_name=child_name, now=now)
    session.flush()
    return [m for m in created if m is not None]


def _link_parent(session: Session, invite: Invite, user: User, *, child_name: str | None, now: datetime) -> ParentLink:
    if invite.child_id is not None:
        link = ParentLink(org_id=invite.org_id, unit_id=invite.unit_id, parent_id=user.id, child_id=invite.child_id,
                          status="confirmed", created_at=now, decided_at=now, decided_by_id=invite.created_by_id)
    else:
        # A letter's link carries the pupil's name as the teacher typed it.
        link = ParentLink(org_id=invite.org_id, unit_id=invite.unit_id, parent_id=user.id, child_id=None,
                          child_name_given=child_name or invite.pupil_name, status="pending", created_at=now)
    session.add(link)
    session.flush()
    audit.record(session, "parent_link.created", now=now, org_id=invite.org_id, actor_id=user.id, target=link,
                 status=link.status)
    return link
