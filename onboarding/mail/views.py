"""Mail sent so far: a page for development only (a newcomer needs it to see
a parent's code). It exists only in the development configuration, where
MAIL_DEBUG_PAGE is on; `flask run` without --debug still counts."""
from __future__ import annotations

from flask import abort, current_app, render_template

from ..db import get_session
from . import outbox
from .blueprint import bp


@bp.before_request
def only_in_debug():
    config = current_app.config
    if not (config["ENV_NAME"] == "development" and config.get("MAIL_DEBUG_PAGE")):
        abort(404)


@bp.get("/")
def sent():
    return render_template("mail/sent.html", messages=outbox.recent(get_session()))
