"""What the registration pages share: the invite in the URL, the
registration in progress (kept in the signed session cookie), and the
parent's confirmation link."""
from __future__ import annotations

from flask import abort, make_response, render_template, session

from ..db import get_session
from ..fields import masked_email
from ..invites import operations as invites
from ..models import Invite, User
from ..security import serializer, signing_keys
from ..web import now

STATE = "registration"
STUDENT = "registration_student"
PARENT_SALT = "parent-consent"


def usable_invite(token: str) -> Invite:
    invite = invites.load_invite(get_session(), signing_keys(), token)
    invites.check_usable(get_session(), invite, now())
    return invite


def registration_state(allow_active: bool = False) -> tuple[Invite, User, dict]:
    """The invite and the unconfirmed account of the registration in progress."""
    state = session.get(STATE)
    if not isinstance(state, dict):
        abort(404)
    invite = usable_invite(state.get("token", ""))
    user = get_session().get(User, state.get("user"))
    # A young pupil's account (no e-mail) may have been confirmed by the
    # parent's link meanwhile; an e-mail registration restarted elsewhere has
    # moved its version on.
    usable = user is not None and user.session_version == state.get("v") and (
        user.status == "unconfirmed" or (allow_active and user.status == "active" and user.email is None))
    if not usable:
        session.pop(STATE, None)
        if user is not None and user.status == "unconfirmed":
            # Started again elsewhere with this address: say so, not a bare 404.
            abort(make_response(render_template("register/restarted.html", org=invite.organisation,
                                                token=state.get("token", "")), 409))
        abort(404)
    return invite, user, state


masked = masked_email  # enough for a pupil to recognise which parent the code went to


def parent_link_token(user: User, code_id: int, invite: Invite) -> str:
    return serializer(PARENT_SALT).dumps({"u": user.id, "c": code_id, "i": invite.id})
