"""The landing page of an invite link."""
from __future__ import annotations

from flask import Blueprint, render_template

from ..db import get_session
from ..security import signing_keys
from ..services import invites
from ..web import now

bp = Blueprint("invites", __name__)


@bp.get("/i/<token>")
def landing(token: str):
    invite = invites.load_invite(get_session(), signing_keys(), token)
    invites.check_usable(get_session(), invite, now())
    return render_template("invites/landing.html", invite=invite, token=token, org=invite.organisation)
