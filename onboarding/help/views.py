"""Help pages for everyone, logged in or not (they name no organisation to a
reader who is logged out), and the form to write to the administrators."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import force_locale, gettext as _
from flask_login import current_user, login_required

from ..db import get_session
from ..extensions import limiter
from ..models import Organisation
from ..people.members import memberships_of
from ..vocabulary import role_name, words
from ..web import commit, member_org, now
from .blueprint import bp
from .errors import NoAdministrator
from .forms import ContactForm
from .operations import Letter, contact_administrators

ROLES = ("parent", "student", "teacher", "admin")


def _reader_kind() -> str:
    """The words of the reader's organisation; a school's for anyone else."""
    if current_user.is_authenticated:
        memberships = memberships_of(get_session(), current_user.id)
        if memberships:
            return memberships[0].organisation.kind
    return "school"


@bp.get("/")
def index():
    kind = _reader_kind()
    roles = [role for role in ROLES if role != "student" or words(kind).learners_join]
    return render_template("help/index.html", roles=roles, kind=kind)


@bp.get("/<role>")
def role(role: str):
    kind = _reader_kind()
    if role not in ROLES or (role == "student" and not words(kind).learners_join):
        abort(404)
    return render_template("help/role.html", role=role, kind=kind)


@bp.get("/contact")
@login_required
def contact_choose():
    orgs = {m.org_id: m.organisation for m in memberships_of(get_session(), current_user.id)}
    if len(orgs) == 1:
        return redirect(url_for("help.contact", org_id=next(iter(orgs))))
    return render_template("help/contact_choose.html", orgs=list(orgs.values()))


def _sender_key() -> str:
    """Per account, not per log-in: logging in again doesn't reset the count."""
    return f"help-contact:{current_user.id if current_user.is_authenticated else request.remote_addr}"


@bp.route("/contact/<int:org_id>", methods=["GET", "POST"])
@login_required
@limiter.limit("5/hour", methods=["POST"], key_func=_sender_key, deduct_when=lambda response: response.status_code == 302)
def contact(org_id: int):
    org = member_org(org_id)
    form = ContactForm()
    if form.validate_on_submit():
        db = get_session()
        try:
            contact_administrators(db, org, sender=current_user, letter=_letter(org, form), reply=form.reply.data,
                                   now=now())
        except NoAdministrator:
            form.form_errors.append(_("Your organisation has no administrator to write to yet."))
        else:
            commit(db)
            flash(_("Your message has been sent to the administrators. They will answer as soon as they can."),
                  "success")
            return redirect(url_for("help.index"))
    return render_template("help/contact.html", org=org, form=form)


def _letter(org: Organisation, form: ContactForm) -> Letter:
    memberships = memberships_of(get_session(), current_user.id, org.id)
    with force_locale("ru"):  # to the administrators, in the organisation's language
        roles = ", ".join(sorted({f"{role_name(org.kind, m.role)} ({m.unit.name})" for m in memberships}))
        subject = _("Message from the site: %(subject)s", subject=form.subject.data)
        body = render_template("help/letter.txt", org=org, sender=current_user, roles=roles,
                               subject=form.subject.data, message=form.message.data,
                               reply=form.reply.data and bool(current_user.email))
    return Letter(subject=subject, body=body)
