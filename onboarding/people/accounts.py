"""Accounts: creation, log-in, password changes and resets, disabling."""
from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime

from argon2 import PasswordHasher
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..core import audit
from ..core.errors import EmailTaken, LoginTaken
from ..models import User
from .passwords import dummy_verify, hash_password, verify_password


def find_by_email(session: Session, email: str) -> User | None:
    return session.scalars(select(User).where(User.email == email)).first()


def find_by_login(session: Session, identifier: str) -> User | None:
    """An e-mail address or a pupil's login name, as typed at log-in."""
    identifier = identifier.strip()
    if "@" in identifier:
        return find_by_email(session, identifier.lower())
    return session.scalars(select(User).where(User.login == identifier.lower())).first()


def users_by_id(session: Session, user_ids: set[int]) -> dict[int, User]:
    """Several accounts in one query."""
    if not user_ids:
        return {}
    return {user.id: user for user in session.scalars(select(User).where(User.id.in_(user_ids)))}


def create_user(
    session: Session,
    hasher: PasswordHasher,
    *,
    last_name: str,
    first_name: str,
    password: str,
    now: datetime,
    email: str | None = None,
    login: str | None = None,
    patronymic: str | None = None,
    phone: str | None = None,
    birth_date: date | None = None,
    status: str = "unconfirmed",
) -> User:
    """A new account; `email` must already be normalised (fields.normalise_email)."""
    if email is not None and find_by_email(session, email) is not None:
        raise EmailTaken(email)
    if login is not None:
        login = login.lower()
        if session.scalars(select(User.id).where(User.login == login)).first() is not None:
            raise LoginTaken(login)
    user = User(
        email=email,
        login=login,
        password_hash=hash_password(hasher, password),
        last_name=last_name,
        first_name=first_name,
        patronymic=patronymic or None,
        phone=phone or None,
        birth_date=birth_date,
        status=status,
        created_at=now,
        confirmed_at=now if status == "active" else None,
    )
    session.add(user)
    session.flush()
    return user


def authenticate(session: Session, hasher: PasswordHasher, identifier: str, password: str) -> User | None:
    """The active user with these credentials, or None. Costs one hash either way."""
    user = find_by_login(session, identifier)
    if user is None:
        dummy_verify(hasher, password)
        return None
    if not verify_password(hasher, user.password_hash, password):
        return None
    if hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(hasher, password)
    return user if user.is_active else None


def record_login(session: Session, user: User, *, now: datetime) -> None:
    user.last_login_at = now
    session.flush()


def set_password(session: Session, hasher: PasswordHasher, user: User, password: str, *, now: datetime) -> None:
    """New password; every other session of this user ends (the version moves on)."""
    user.password_hash = hash_password(hasher, password)
    user.session_version += 1
    audit.record(session, "user.password_changed", now=now, actor_id=user.id, target=user)
    session.flush()


def disable_user(session: Session, user: User, *, actor_id: int | None, now: datetime) -> None:
    user.status = "disabled"
    user.session_version += 1
    audit.record(session, "user.disabled", now=now, actor_id=actor_id, target=user)
    session.flush()


def login_name_taken(session: Session, login: str) -> bool:
    return session.scalars(select(User.id).where(func.lower(User.login) == login.lower())).first() is not None


# --- Login names for pupils without an e-mail ------------------------------------

_TRANSLIT = dict(zip(
    "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
    ["a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "y", "k", "l", "m", "n", "o", "p", "r", "s", "t",
     "u", "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e", "yu", "ya"],
))
LOGIN_PATTERN = re.compile(r"^[a-z][a-z0-9._-]{2,39}$")


def _latin(text: str) -> str:
    out = "".join(_TRANSLIT.get(ch, ch) for ch in text.casefold())
    out = unicodedata.normalize("NFKD", out).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]", "", out)


def suggest_login(session: Session, first_name: str, last_name: str) -> str:
    """«Петя Иванов» → petya.ivanov, or petya.ivanov2, ... (never taken)."""
    base = ".".join(part for part in (_latin(first_name), _latin(last_name)) if part)[:32] or "pupil"
    if not base[0].isalpha():
        base = "u" + base
    candidate, number = base, 1
    while login_name_taken(session, candidate):
        number += 1
        candidate = f"{base}{number}"
    return candidate
