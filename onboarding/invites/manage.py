"""Invite lists for a unit and for the organisation, revoking, revoking all
unclaimed in a unit, and regenerating (revoke and make the same again)."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..core.errors import InviteRevoked, NotFound, PermissionDenied
from ..db import get_session
from ..models import Invite, Organisation, Unit
from ..people import members
from ..people.parents import MAX_GUARDIANS, TooManyGuardians
from ..web import commit, member_org, now
from . import lists as invite_lists, operations as invites, rights as invite_rights
from .blueprint import bp
from .forms import ConfirmForm
from .helpers import cannot_create, derive_nonce, managed_invite, me, unit_in
from .texts import denial_text, kind_label

# Lists name the last few who joined by each link; its page names them all.
LIST_NAMES = 5


# --- Lists, revoking, regenerating -------------------------------------------


def _rows(org: Organisation, found: list[Invite]) -> list[dict]:
    db = get_session()
    recent = invite_lists.latest_redemptions(db, [invite.id for invite in found], per_invite=LIST_NAMES)
    moment = now()
    members.preload_memberships(db, {invite.created_by_id for invite in found if invite.created_by_id}, org.id)
    creator_ok: dict[tuple, bool] = {}
    rows = []
    for invite in found:
        status = invites.invite_status(invite, moment)
        if status == "active":
            key = (invite.created_by_id, invite.kind, invite.unit_id)
            if key not in creator_ok:
                creator_ok[key] = invite_rights.creator_may_still(db, invite)
            if not creator_ok[key]:
                status = "creator_left"
        rows.append({"invite": invite, "status": status, "recent": recent[invite.id],
                     "kind": kind_label(invite.kind, org)})
    return rows


@bp.get("/org/<int:org_id>/invites")
@login_required
def org_list(org_id: int):
    org = member_org(org_id)
    db = get_session()
    reason = None
    units: list[Unit] = []
    try:
        _kinds, units = invite_rights.creation_choices(db, me(), org)
    except PermissionDenied as error:
        reason = denial_text(error, org)
    try:
        rows = _rows(org, invite_lists.visible_invites(db, me(), org))
    except PermissionDenied as error:
        return cannot_create(org, error)
    return render_template("invites/list.html", org=org, unit=None, rows=rows, reason=reason,
                           units=[unit for unit in units if unit.kind != "staff_room"], confirm_form=ConfirmForm())


@bp.get("/org/<int:org_id>/units/<int:unit_id>/invites")
@login_required
def unit_list(org_id: int, unit_id: int):
    org = member_org(org_id)
    unit = unit_in(org, unit_id)
    db = get_session()
    memberships = members.memberships_of(db, current_user.id, org.id)
    if not (members.is_admin(memberships) or any(m.role == "teacher" and m.unit_id == unit.id for m in memberships)):
        abort(403)
    reason = None
    try:
        invite_rights.may_create(db, me(), org, "staff" if unit.kind == "staff_room" else "parent", unit)
    except PermissionDenied as error:
        reason = denial_text(error, org)
    try:
        rows = _rows(org, invite_lists.visible_invites(db, me(), org, unit))
    except PermissionDenied as error:
        return cannot_create(org, error)
    return render_template("invites/list.html", org=org, unit=unit, rows=rows, reason=reason, units=[],
                           confirm_form=ConfirmForm())


def _back(org: Organisation, invite: Invite | None = None, unit: Unit | None = None) -> str:
    if request.form.get("back") == "org" or (invite is None and unit is None):
        return url_for("invites.org_list", org_id=org.id)
    return url_for("invites.unit_list", org_id=org.id, unit_id=unit.id if unit else invite.unit_id)


def _ask_first(org: Organisation, question: str, button: str, back: str, danger: bool = True):
    """The confirmation page, unless the form says it was confirmed (then None)."""
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    if form.is_confirmed:
        return None
    return render_template("invites/confirm.html", org=org, question=question, button=button, back=back,
                           action=request.path, form=form, back_to=request.form.get("back", ""), danger=danger)


def _regenerate_refusal(error: Exception) -> str:
    if isinstance(error, TooManyGuardians):
        return _("This pupil already has %(max)d working parent links. Revoke an unused one first.",
                 max=MAX_GUARDIANS)
    if isinstance(error, InviteRevoked):
        return _("This link has already been revoked. Make a new one on the «New link» page.")
    return _("The administrator's link is issued by the platform operator; it can't be made again here.")


@bp.post("/org/<int:org_id>/invites/<int:invite_id>/revoke")
@login_required
def revoke(org_id: int, invite_id: int):
    org = member_org(org_id)
    invite = managed_invite(org, invite_id)
    question = _ask_first(org, _("Revoke this link? Nobody will be able to use it any more; those who have "
                                 "already joined stay."), _("Revoke"), _back(org, invite))
    if question is not None:
        return question
    db = get_session()
    invite_lists.revoke_invite(db, invite, actor=me(), now=now())
    commit(db)
    flash(_("The link has been revoked."), "success")
    return redirect(_back(org, invite))


@bp.post("/org/<int:org_id>/invites/<int:invite_id>/regenerate")
@login_required
def regenerate(org_id: int, invite_id: int):
    org = member_org(org_id)
    invite = managed_invite(org, invite_id)
    question = _ask_first(org, _("Make a new link instead of this one? The old link stops working at once."),
                          _("Make a new link"), _back(org, invite), danger=False)
    if question is not None:
        return question
    db = get_session()
    try:
        new, _nonce = invite_lists.regenerate_invite(db, invite, actor=me(), now=now(), derive_nonce=derive_nonce())
    except (TooManyGuardians, PermissionDenied, InviteRevoked) as error:
        db.rollback()
        flash(_regenerate_refusal(error), "error")
        return redirect(_back(org, invite))
    commit(db)
    flash(_("Here is the new link. The old one no longer works."), "success")
    return redirect(url_for("invites.share", org_id=org.id, invite_id=new.id))


@bp.post("/org/<int:org_id>/units/<int:unit_id>/invites/revoke")
@login_required
def revoke_unclaimed(org_id: int, unit_id: int):
    org = member_org(org_id)
    unit = unit_in(org, unit_id)
    db = get_session()
    kind = "staff" if unit.kind == "staff_room" else "parent"
    try:
        invite_rights.may_create(db, me(), org, kind, unit)
    except (NotFound, PermissionDenied):
        abort(403)
    count = len(invite_lists.unclaimed_invites(db, unit, now()))
    question = _ask_first(org, _("Revoke every link of «%(unit)s» that still works (%(count)d)? Those who have "
                                 "already joined stay.", unit=unit.name, count=count),
                          _("Revoke all"), _back(org, unit=unit))
    if question is not None:
        return question
    revoked = invite_lists.revoke_unclaimed(db, unit, actor=me(), now=now())
    commit(db)
    flash(_("Links revoked: %(count)d.", count=len(revoked)), "success")
    return redirect(_back(org, unit=unit))
