"""Printable letters for a parents' meeting: one personal, single-use parent
link per named pupil (the pupil may not be registered yet)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Callable

from sqlalchemy.orm import Session

from ..models import Invite, Organisation, Unit, User
from .operations import create_invite

MAX_LETTERS = 60


@dataclass(frozen=True)
class Letter:
    pupil_name: str
    invite: Invite
    nonce: str


def split_names(text: str) -> list[str]:
    """One name per line; blank lines dropped, repeats kept once (first spelling)."""
    seen: set[str] = set()
    names = []
    for line in text.splitlines():
        name = " ".join(line.split())
        if name and name.casefold() not in seen:
            seen.add(name.casefold())
            names.append(name)
    return names


def create_letters(
    session: Session,
    *,
    org: Organisation,
    unit: Unit,
    creator: User,
    names: list[str],
    expires_at: datetime,
    now: datetime,
    derive_nonce: Callable[[int], str] | None = None,
) -> list[Letter]:
    """A personal parent invite (kind guardian) for each pupil, all or none
    (nonces from `derive_nonce`, as `create_invite` takes it)."""
    if not 1 <= len(names) <= MAX_LETTERS:
        raise ValueError("between 1 and MAX_LETTERS names")
    letters = []
    for name in names:
        invite, nonce = create_invite(
            session, org=org, unit=unit, kind="guardian", creator=creator, expires_at=expires_at,
            max_uses=1, now=now, pupil_name=name, derive_nonce=derive_nonce,
        )
        letters.append(Letter(name, invite, nonce))
    return letters
