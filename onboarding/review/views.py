"""Review queues: the administrator verifies teachers and decides join
requests; a unit's homeroom teacher confirms the parents who named a child."""
from __future__ import annotations

from functools import wraps

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import force_locale, gettext as _, lazy_gettext as _l
from flask_login import current_user, login_required
from wtforms import SelectChoice

from ..core.errors import NotFound, PermissionDenied
from ..db import get_session
from ..invites import operations as invites
from ..mail import outbox
from ..models import Organisation
from ..orgs import structure as orgs
from ..people import accounts, members, parents as parent_links, teachers as verification
from ..people.parents import MAX_GUARDIANS, TooManyGuardians
from ..register import join_requests
from ..security import external_url, signing_keys
from ..vocabulary import words
from ..web import admin_required, commit, member_org, now
from .blueprint import bp
from .forms import ApproveForm, DecideForm, MatchChildForm, ReasonForm


def _mail(org: Organisation, to: str, subject, template: str, **context) -> None:
    """A letter to someone else, in the organisation's language (Russian),
    whatever language the administrator reads the site in. `subject` is lazy."""
    with force_locale("ru"):
        outbox.enqueue(get_session(), to=to, subject=str(subject), now=now(), org_id=org.id,
                       body=render_template(template, org=org, **context))


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
    _mail(org, teacher.email, _l("Your status in «%(org)s»", org=org.display_name), "mail/teacher_decided.txt",
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
    _mail(org, join_request.email, _l("Your request to join «%(org)s» is approved", org=org.display_name),
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
    _mail(org, join_request.email, _l("Your request to join «%(org)s»", org=org.display_name),
          "mail/join_rejected.txt", request=join_request)
    commit(db)
    flash(_("Rejected; the person will get a letter with your reason."), "success")
    return redirect(url_for("review.requests", org_id=org.id))


# --- Parents waiting for the homeroom teacher ----------------------------------------

def lead_or_admin(view):
    @wraps(view)
    @login_required
    def wrapped(org_id: int, **kwargs):
        org = member_org(org_id)
        db = get_session()
        if members.is_admin(members.memberships_of(db, current_user.id, org.id)):
            unit_ids = [unit.id for unit in orgs.list_units(db, org.id)]
        else:
            unit_ids = parent_links.units_led_by(db, current_user.id, org.id)
            if not unit_ids:
                abort(403)
        return view(org=org, unit_ids=unit_ids, **kwargs)

    return wrapped


@bp.get("/parents")
@lead_or_admin
def parents(org: Organisation, unit_ids: list[int]):
    db = get_session()
    links = parent_links.pending_parent_links(db, org.id, unit_ids)
    pupils = parent_links.pupils_by_unit(db, org.id, {link.unit_id for link in links})
    forms = {}
    for link in links:
        form = MatchChildForm(prefix=f"link{link.id}")
        form.child.choices = [SelectChoice("", "—")] + [
            SelectChoice(str(pupil.id), pupil.full_name) for pupil in pupils[link.unit_id]
        ]
        forms[link.id] = form
    parents_by_id = accounts.users_by_id(db, {link.parent_id for link in links})
    return render_template("review/parents.html", org=org, links=links, forms=forms, parents=parents_by_id,
                           reject_form=DecideForm())


@bp.post("/parents/<int:link_id>/<any(confirm, reject):decision>")
@lead_or_admin
def decide_parent(org: Organisation, unit_ids: list[int], link_id: int, decision: str):
    db = get_session()
    child_id = None
    if decision == "confirm" and words(org.kind).learners_join:
        form = MatchChildForm(prefix=f"link{link_id}")
        if not form.validate_on_submit():
            abort(400)
        if not (form.child.data or "").isdigit():
            flash(_("Please choose the pupil."), "error")
            return redirect(url_for("review.parents", org_id=org.id))
        child_id = int(form.child.data)
    elif not DecideForm().validate_on_submit():
        abort(400)
    try:
        parent_links.decide_parent_link(db, org.id, link_id, unit_ids=unit_ids, actor_id=current_user.id, now=now(),
                                       confirm=decision == "confirm", child_id=child_id)
    except PermissionDenied as error:
        abort(403 if error.args == ("own",) else 404)
    except NotFound:
        abort(404)
    except parent_links.AlreadyLinked:
        flash(_("This parent is already linked to this pupil."), "error")
        return redirect(url_for("review.parents", org_id=org.id))
    except TooManyGuardians:
        flash(_("This pupil already has %(max)d parents linked", max=MAX_GUARDIANS), "error")
        return redirect(url_for("review.parents", org_id=org.id))
    commit(db)
    flash(_("Confirmed.") if decision == "confirm" else _("Rejected."), "success")
    return redirect(url_for("review.parents", org_id=org.id))
