"""The home page, the health check and the language switch."""
from __future__ import annotations

from flask import current_app, redirect, render_template, request, session, url_for
from flask_login import current_user

from .. import health
from ..db import get_session
from ..extensions import csrf
from ..models import utcnow
from ..people.members import holds_admin_rights, led_unit_ids, memberships_of
from ..people.waiting import waiting_counts
from ..security import safe_next
from .blueprint import bp


@bp.get("/")
def index():
    if not current_user.is_authenticated:
        return render_template("main/index.html")
    memberships = memberships_of(get_session(), current_user.id)
    admin_orgs = [m for m in memberships if holds_admin_rights(m)]
    if len(admin_orgs) == 1 and len({m.org_id for m in memberships}) == 1:
        return redirect(url_for("admin.console", org_id=admin_orgs[0].org_id))
    lead_units = set()
    for org_id in {m.org_id for m in memberships}:
        lead_units.update(led_unit_ids([m for m in memberships if m.org_id == org_id]))
    waiting = waiting_counts(get_session(), admin_org_ids={m.org_id for m in admin_orgs}, lead_unit_ids=lead_units)
    return render_template("main/home.html", memberships=memberships, holds_admin_rights=holds_admin_rights,
                           lead_units=lead_units, waiting=waiting)


@bp.get("/healthz")
def healthz():
    """Each dependency's state as JSON; 503 only when the database is down."""
    return health.report(current_app, get_session(), now=utcnow())


@bp.post("/language")
@csrf.exempt  # a display preference; without a token in every footer, a first visit sets no cookie
def set_language():
    lang = request.form.get("lang", "")
    if lang in ("ru", "en"):
        session["lang"] = lang
    return redirect(safe_next(request.form.get("next")) or url_for("main.index"))
