"""Consent records: personal data (152-ФЗ) and chat rules, each with its version."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import ConsentRecord
from .. import texts
from . import audit


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


def withdraw_consent(session: Session, record_id: int, *, user_id: int, now: datetime) -> ConsentRecord:
    """Withdraw one of the user's own consents.

    Chat rules: the user leaves the organisation's chats. Personal data: the
    user leaves the organisation's chats and the organisation itself, and the
    account is disabled when no organisation keeps their consent."""
    from .accounts import disable_user
    from .chats import leave_all_chats
    from .errors import NotFound
    from ..models import Membership, User

    record = session.get(ConsentRecord, record_id)
    if record is None or record.subject_id != user_id or record.withdrawn_at is not None:
        raise NotFound()
    record.withdrawn_at = now
    leave_all_chats(session, user_id=user_id, org_id=record.org_id, now=now)
    if record.kind == "personal_data":
        for other in session.scalars(select(ConsentRecord).where(
                ConsentRecord.subject_id == user_id, ConsentRecord.org_id == record.org_id,
                ConsentRecord.withdrawn_at.is_(None))):
            other.withdrawn_at = now
        for membership in session.scalars(select(Membership).where(
                Membership.user_id == user_id, Membership.org_id == record.org_id, Membership.left_at.is_(None))):
            membership.left_at = now
        remaining = session.scalars(select(ConsentRecord.id).where(
            ConsentRecord.subject_id == user_id, ConsentRecord.kind == "personal_data",
            ConsentRecord.withdrawn_at.is_(None))).first()
        if remaining is None:
            disable_user(session, session.get(User, user_id), actor_id=user_id, now=now)
    session.flush()
    audit.record(session, "consent.withdrawn", now=now, org_id=record.org_id, actor_id=user_id, target=record,
                 kind=record.kind)
    return record
