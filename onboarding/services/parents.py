"""Parents of a pupil: at most MAX_GUARDIANS each, one count for every path
(a personal parent link, taking one, a teacher matching a named child)."""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..models import ParentLink
from .errors import DomainError

MAX_GUARDIANS = 4


class TooManyGuardians(DomainError):
    """A pupil may have at most MAX_GUARDIANS parents, each with a link of their own."""

    def __init__(self, pupil_name: str = ""):
        super().__init__(pupil_name)
        self.pupil_name = pupil_name


def guardian_count(session: Session, child_id: int) -> int:
    """The parents linked to this pupil or waiting for a teacher's decision."""
    return session.scalar(select(func.count(ParentLink.id)).where(
        ParentLink.child_id == child_id, ParentLink.status != "rejected"))


def has_room_for_guardian(session: Session, child_id: int, *, waiting_links: int = 0) -> bool:
    """Whether one more parent fits, counting `waiting_links` (personal parent
    links for this pupil not yet taken) as parents already."""
    return guardian_count(session, child_id) + waiting_links < MAX_GUARDIANS
