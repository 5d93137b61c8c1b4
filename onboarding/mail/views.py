"""Mail sent so far: a page for development only (a newcomer needs it to see
a parent's code). It does not exist outside debug mode."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template

from ..db import get_session
from ..services import outbox

bp = Blueprint("mail", __name__, url_prefix="/dev/mail")


@bp.before_request
def only_in_debug():
    if not (current_app.debug and current_app.config.get("MAIL_DEBUG_PAGE")):
        abort(404)


@bp.get("/")
def sent():
    return render_template("mail/sent.html", messages=outbox.recent(get_session()))
