"""Consent records: personal data (152-ФЗ) and chat rules, each with its version."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from .. import texts
from ..chats import operations as chats
from ..core import audit
from ..core.errors import NotFound, PermissionDenied
from ..models import ConsentRecord, Membership, ParentLink, Unit, User
from ..people import accounts, members
from ..people.parents import end_parent_membership, other_child_in_unit


def record_consent(
    session: Session,
    *,
    org_id: int,
    subject_id: int,
    kind: str,
    text: str,
    version: str,
    now: datetime,
    ip: str | None,
    user_agent: str | None,
    given_by_id: int | None = None,
    given_by_email: str | None = None,
) -> ConsentRecord:
    record = ConsentRecord(
        org_id=org_id,
        kind=kind,
        subject_id=subject_id,
        given_by_id=given_by_id if given_by_id is not None else (None if given_by_email else subject_id),
        given_by_email=given_by_email,
        text_version=version,
        text_sha256=texts.sha256(text),
        created_at=now,
        ip=(ip or "")[:45] or None,
        user_agent=(user_agent or "")[:400] or None,
    )
    session.add(record)
    session.flush()
    audit.record(session, "consent.given", now=now, org_id=org_id, actor_id=given_by_id or subject_id,
                 target=record, kind=kind, version=version)
    return record


def current_consent(session: Session, *, subject_id: int, org_id: int, kind: str, version: str | None = None):
    query = select(ConsentRecord).where(
        ConsentRecord.subject_id == subject_id,
        ConsentRecord.org_id == org_id,
        ConsentRecord.kind == kind,
        ConsentRecord.withdrawn_at.is_(None),
    )
    if version is not None:
        query = query.where(ConsentRecord.text_version == version)
    return session.scalars(query.order_by(ConsentRecord.id.desc())).first()


def consents_of(session: Session, subject_id: int) -> list[ConsentRecord]:
    return list(
        session.scalars(
            select(ConsentRecord).where(ConsentRecord.subject_id == subject_id).order_by(ConsentRecord.id)
        )
    )


def has_accepted_chat_rules(session: Session, *, user_id: int, org_id: int, version: str) -> bool:
    """Accepted the current version of the rules (a new version asks again)."""
    return current_consent(session, subject_id=user_id, org_id=org_id, kind="chat_rules", version=version) is not None


def accept_chat_rules(
    session: Session, *, user_id: int, org_id: int, text: str, version: str, now: datetime,
    ip: str | None, user_agent: str | None,
) -> ConsentRecord:
    existing = current_consent(session, subject_id=user_id, org_id=org_id, kind="chat_rules", version=version)
    if existing is not None:
        return existing
    return record_consent(session, org_id=org_id, subject_id=user_id, kind="chat_rules", text=text,
                          version=version, now=now, ip=ip, user_agent=user_agent)


# --- Withdrawing ----------------------------------------------------------------

def given_by_parent(record: ConsentRecord) -> bool:
    """Given by a parent for their child (under 14: 152-ФЗ), not by the subject."""
    return record.given_by_email is not None or (
        record.given_by_id is not None and record.given_by_id != record.subject_id)


def linked_parent_ids(session: Session, child_id: int) -> list[int]:
    """The parents a teacher (or a guardian link) has confirmed for this child."""
    return list(session.scalars(select(ParentLink.parent_id).where(
        ParentLink.child_id == child_id, ParentLink.status == "confirmed").order_by(ParentLink.id)))


def may_withdraw(session: Session, record: ConsentRecord, user_id: int) -> bool:
    """Whether this person may withdraw this consent.

    A consent a parent gave for a child is the parent's: only a parent linked
    to that child (a confirmed link) withdraws it, never the child. Any other
    consent only its subject withdraws, for themselves."""
    if given_by_parent(record):
        return user_id in linked_parent_ids(session, record.subject_id)
    return user_id == record.subject_id


def consents_given_for_children(session: Session, parent_id: int) -> list[tuple[ConsentRecord, User]]:
    """The consents parents gave for this parent's (confirmed) children, newest first."""
    rows = session.execute(
        select(ConsentRecord, User).join(User, User.id == ConsentRecord.subject_id)
        .join(ParentLink, ParentLink.child_id == ConsentRecord.subject_id)
        .where(ParentLink.parent_id == parent_id, ParentLink.status == "confirmed",
               or_(ConsentRecord.given_by_email.is_not(None),
                   ConsentRecord.given_by_id != ConsentRecord.subject_id))
        .order_by(ConsentRecord.id.desc())
    )
    return [(record, child) for record, child in rows]


