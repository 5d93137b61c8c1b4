"""Who reads an organisation's statistics: its administrators (rights in
force) and its director."""
from __future__ import annotations

from ..models import Membership
from ..people.members import is_admin, teacher_verification


def is_director(memberships: list[Membership]) -> bool:
    """A verified staff member whose staff-room membership holds the
    position «director» (one organisation's memberships)."""
    if teacher_verification(memberships) != "verified":
        return False
    return any(m.role == "teacher" and m.unit.kind == "staff_room" and m.position == "director"
               for m in memberships)


def may_read_statistics(memberships: list[Membership]) -> bool:
    return is_admin(memberships) or is_director(memberships)
