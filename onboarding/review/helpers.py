"""What the review pages share: letters in Russian, and who may open the
parents' queue and a unit's class list."""
from __future__ import annotations

from functools import wraps

from flask import abort, render_template
from flask_babel import force_locale
from flask_login import current_user, login_required

from ..db import get_session
from ..mail import outbox
from ..models import Organisation, Unit
from ..orgs import structure as orgs
from ..people import members, parents as parent_links, roster
from ..web import member_org, now


def mail(org: Organisation, to: str, subject, template: str, **context) -> None:
    """A letter to someone else, in the organisation's language (Russian),
    whatever language the sender reads the site in. `subject` is lazy."""
    with force_locale("ru"):
        outbox.enqueue(get_session(), to=to, subject=str(subject), now=now(), org_id=org.id,
                       body=render_template(template, org=org, **context))


def lead_or_admin(view):
    """The parents' queue: an administrator sees every unit's, a verified
    homeroom teacher their units'; any other member 403, an outsider 404."""

    @wraps(view)
    @login_required
    def wrapped(org_id: int, **kwargs):
        org = member_org(org_id)
        db = get_session()
        if members.is_admin(members.memberships_of(db, current_user.id, org.id)):
            unit_ids = [unit.id for unit in orgs.list_units(db, org.id) if not unit.is_staff_room]
        else:
            unit_ids = parent_links.units_led_by(db, current_user.id, org.id)
            if not unit_ids:
                abort(403)
        return view(org=org, unit_ids=unit_ids, **kwargs)

    return wrapped


def roster_keeper(view):
    """A unit's class list: its homeroom teacher or an administrator
    (`people.roster.may_keep_roster`); any other member — a parent above
    all — 403, an outsider or a unit of another organisation 404."""

    @wraps(view)
    @login_required
    def wrapped(org_id: int, unit_id: int, **kwargs):
        org = member_org(org_id)
        db = get_session()
        unit = db.get(Unit, unit_id)
        if unit is None or unit.org_id != org.id or unit.is_staff_room or unit.archived_at is not None:
            abort(404)
        if not roster.may_keep_roster(members.memberships_of(db, current_user.id, org.id), unit.id):
            abort(403)
        return view(org=org, unit=unit, **kwargs)

    return wrapped
