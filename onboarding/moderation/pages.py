"""«Мои нарушения» (each member sees only their own) and the
administrator's view of moderation in every chat of the organisation."""
from __future__ import annotations

from flask import render_template
from flask_login import current_user, login_required

from ..db import get_session
from ..web import admin_required, now
from . import lists
from .blueprint import bp


@bp.get("/mine")
@login_required
def mine():
    db = get_session()
    return render_template("moderation/mine.html", violations=lists.my_violations(db, current_user.id),
                           blocks=lists.my_blocks(db, current_user.id), now=now())


@bp.get("/org/<int:org_id>")
@admin_required
def overview(org):
    return render_template("moderation/overview.html", org=org,
                           chats=lists.org_moderation(get_session(), org.id, now=now()))
