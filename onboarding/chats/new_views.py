"""«Создать чат»: a verified teacher's subject chat, the director's chats
(the director, or an administrator for them); `flask chats channels` gives an
organisation made before the system channels its channels."""
from __future__ import annotations

import click
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _, lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import BooleanField, HiddenField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Regexp

from .. import texts
from ..consent import operations as consent
from ..core.errors import PermissionDenied
from ..db import get_session
from ..models import Organisation
from ..orgs.policy import learners_join
from ..web import commit, member_org, now
from . import creating
from .blueprint import bp
from .forms import ActionForm

# What each of the director's chats is for, as the page explains it.
DIRECTOR_PURPOSES = {
    "deputies": _l("The director and the deputies you choose."),
    "teachers": _l("The director and every verified teacher, including those who join later."),
    "parents_committee": _l("The director and the parents you choose."),
    "students_committee": _l("The director and the pupils you choose."),
}


class SubjectChatForm(FlaskForm):
    unit = SelectField(_l("Class or group"), coerce=int)
    subject = StringField(
        _l("Subject"), description=_l("For example, «Математика». The chat will be called «Математика · 5А»."),
        validators=[DataRequired(_l("Write the subject.")),
                    Length(min=2, max=60, message=_l("A subject is 2 to 60 letters.")),
                    Regexp(creating.SUBJECT_NAME.pattern + r"\s*$", message=_l(
                        "Write the subject in letters only (words may be joined by a space or a hyphen)."))],
        filters=[lambda value: " ".join(value.split()) if value else value],
        render_kw={"maxlength": 60, "autocomplete": "off"},
    )
    with_parents = BooleanField(_l("The parents of the class or group may join it too"))


class PeopleForm(FlaskForm):
    q = HiddenField()


def _rules_or_none(org: Organisation, back: str):
    if not consent.has_accepted_chat_rules(get_session(), user_id=current_user.id, org_id=org.id,
                                           version=texts.CHAT_RULES_VERSION):
        return redirect(url_for("chats.rules", org_id=org.id, next=back))
    return None


@bp.app_template_global()
def chat_creation(org: Organisation) -> dict:
    """Which «Создать чат» links the choosing page shows this member."""
    db = get_session()
    return {"subject": bool(creating.subject_units(db, current_user.id, org.id)),
            "director": creating.may_create_director_chats(db, current_user.id, org.id)}


@bp.route("/org/<int:org_id>/new/subject", methods=["GET", "POST"])
@login_required
def new_subject(org_id: int):
    org = member_org(org_id)
    db = get_session()
    units = creating.subject_units(db, current_user.id, org.id)
    if not units:
        abort(403)
    back = url_for("chats.new_subject", org_id=org.id)
    if (to_rules := _rules_or_none(org, back)) is not None:
        return to_rules
    form = SubjectChatForm()
    form.unit.choices = [(unit.id, unit.name) for unit in units]
    if not learners_join(org.kind):
        del form.with_parents
    if form.validate_on_submit():
        try:
            chat = creating.create_subject_chat(
                db, org, unit_id=form.unit.data, subject=form.subject.data, now=now(),
                with_parents=bool(form.with_parents.data) if "with_parents" in form else True,
                creator_id=current_user.id)
        except creating.SubjectNameInvalid:
            form.subject.errors = [_("A subject is 2 to 60 letters.")]
        except creating.ChatExists as exists:
            form.subject.errors = [_("The chat «%(chat)s» already exists.", chat=exists.chat.title)]
        except PermissionDenied:
            abort(403)
        else:
            commit(db)
            flash(_("The chat «%(chat)s» is created; you are its moderator. The people it is for will find it among "
                    "their chats and join if they wish.", chat=chat.title), "success")
            return redirect(url_for("chats.mine"))
    return render_template("chats/new_subject.html", org=org, form=form)


def _director_org(org_id: int) -> Organisation:
    org = member_org(org_id)
    if not creating.may_create_director_chats(get_session(), current_user.id, org.id):
        abort(403)
    return org


@bp.route("/org/<int:org_id>/new/director", methods=["GET", "POST"])
@login_required
def new_director(org_id: int):
    """The four chats of the director; «all teachers» is made at once."""
    org = _director_org(org_id)
    back = url_for("chats.new_director", org_id=org.id)
    if (to_rules := _rules_or_none(org, back)) is not None:
        return to_rules
    db = get_session()
    form = ActionForm()
    if form.validate_on_submit():
        return _create_director_chat(org, "teachers", [], back)
    existing = creating.director_chats(db, org.id)
    return render_template("chats/new_director.html", org=org, form=form, purposes=DIRECTOR_PURPOSES,
                           audiences=creating.director_audiences(org), existing=existing)


def _create_director_chat(org: Organisation, audience: str, chosen: list[int], back: str):
    db = get_session()
    try:
        chat = creating.create_director_chat(db, org, audience=audience, chosen=chosen, creator_id=current_user.id,
                                             now=now())
    except creating.ChatExists as exists:
        flash(_("The chat «%(chat)s» already exists.", chat=exists.chat.title), "error")
        return redirect(back)
    except PermissionDenied:
        abort(403)
    commit(db)
    flash(_("The chat «%(chat)s» is created; you are its moderator. The people it is for will find it among "
            "their chats and join if they wish.", chat=chat.title), "success")
    return redirect(url_for("chats.mine"))


def _ids(values: list[str]) -> list[int]:
    """Person ids from the form or the address: digits only, at most as many as may be chosen."""
    return sorted({int(value) for value in values if value.isascii() and value.isdigit() and len(value) < 10}
                  )[:creating.MAX_CHOSEN]


@bp.route("/org/<int:org_id>/new/director/<audience>", methods=["GET", "POST"])
@login_required
def new_director_people(org_id: int, audience: str):
    """Choose the people: a name filter by GET (no script), ticked ones kept."""
    org = _director_org(org_id)
    if audience not in creating.director_audiences(org) or audience == "teachers":
        abort(404)
    db = get_session()
    form = PeopleForm()
    error = None
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        chosen = _ids(request.form.getlist("people"))
        if request.form.get("action") == "keep":
            return redirect(url_for("chats.new_director_people", org_id=org.id, audience=audience, chosen=chosen))
        try:
            return _create_director_chat(org, audience, chosen, url_for("chats.new_director", org_id=org.id))
        except creating.NobodyChosen:
            error = _("Choose at least one person.")
        query = form.q.data or ""
    else:
        chosen = _ids(request.args.getlist("chosen"))
        query = (request.args.get("q") or "")[:100]
        form.q.data = query
    found = creating.candidates(db, org.id, audience, query=query)
    # Only the organisation's people of this audience: an id from elsewhere shows nothing.
    picked = [user for user in creating.candidates(db, org.id, audience, limit=10_000) if user.id in set(chosen)]
    picked_ids = {user.id for user in picked}
    people = [(user, True) for user in picked] + [(user, False) for user in found if user.id not in picked_ids]
    return render_template("chats/new_people.html", org=org, form=form, audience=audience, query=query,
                           title=creating.director_audiences(org)[audience], purpose=DIRECTOR_PURPOSES[audience],
                           people=people, chosen=chosen, error=error, more=len(found) >= 60), 200


@bp.cli.command("channels")
def channels_command() -> None:
    """Give every organisation the system channels it lacks (safe to run again)."""
    db = get_session()
    made = 0
    for org in db.scalars(select(Organisation).order_by(Organisation.id)):
        made += len(creating.create_channels(db, org, now=now()))
    commit(db)
    click.echo(f"System channels created: {made}.")
