"""My consents: what I (or my parent for me) accepted, what I gave for my
children, and withdrawing one (`consent.may_withdraw` decides who may)."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, session, url_for
from flask_babel import force_locale, gettext as _, lazy_gettext as _l
from flask_login import current_user, login_required, logout_user

from ..core.errors import NotFound
from ..db import get_session
from ..errors import render_error
from ..mail import outbox
from ..models import ConsentRecord, Organisation, User
from ..web import commit, now
from . import operations as consent
from .blueprint import bp
from .forms import WithdrawForm

PARENT_ONLY = _l("Your parent gave this consent for you. Only your parent can withdraw it: on their own page "
                 "«My consents». If you have questions, please ask your homeroom teacher.")


@bp.get("/")
@login_required
def mine():
    db = get_session()
    records = list(reversed(consent.consents_of(db, current_user.id)))
    for_children = consent.consents_given_for_children(db, current_user.id)
    org_ids = {record.org_id for record in records} | {record.org_id for record, _child in for_children}
    orgs = {org_id: db.get(Organisation, org_id) for org_id in org_ids}
    withdrawable = {record.id for record in records + [record for record, _child in for_children]
                    if record.withdrawn_at is None and consent.may_withdraw(db, record, current_user.id)}
    return render_template("consent/mine.html", records=records, for_children=for_children, orgs=orgs,
                           withdrawable=withdrawable, parent_only=PARENT_ONLY)


def _withdrawable_record(record_id: int):
    """The record, if this user may withdraw it; the pupil is told why not
    (403), anyone else learns nothing of it (404)."""
    db = get_session()
    record = db.get(ConsentRecord, record_id)
    if record is None:
        abort(404)
    if not consent.may_withdraw(db, record, current_user.id):
        if record.subject_id == current_user.id:
            return None, render_error(403, _("Only a parent can withdraw this consent"), str(PARENT_ONLY))
        abort(404)
    return record, None


@bp.route("/<int:record_id>/withdraw", methods=["GET", "POST"])
@login_required
def withdraw(record_id: int):
    record, refusal = _withdrawable_record(record_id)
    if refusal is not None:
        return refusal
    db = get_session()
    if record.withdrawn_at is not None:
        return redirect(url_for("consent.mine"))
    org = db.get(Organisation, record.org_id)
    subject = db.get(User, record.subject_id)
    form = WithdrawForm()
    if not form.validate_on_submit():
        return render_template("consent/withdraw.html", record=record, org=org, subject=subject, form=form)
    try:
        withdrawal = consent.withdraw_consent(db, record.id, actor_id=current_user.id, now=now())
    except NotFound:  # withdrawn meanwhile
        return redirect(url_for("consent.mine"))
    _tell_parents_and_teachers(org, withdrawal)
    commit(db)
    if withdrawal.subject.id != current_user.id:
        flash(_("The consent for %(name)s has been withdrawn.", name=withdrawal.subject.full_name), "success")
        return redirect(url_for("consent.mine"))
    if withdrawal.account_disabled:
        logout_user()
        session.clear()
        flash(_("Your consent has been withdrawn. You have left the chats and your account is disabled."),
              "success")
        return redirect(url_for("main.index"))
    flash(_("Your consent has been withdrawn."), "success")
    return redirect(url_for("consent.mine"))


def _mail(org: Organisation, to: str, subject, template: str, **context) -> None:
    """A letter in the organisation's language (Russian), whatever language
    the sender reads the site in. `subject` is lazy."""
    with force_locale("ru"):
        outbox.enqueue(get_session(), to=to, subject=str(subject), now=now(), org_id=org.id,
                       body=render_template(template, org=org, **context))


def _tell_parents_and_teachers(org: Organisation, withdrawal: consent.Withdrawal) -> None:
    """A pupil left their class: every linked parent (and the address that gave
    the consent) and the class's homeroom teachers get a letter."""
    if withdrawal.unit is None:
        return
    subject = _l("%(name)s: consent to personal data processing withdrawn", name=withdrawal.subject.full_name)
    removed = {parent.id for parent in withdrawal.parents_removed}
    context = dict(withdrawal=withdrawal, pupil=withdrawal.subject, unit=withdrawal.unit)
    for parent in withdrawal.parents:
        if parent.email:
            _mail(org, parent.email, subject, "mail/consent_withdrawn_parent.txt", removed=parent.id in removed,
                  **context)
    if withdrawal.consent_email:
        _mail(org, withdrawal.consent_email, subject, "mail/consent_withdrawn_parent.txt", removed=False,
              **context)
    for teacher in withdrawal.leads:
        if teacher.email:
            _mail(org, teacher.email, subject, "mail/consent_withdrawn_teacher.txt", teacher=teacher, **context)
