"""What the registration pages share: the invite in the URL, the
registration in progress (kept in the signed session cookie), where the
person is on the path, and the parent's confirmation link."""
from __future__ import annotations

from flask import abort, make_response, redirect, render_template, session, url_for
from flask_login import current_user

from ..db import get_session
from ..fields import masked_email
from ..invites import operations as invites
from ..models import Invite, User
from ..security import serializer, signing_keys
from ..web import now
from . import steps

STATE = "registration"
STUDENT = "registration_student"
PARENT_SALT = "parent-consent"
# What the forms keep of the typing for going back (never a password).
KEPT_FIELDS = ("last_name", "first_name", "patronymic", "email", "phone", "child_name", "login", "parent_email")


def usable_invite(token: str) -> Invite:
    invite = invites.load_invite(get_session(), signing_keys(), token)
    invites.check_usable(get_session(), invite, now())
    return invite


def where_now() -> str:
    """The page of the step this browser is at, for a page of the path that
    no longer fits (back, reload, an old tab): the chats (their rules first)
    once logged in, the registration in progress, or the home page."""
    if current_user.is_authenticated:
        path = session.get(steps.PATH)
        if isinstance(path, dict) and isinstance(path.get("org"), int):
            return url_for("chats.choose", org_id=path["org"])
        return url_for("main.index")
    if isinstance(session.get(STATE), dict):
        return url_for("register.confirm")
    return url_for("main.index")


def _state_user(state: dict) -> User | None:
    user = get_session().get(User, state.get("user")) if isinstance(state.get("user"), int) else None
    return user if user is not None and user.session_version == state.get("v") else None


def registration_state(allow_active: bool = False) -> tuple[Invite, User, dict]:
    """The invite and the unconfirmed account of the registration in progress.

    With `allow_active`, also a young pupil's account that a parent has
    confirmed meanwhile by the letter's link (the invite is then taken: its
    uses are not counted again). Without a registration in progress the
    browser is sent to the step it is at."""
    state = session.get(STATE)
    if not isinstance(state, dict):
        abort(redirect(where_now()))
    if "token" in state:
        invite = invites.load_invite(get_session(), signing_keys(), state["token"])
    else:  # resumed by logging in (`resume.py`): the invite the registration was started by
        invite = get_session().get(Invite, state.get("invite")) if isinstance(state.get("invite"), int) else None
        if invite is None:
            session.pop(STATE, None)
            abort(redirect(where_now()))
    user = get_session().get(User, state.get("user"))
    # A young pupil's account (no e-mail) may have been confirmed by the
    # parent's link meanwhile; an e-mail registration restarted elsewhere has
    # moved its version on.
    confirmed_by_parent = allow_active and user is not None and user.status == "active" and user.email is None
    usable = user is not None and user.session_version == state.get("v") and (
        user.status == "unconfirmed" or confirmed_by_parent)
    if not usable:
        session.pop(STATE, None)
        if user is not None and user.status == "unconfirmed":
            # Started again elsewhere with this address: say so, not a bare 404.
            abort(make_response(render_template("register/restarted.html", org=invite.organisation,
                                                token=state.get("token", "")), 409))
        abort(redirect(where_now()))
    if user.status == "unconfirmed":
        invites.check_usable(get_session(), invite, now())
    return invite, user, state


def resumable(token: str) -> bool:
    """Whether this browser has a registration in progress by this invite
    (opening the link again goes back to it)."""
    state = session.get(STATE)
    if not isinstance(state, dict) or state.get("token") != token:
        return False
    user = _state_user(state)
    return user is not None and (user.status == "unconfirmed" or user.email is None and user.status == "active")


def replaced_registration(token: str) -> User | None:
    """This browser's own unconfirmed account by this invite, which a form
    sent again (a mended e-mail address) replaces."""
    state = session.get(STATE)
    if not isinstance(state, dict) or state.get("token") != token:
        return None
    user = _state_user(state)
    return user if user is not None and user.status == "unconfirmed" else None


def kept_fields(token: str) -> dict:
    """What this browser typed in the form of this invite, to show it again."""
    state = session.get(STATE)
    if not isinstance(state, dict) or state.get("token") != token or not isinstance(state.get("fields"), dict):
        return {}
    return {key: value for key, value in state["fields"].items() if key in KEPT_FIELDS and isinstance(value, str)}


def fill_form(form, typed: dict) -> None:
    for key, value in typed.items():
        if hasattr(form, key) and key != "password":
            getattr(form, key).data = value


masked = masked_email  # enough for a pupil to recognise which parent the code went to


def parent_link_token(user: User, code_id: int, invite: Invite) -> str:
    return serializer(PARENT_SALT).dumps({"u": user.id, "c": code_id, "i": invite.id})
