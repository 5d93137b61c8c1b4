"""My consents: what I (or my parent for me) accepted, and withdrawing one."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user

from ..db import get_session
from ..mail.sender import commit
from ..models import ConsentRecord, Organisation, User
from ..services import consent
from ..web import now
from .forms import WithdrawForm

bp = Blueprint("consent", __name__, url_prefix="/consents")


@bp.get("/")
@login_required
def mine():
    db = get_session()
    records = consent.consents_of(db, current_user.id)
    orgs = {org_id: db.get(Organisation, org_id) for org_id in {record.org_id for record in records}}
    return render_template("consent/mine.html", records=list(reversed(records)), orgs=orgs)


def _own_record(record_id: int) -> ConsentRecord:
    record = get_session().get(ConsentRecord, record_id)
    if record is None or record.subject_id != current_user.id:
        abort(404)
    return record


@bp.route("/<int:record_id>/withdraw", methods=["GET", "POST"])
@login_required
def withdraw(record_id: int):
    record = _own_record(record_id)
    org = get_session().get(Organisation, record.org_id)
    if record.withdrawn_at is not None:
        return redirect(url_for("consent.mine"))
    form = WithdrawForm()
    if form.validate_on_submit():
        db = get_session()
        consent.withdraw_consent(db, record.id, user_id=current_user.id, now=now())
        commit(db)
        user = db.get(User, current_user.id)
        if user.status == "disabled":
            logout_user()
            session.clear()
            flash(_("Your consent has been withdrawn. You have left the chats and your account is disabled."),
                  "success")
            return redirect(url_for("main.index"))
        flash(_("Your consent has been withdrawn."), "success")
        return redirect(url_for("consent.mine"))
    return render_template("consent/withdraw.html", record=record, org=org, form=form)
