"""Logging in with an account whose address isn't confirmed yet: with the
right password, the registration goes on in this browser (a new code to the
address, the code page); with a wrong one, or without an account, the
log-in page answers as for any wrong password. Each path costs one hash.

Only the code then typed on this browser proves the address, as everywhere.
"""
from __future__ import annotations

from argon2 import PasswordHasher
from flask import session
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import AuditEvent, Invite, User
from ..people import accounts
from ..people.passwords import verify_password
from .helpers import STATE

STARTED = ("user.registration_started", "user.registration_restarted")


def unconfirmed_with_password(session_: Session, hasher: PasswordHasher, identifier: str,
                              password: str) -> tuple[bool, User | None]:
    """(handled, account): handled is True for an unconfirmed account, whose
    account is returned only if the password is right; otherwise
    (False, None) and the caller authenticates as usual (one hash either way)."""
    user = accounts.find_by_login(session_, identifier)
    if user is None or user.status != "unconfirmed":
        return False, None
    return True, user if verify_password(hasher, user.password_hash, password) else None


def started_by(session_: Session, user: User) -> Invite | None:
    """The invite the account's registration was (last) started by."""
    for event in session_.scalars(
        select(AuditEvent).where(AuditEvent.action.in_(STARTED), AuditEvent.target_id == user.id)
        .order_by(AuditEvent.id.desc()).limit(5)
    ):
        if event.target_type == User.__tablename__ and isinstance((event.details or {}).get("invite_id"), int):
            return session_.get(Invite, event.details["invite_id"])
    return None


def needs_the_form(invite: Invite) -> bool:
    """A class's parent link: the child's name was typed in the form (kept
    only in the browser that typed it), so the form must be filled again."""
    return invite.kind == "parent" and invite.child_id is None


def resume_in_browser(user: User, invite: Invite) -> None:
    """This browser carries on with the registration (its code page)."""
    session[STATE] = {"invite": invite.id, "user": user.id, "v": user.session_version, "fields": {},
                      "remember": True}