class ParentOnly(PermissionDenied):
    """The subject tried to withdraw the consent their parent gave."""


@dataclass
class Withdrawal:
    """What a withdrawal changed, and whom the views must tell."""

    record: ConsentRecord
    subject: User
    actor: User
    account_disabled: bool = False
    unit: Unit | None = None  # the class (group) the pupil left
    parents: list[User] = field(default_factory=list)  # linked to the pupil, each told
    parents_removed: list[User] = field(default_factory=list)  # taken out of `unit` and its chats
    consent_email: str | None = None  # the address that gave the consent, told too
    leads: list[User] = field(default_factory=list)  # the unit's homeroom teachers, told


def withdraw_consent(session: Session, record_id: int, *, actor_id: int, now: datetime) -> Withdrawal:
    """Withdraw a consent; `may_withdraw` decides who may.

    Chat rules: the subject leaves the organisation's chats. Personal data:
    the subject leaves the organisation's chats and the organisation itself,
    and the account is disabled when no organisation keeps their consent. A
    pupil's parents leave the pupil's class and its chats unless another child
    of theirs is in it; the views then tell the parents and the class's
    homeroom teachers.

    Raises NotFound (an outsider learns nothing of the record) or ParentOnly
    (the pupil, for a consent their parent gave)."""
    record = session.get(ConsentRecord, record_id)
    if record is None or record.withdrawn_at is not None:
        raise NotFound()
    if not may_withdraw(session, record, actor_id):
        if actor_id == record.subject_id:
            raise ParentOnly()
        raise NotFound()
    subject, actor = session.get(User, record.subject_id), session.get(User, actor_id)
    result = Withdrawal(record=record, subject=subject, actor=actor)
    record.withdrawn_at = now
    chats.leave_all_chats(session, user_id=subject.id, org_id=record.org_id, now=now)
    if record.kind == "personal_data":
        _leave_organisation(session, record, result, now=now)
    session.flush()
    audit.record(session, "consent.withdrawn", now=now, org_id=record.org_id, actor_id=actor_id, target=record,
                 kind=record.kind, subject_id=subject.id, parents_removed=len(result.parents_removed))
    return result


def _leave_organisation(session: Session, record: ConsentRecord, result: Withdrawal, *, now: datetime) -> None:
    subject = result.subject
    for other in session.scalars(select(ConsentRecord).where(
            ConsentRecord.subject_id == subject.id, ConsentRecord.org_id == record.org_id,
            ConsentRecord.withdrawn_at.is_(None))):
        other.withdrawn_at = now
    for membership in session.scalars(select(Membership).where(
            Membership.user_id == subject.id, Membership.org_id == record.org_id, Membership.left_at.is_(None))):
        membership.left_at = now
        if membership.role == "student":
            result.unit = membership.unit
    if result.unit is not None:
        _pupil_left_unit(session, result, now=now)
    remaining = session.scalars(select(ConsentRecord.id).where(
        ConsentRecord.subject_id == subject.id, ConsentRecord.kind == "personal_data",
        ConsentRecord.withdrawn_at.is_(None))).first()
    if remaining is None:
        accounts.disable_user(session, subject, actor_id=result.actor.id, now=now)
        result.account_disabled = True


def _pupil_left_unit(session: Session, result: Withdrawal, *, now: datetime) -> None:
    """The pupil's parents follow them out of the unit (unless another child
    keeps them there); the parents and the unit's homeroom teachers are told."""
    unit, pupil = result.unit, result.subject
    parents = accounts.users_by_id(session, set(linked_parent_ids(session, pupil.id)))
    result.parents = [parents[parent_id] for parent_id in sorted(parents)]
    for parent in result.parents:
        if other_child_in_unit(session, parent.id, pupil.id, unit.id):
            continue
        ended = end_parent_membership(session, parent.id, unit.id, now=now)
        session.flush()
        members.forget_memberships(session)
        chats.leave_ineligible_chats(session, user_id=parent.id, org_id=unit.org_id, now=now,
                                     reason="child_consent_withdrawn")
        if ended:
            result.parents_removed.append(parent)
    if result.record.given_by_email and result.record.given_by_email not in {p.email for p in result.parents}:
        result.consent_email = result.record.given_by_email
    result.leads = list(session.scalars(
        select(User).join(Membership, Membership.user_id == User.id)
        .where(Membership.unit_id == unit.id, Membership.role == "teacher", Membership.is_lead.is_(True),
               Membership.verification == "verified", Membership.left_at.is_(None), User.status == "active")
        .order_by(User.id)))

