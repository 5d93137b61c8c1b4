"""Review queues: the administrator verifies teachers and decides join
requests (the parents' queue: parents.py; the class list: roster.py)."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _, lazy_gettext as _l
from flask_login import current_user

from ..core.errors import NotFound, PermissionDenied
from ..db import get_session
from ..invites import operations as invites
from ..models import Organisation
from ..orgs import structure as orgs
from ..people import teachers as verification
from ..register import join_requests
from ..security import external_url, signing_keys
from ..web import admin_required, commit, now
from .blueprint import bp
from .forms import ApproveForm, DecideForm, ReasonForm
from .helpers import mail


# --- Teachers awaiting verification -----------------------------------------------

def _reason_forms(ids: list[int], submitted: ReasonForm | None = None, submitted_id: int | None = None):
    """A reason form per card (ids of their own); the one just sent keeps its
    text and errors."""
    forms = {item_id: ReasonForm(prefix=f"r{item_id}", formdata=None) for item_id in ids}
    if submitted is not None:
        forms[submitted_id] = submitted
    return forms


def _teachers_page(org: Organisation, submitted: ReasonForm | None = None, submitted_id: int | None = None):
    pending = verification.pending_teachers(get_session(), org.id)
    return render_template("review/teachers.html", org=org, pending=pending, form=DecideForm(),
                           reason_forms=_reason_forms([m.id for m in pending], submitted, submitted_id))


@bp.get("/teachers")
@admin_required
def teachers(org: Organisation):
    return _teachers_page(org)


@bp.post("/teachers/<int:membership_id>/<any(verify, reject):decision>")
@admin_required
def decide_teacher(org: Organisation, membership_id: int, decision: str):
    form = ReasonForm(prefix=f"r{membership_id}") if decision == "reject" else DecideForm()
    if not form.validate_on_submit():
        if decision == "verify" or "csrf_token" in form.errors:
            abort(400)
        return _teachers_page(org, form, membership_id), 422
    db = get_session()
    try:
        membership = verification.decide_teacher(
            db, org.id, membership_id, verified=decision == "verify", actor_id=current_user.id, now=now(),
            reason=form.reason.data if decision == "reject" else None,
        )
    except NotFound:
        abort(404)
    except PermissionDenied:
        abort(403)  # their own status
    teacher = membership.user
    mail(org, teacher.email, _l("Your status in «%(org)s»", org=org.display_name), "mail/teacher_decided.txt",
          user=teacher, membership=membership, login_url=external_url("auth.login"))
    commit(db)
    flash(_("%(name)s: verified.", name=teacher.short_name) if decision == "verify"
          else _("%(name)s: rejected.", name=teacher.short_name), "success")
    return redirect(url_for("review.teachers", org_id=org.id))


# --- Join requests -----------------------------------------------------------------

def _requests_page(org: Organisation, submitted: ReasonForm | None = None, submitted_id: int | None = None):
    db = get_session()
    pending = join_requests.pending_requests(db, org.id)
    units = {unit.id: unit.name for unit in orgs.list_units(db, org.id)}
    leads = {r.id: join_requests.homeroom_offer(db, r) for r in pending}
    return render_template("review/requests.html", org=org, pending=pending, units=units, leads=leads,
                           approve_forms={r.id: ApproveForm(prefix=f"r{r.id}", formdata=None) for r in pending},
                           reason_forms=_reason_forms([r.id for r in pending], submitted, submitted_id))


@bp.get("/requests")
@admin_required
def requests(org: Organisation):
    return _requests_page(org)


@bp.post("/requests/<int:request_id>/approve")
@admin_required
def approve_request(org: Organisation, request_id: int):
    form = ApproveForm(prefix=f"r{request_id}")
    if not form.validate_on_submit():
        abort(400)
    db = get_session()
    try:
        join_request, invite, nonce = join_requests.approve_join_request(
            db, org.id, request_id, actor_id=current_user.id, now=now(), as_lead=bool(form.lead.data))
    except (NotFound, join_requests.UnitRequired):
        abort(404)
    except PermissionDenied:
        abort(403)  # their own request
    link = external_url("invites.landing", token=invites.invite_token(signing_keys(), invite, nonce))
    mail(org, join_request.email, _l("Your request to join «%(org)s» is approved", org=org.display_name),
          "mail/join_approved.txt", request=join_request, link=link, invite=invite)
    commit(db)
    flash(_("Approved: %(name)s will get a letter with a link to finish registration.",
            name=join_request.first_name), "success")
    return redirect(url_for("review.requests", org_id=org.id))


@bp.post("/requests/<int:request_id>/reject")
@admin_required
def reject_request(org: Organisation, request_id: int):
    form = ReasonForm(prefix=f"r{request_id}")
    if not form.validate_on_submit():
        if "csrf_token" in form.errors:
            abort(400)
        return _requests_page(org, form, request_id), 422
    db = get_session()
    try:
        join_request = join_requests.reject_join_request(db, org.id, request_id, actor_id=current_user.id,
                                                         reason=form.reason.data, now=now())
    except NotFound:
        abort(404)
    except PermissionDenied:
        abort(403)  # their own request
    mail(org, join_request.email, _l("Your request to join «%(org)s»", org=org.display_name),
          "mail/join_rejected.txt", request=join_request)
    commit(db)
    flash(_("Rejected; the person will get a letter with your reason."), "success")
    return redirect(url_for("review.requests", org_id=org.id))
