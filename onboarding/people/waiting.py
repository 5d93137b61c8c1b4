"""How many wait for someone's decision, for their home page: per
organisation for its administrators (teachers to verify, join requests,
parents to confirm in any unit), per unit for its homeroom teacher (parents
to confirm). At most three queries, however many organisations and units."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from ..models import JoinRequest, Membership, ParentLink, Unit


@dataclass
class Waiting:
    teachers: dict[int, int] = field(default_factory=dict)  # org id -> teachers to verify
    requests: dict[int, int] = field(default_factory=dict)  # org id -> join requests
    parents_by_org: dict[int, int] = field(default_factory=dict)  # org id -> parents, every unit
    parents_by_unit: dict[int, int] = field(default_factory=dict)  # unit id -> parents


def waiting_counts(session: Session, *, admin_org_ids: set[int], lead_unit_ids: set[int]) -> Waiting:
    found = Waiting()
    if admin_org_ids:
        found.teachers = dict(session.execute(
            select(Membership.org_id, func.count(Membership.id)).join(Unit, Unit.id == Membership.unit_id)
            .where(Membership.org_id.in_(admin_org_ids), Unit.kind == "staff_room", Membership.role == "teacher",
                   Membership.verification == "pending", Membership.left_at.is_(None))
            .group_by(Membership.org_id)).all())
        found.requests = dict(session.execute(
            select(JoinRequest.org_id, func.count(JoinRequest.id))
            .where(JoinRequest.org_id.in_(admin_org_ids), JoinRequest.status == "pending")
            .group_by(JoinRequest.org_id)).all())
    if admin_org_ids or lead_unit_ids:
        rows = session.execute(
            select(ParentLink.org_id, ParentLink.unit_id, func.count(ParentLink.id))
            .where(ParentLink.status == "pending",
                   or_(ParentLink.org_id.in_(admin_org_ids), ParentLink.unit_id.in_(lead_unit_ids)))
            .group_by(ParentLink.org_id, ParentLink.unit_id))
        for org_id, unit_id, count in rows:
            if org_id in admin_org_ids:
                found.parents_by_org[org_id] = found.parents_by_org.get(org_id, 0) + count
            if unit_id in lead_unit_ids:
                found.parents_by_unit[unit_id] = count
    return found
