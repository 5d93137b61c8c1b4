"""A young pupil's parent who confirmed the pupil's registration gets an
account of their own there and then.

Confirming (the code typed on the pupil's screen, or the letter's link on
the parent's phone) proved the address the letter went to and that the
parent knows the child. The letter's link may therefore, once and within its
lifetime, make that address's account: the parent types a name and a
password and consents for themselves; they become a parent of the pupil's
unit, linked to the pupil at once — no new code, no waiting for the teacher.
The link is marked as confirmed by the parent's own confirmation (decided by
the parent), so the unit's homeroom teacher sees it apart and can undo it.
"""
from __future__ import annotations

from datetime import datetime

from argon2 import PasswordHasher
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..consent import operations as consent
from ..core import audit
from ..core.errors import DomainError, EmailTaken, NotFound, PermissionDenied
from ..invites import redemption
from ..models import EmailCode, Invite, Membership, ParentLink, User
from ..people import parents
from ..people.accounts import create_user, find_by_email
from . import codes
from .flow import CONSENT_BY_PARENT


class ParentAccountUnavailable(DomainError):
    """This letter's link can't make an account (any more)."""


def confirmed_by_parent(link: ParentLink) -> bool:
    """A link the parent confirmed by confirming the child's registration
    (not a teacher's decision): the homeroom teacher may undo it."""
    return link.status == "confirmed" and link.decided_by_id == link.parent_id


def _pupil_in_unit(session: Session, pupil: User, invite: Invite) -> bool:
    return session.scalars(select(Membership.id).where(
        Membership.user_id == pupil.id, Membership.org_id == invite.org_id, Membership.unit_id == invite.unit_id,
        Membership.role == "student", Membership.left_at.is_(None))).first() is not None


def account_offer(session: Session, *, pupil: User, invite: Invite, code_id: int) -> EmailCode | None:
    """The parent's confirmed code, if this letter's link may still make the
    parent's account: the pupil's registration was completed with this
    letter's code, the pupil is still in the unit, and no account has the
    address the code went to. None otherwise (then: log in and take the
    class's parent link)."""
    if pupil.status != "active" or pupil.email is not None:
        return None
    record = codes.confirmed_code(session, user_id=pupil.id, purpose=CONSENT_BY_PARENT, code_id=code_id)
    if record is None or not _pupil_in_unit(session, pupil, invite):
        return None
    if find_by_email(session, record.email) is not None:
        return None
    return record


def create_parent_account(
    session: Session,
    hasher: PasswordHasher,
    *,
    pupil: User,
    invite: Invite,
    code_id: int,
    class_invite: Invite,
    last_name: str,
    first_name: str,
    patronymic: str | None,
    password: str,
    consent_text: str,
    consent_version: str,
    now: datetime,
    ip: str | None,
    user_agent: str | None,
) -> ParentLink:
    """The parent's active account (the link's parent), a parent of the pupil's unit (by the
    unit's parent invite for letters, `class_invite`), linked to the pupil,
    with their own personal-data consent.

    Raises ParentAccountUnavailable (the link was used, the pupil left, ...),
    EmailTaken (an account was made meanwhile) or parents.TooManyGuardians."""
    session.execute(select(User.id).where(User.id == pupil.id).with_for_update())  # one parent at a time
    record = account_offer(session, pupil=pupil, invite=invite, code_id=code_id)
    if record is None:
        if pupil.status == "active" and pupil.email is None:
            latest = codes.confirmed_code(session, user_id=pupil.id, purpose=CONSENT_BY_PARENT, code_id=code_id)
            if latest is not None and find_by_email(session, latest.email) is not None:
                raise EmailTaken(latest.email)
        raise ParentAccountUnavailable()
    if class_invite.unit_id != invite.unit_id or class_invite.kind != "parent":
        raise NotFound()
    if not parents.has_room_for_guardian(session, pupil.id):
        raise parents.TooManyGuardians(pupil.full_name)
    user = create_user(session, hasher, last_name=last_name, first_name=first_name, patronymic=patronymic,
                       email=record.email, password=password, now=now, status="active")
    redemption.record_redemption(session, class_invite, user, now=now)
    session.add(Membership(org_id=invite.org_id, user_id=user.id, unit_id=invite.unit_id, role="parent",
                           invite_id=class_invite.id, created_at=now))
    link = ParentLink(org_id=invite.org_id, unit_id=invite.unit_id, parent_id=user.id, child_id=pupil.id,
                      child_name_given=pupil.full_name, status="confirmed", created_at=now, decided_at=now,
                      decided_by_id=user.id)
    session.add(link)
    session.flush()
    consent.record_consent(session, org_id=invite.org_id, subject_id=user.id, kind="personal_data",
                           text=consent_text, version=consent_version, now=now, ip=ip, user_agent=user_agent)
    audit.record(session, "user.registered", now=now, org_id=invite.org_id, actor_id=user.id, target=user,
                 invite_id=class_invite.id, kind="parent", via="child_confirmation")
    audit.record(session, "parent_link.created", now=now, org_id=invite.org_id, actor_id=user.id, target=link,
                 status=link.status, via="child_confirmation")
    session.flush()
    return link


def links_confirmed_by_parents(session: Session, org_id: int, unit_ids: list[int]) -> list[ParentLink]:
    """The links of these units that parents confirmed themselves, for the
    homeroom teacher to see (and undo)."""
    if not unit_ids:
        return []
    return [link for link in session.scalars(
        select(ParentLink).where(ParentLink.org_id == org_id, ParentLink.unit_id.in_(unit_ids),
                                 ParentLink.status == "confirmed").order_by(ParentLink.id.desc())
    ) if confirmed_by_parent(link)]


def undo_link(session: Session, org_id: int, link_id: int, *, unit_ids: list[int], actor_id: int,
              now: datetime) -> ParentLink:
    """The homeroom teacher (or an administrator) undoes a link a parent
    confirmed themselves: it is rejected, and the parent leaves the unit and
    its chats unless another child of theirs is confirmed there."""
    link = session.get(ParentLink, link_id)
    if link is None or link.org_id != org_id or link.unit_id not in unit_ids or not confirmed_by_parent(link):
        raise NotFound()
    if link.parent_id == actor_id:
        raise PermissionDenied("own")
    parents.reject_confirmed_link(session, link, actor_id=actor_id, now=now)
    return link
