"""Starting a logged-in session: shared by log-in, password reset and the
end of registration."""
from __future__ import annotations

from flask import current_app, session
from flask_login import current_user, login_user

from ..db import get_session
from ..models import User
from ..people import login_sessions
from ..web import commit, now


def clear_session() -> None:
    """Forget everything but the chosen language."""
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang


def start_session(user: User, remember: bool = False) -> None:
    """A fresh session for the logged-in user (no fixation across log-in).

    It writes the device's login session row and commits the request's work
    with it; the login session the browser had before (if any) ends.
    """
    db = get_session()
    config = current_app.config
    if current_user.is_authenticated:
        login_sessions.end_login_session(db, current_user.login_identity, now=now())
    lifetime = config["REMEMBER_COOKIE_DURATION"] if remember else config["PERMANENT_SESSION_LIFETIME"]
    login_sessions.start_login_session(db, user, now=now(), lifetime=lifetime)
    commit(db)
    clear_session()
    login_user(user, remember=remember)
