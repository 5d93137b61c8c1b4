"""Writing to the administrators of one's organisation: a letter to each
administrator in force; the sender's address only where they asked to be
answered by e-mail."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..core import audit
from ..mail import outbox
from ..models import Membership, Organisation, User
from ..people.members import holds_admin_rights
from .errors import NoAdministrator

MAX_SUBJECT = 150
MAX_MESSAGE = 2000


@dataclass
class Letter:
    """What the view renders for each administrator (subject and body)."""
    subject: str
    body: str


def administrators(session: Session, org_id: int) -> list[User]:
    """The organisation's administrators whose rights are in force and who
    have an address, once each."""
    rows = session.execute(
        select(Membership, User).join(User, User.id == Membership.user_id)
        .where(Membership.org_id == org_id, Membership.role == "admin", Membership.left_at.is_(None),
               User.status == "active", User.email.is_not(None)).order_by(User.id))
    found: dict[int, User] = {}
    for membership, user in rows:
        if holds_admin_rights(membership):
            found.setdefault(user.id, user)
    return list(found.values())


def contact_administrators(session: Session, org: Organisation, *, sender: User, letter: Letter, reply: bool,
                           now: datetime) -> int:
    """Queue the letter to every administrator of the organisation. Returns
    how many were written to."""
    recipients = administrators(session, org.id)
    if not recipients:
        raise NoAdministrator()
    reply_to = sender.email if reply and sender.email else None
    for admin in recipients:
        outbox.enqueue(session, to=admin.email, subject=letter.subject, body=letter.body, now=now, org_id=org.id,
                       reply_to=reply_to)
    audit.record(session, "help.contacted", now=now, org_id=org.id, actor_id=sender.id, target=org,
                 recipients=len(recipients), reply_by_email=reply_to is not None)
    return len(recipients)
