"""Join requests from the organisation's join link, and the administrator's decision.

Approving one makes a personal single-use invite for the person (into the
staff room for a teacher, into the chosen unit for a pupil): the e-mail with
its link lets them finish registration (code, consent) as anyone invited.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..core import audit
from ..core.errors import DomainError, NotFound, PermissionDenied
from ..invites import operations as invites
from ..models import Invite, JoinRequest, Unit, User
from ..orgs.policy import learners_join
from ..orgs.structure import staff_room

APPROVED_INVITE_LIFETIME = timedelta(days=14)
PENDING_PER_EMAIL = 3


class UnitRequired(DomainError):
    pass


class TooManyRequests(DomainError):
    pass


def request_units(session: Session, org_id: int) -> list[Unit]:
    """The units a newcomer may name (not the staff room)."""
    return list(session.scalars(
        select(Unit).where(Unit.org_id == org_id, Unit.kind != "staff_room", Unit.archived_at.is_(None))
        .order_by(Unit.sort_key)
    ))


def submit_join_request(
    session: Session, invite: Invite, *, last_name: str, first_name: str, patronymic: str | None,
    email: str, role: str, unit_id: int | None, message: str | None, now: datetime,
) -> JoinRequest:
    """A pending request; the organisation comes from the join link, never the form."""
    invites.check_usable(session, invite, now)
    if invite.kind != "join" or role not in ("teacher", "student"):
        raise NotFound()
    if role == "student" and not learners_join(invite.organisation.kind):
        raise NotFound()
    unit = session.get(Unit, unit_id) if unit_id else None
    if unit is not None and (unit.org_id != invite.org_id or unit.kind == "staff_room" or unit.archived_at):
        raise NotFound()
    if role == "student" and unit is None:
        raise UnitRequired()
    waiting = session.scalar(select(func.count(JoinRequest.id)).where(
        JoinRequest.org_id == invite.org_id, JoinRequest.email == email, JoinRequest.status == "pending"))
    if waiting >= PENDING_PER_EMAIL:
        raise TooManyRequests()
    request = JoinRequest(
        org_id=invite.org_id, unit_id=unit.id if unit else None, invite_id=invite.id, last_name=last_name,
        first_name=first_name, patronymic=patronymic or None, email=email, role=role,
        message=message or None, status="pending", created_at=now,
    )
    session.add(request)
    session.flush()
    audit.record(session, "join_request.created", now=now, org_id=invite.org_id, target=request, role=role)
    return request


def pending_requests(session: Session, org_id: int) -> list[JoinRequest]:
    return list(session.scalars(
        select(JoinRequest).where(JoinRequest.org_id == org_id, JoinRequest.status == "pending")
        .order_by(JoinRequest.id)
    ))


def _pending(session: Session, org_id: int, request_id: int, actor_id: int) -> JoinRequest:
    """A pending request of the organisation that someone else sent."""
    request = session.get(JoinRequest, request_id)
    if request is None or request.org_id != org_id or request.status != "pending":
        raise NotFound()
    actor = session.get(User, actor_id)
    if actor is not None and actor.email == request.email:
        raise PermissionDenied("own")
    return request


def homeroom_offer(session: Session, request: JoinRequest) -> Unit | None:
    """The unit a teacher's request named, if it can still be led: the
    administrator may make them its homeroom teacher on approval."""
    if request.role != "teacher" or request.unit_id is None:
        return None
    unit = session.get(Unit, request.unit_id)
    if unit is None or unit.org_id != request.org_id or unit.archived_at is not None or unit.kind == "staff_room":
        return None
    return unit


def approve_join_request(
    session: Session, org_id: int, request_id: int, *, actor_id: int, now: datetime, as_lead: bool = False,
) -> tuple[JoinRequest, Invite, str]:
    """Approved: a personal invite (and its nonce, for the e-mail's link). A
    teacher's invite also makes them homeroom teacher of the unit they named
    if the administrator chose so (`as_lead`)."""
    request = _pending(session, org_id, request_id, actor_id)
    lead_unit = homeroom_offer(session, request) if as_lead else None
    if request.role == "teacher":
        unit_id, kind = staff_room(session, org_id).id, "staff"
    else:
        if request.unit_id is None:
            raise UnitRequired()
        unit_id, kind = request.unit_id, "pupil"
    name = " ".join(p for p in (request.last_name, request.first_name, request.patronymic) if p)
    invite, nonce = invites.new_invite(
        session, org_id=org_id, unit_id=unit_id, kind=kind, now=now, expires_at=now + APPROVED_INVITE_LIFETIME,
        max_uses=1, created_by_id=actor_id, invitee_name=name, invitee_email=request.email,
        pupil_name=name if kind == "pupil" else None, lead_unit_id=lead_unit.id if lead_unit else None,
    )
    request.status = "approved"
    request.decided_at = now
    request.decided_by_id = actor_id
    session.flush()
    audit.record(session, "join_request.approved", now=now, org_id=org_id, actor_id=actor_id, target=request,
                 invite_id=invite.id, lead_unit_id=invite.lead_unit_id)
    return request, invite, nonce


def reject_join_request(
    session: Session, org_id: int, request_id: int, *, actor_id: int, reason: str, now: datetime
) -> JoinRequest:
    request = _pending(session, org_id, request_id, actor_id)
    request.status = "rejected"
    request.rejection_reason = reason
    request.decided_at = now
    request.decided_by_id = actor_id
    session.flush()
    audit.record(session, "join_request.rejected", now=now, org_id=org_id, actor_id=actor_id, target=request)
    return request
