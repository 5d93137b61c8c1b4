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
