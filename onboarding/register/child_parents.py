"""Parents who linked themselves by confirming a young pupil's registration
(`parent_account.py`): the unit's homeroom teacher (or an administrator)
sees them and may undo a link; each such parent's arrival is mailed to the
unit's homeroom teachers with this page's address."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import force_locale, gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from ..core.errors import NotFound, PermissionDenied
from ..db import get_session
from ..mail import outbox
from ..models import Membership, ParentLink, Unit, User
from ..orgs import structure as orgs
from ..people import accounts, members
from ..people.parents import units_led_by
from ..security import external_url
from ..web import commit, member_org, now
from . import parent_account
from .blueprint import bp
from .forms import ContinueForm


def _unit_ids(org_id: int) -> list[int]:
    db = get_session()
    if members.is_admin(members.memberships_of(db, current_user.id, org_id)):
        return [unit.id for unit in orgs.list_units(db, org_id)]
    unit_ids = units_led_by(db, current_user.id, org_id)
    if not unit_ids:
        abort(403)
    return unit_ids


@bp.get("/org/<int:org_id>/parents-by-confirmation")
@login_required
def child_parents(org_id: int):
    org = member_org(org_id)
    db = get_session()
    links = parent_account.links_confirmed_by_parents(db, org.id, _unit_ids(org.id))
    people = accounts.users_by_id(db, {link.parent_id for link in links} | {link.child_id for link in links})
    units = {unit.id: unit for unit in orgs.list_units(db, org.id)}
    return render_template("register/child_parents.html", org=org, links=links, people=people, units=units,
                           form=ContinueForm())


@bp.post("/org/<int:org_id>/parents-by-confirmation/<int:link_id>/undo")
@login_required
def undo_child_parent(org_id: int, link_id: int):
    org = member_org(org_id)
    if not ContinueForm().validate_on_submit():
        abort(400)
    db = get_session()
    try:
        parent_account.undo_link(db, org.id, link_id, unit_ids=_unit_ids(org.id), actor_id=current_user.id,
                                 now=now())
    except NotFound:
        abort(404)
    except PermissionDenied:
        abort(403)
    commit(db)
    flash(_("The link has been undone: the parent has left the chats of this class or group, unless another "
            "child of theirs is there."), "success")
    return redirect(url_for("register.child_parents", org_id=org.id))


def tell_homeroom_teachers(link: ParentLink) -> None:
    """Queue a letter to the unit's homeroom teachers: a parent linked
    themselves by confirming the child's registration (they may undo it)."""
    db = get_session()
    teachers = db.scalars(
        select(User).join(Membership, Membership.user_id == User.id)
        .where(Membership.unit_id == link.unit_id, Membership.role == "teacher", Membership.is_lead.is_(True),
               Membership.verification == "verified", Membership.left_at.is_(None), User.status == "active")
        .order_by(User.id))
    parent, child = db.get(User, link.parent_id), db.get(User, link.child_id)
    unit = db.get(Unit, link.unit_id)
    page = external_url("register.child_parents", org_id=link.org_id)
    with force_locale("ru"):  # in the organisation's language
        for teacher in teachers:
            if teacher.email:
                outbox.enqueue(db, to=teacher.email, now=now(), org_id=link.org_id,
                               subject=_("%(parent)s has joined as a parent of %(child)s", parent=parent.full_name,
                                         child=child.full_name),
                               body=render_template("mail/parent_linked_by_child.txt", teacher=teacher,
                                                    parent=parent, child=child, unit=unit, page=page,
                                                    org=unit.organisation))
