"""A unit's class list (roster): its homeroom teacher or an administrator
types or pastes the names, takes them from the printed letters, matches a
name to a pupil's account, or takes a mistyped name off. Parents never see it."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from ..core.errors import NotFound
from ..core.tokens import is_row_id
from ..db import get_session
from ..models import Organisation, Unit
from ..people import parents as parent_links, roster
from ..people.parents import MAX_GUARDIANS, TooManyGuardians
from ..web import commit, now
from .blueprint import bp
from .forms import DecideForm, RosterMatchForm, RosterNamesForm, RosterRemoveForm
from .helpers import roster_keeper


def _page(org: Organisation, unit: Unit, names_form: RosterNamesForm | None = None,
          match_form: RosterMatchForm | None = None):
    db = get_session()
    entries = roster.current_entries(db, org.id, unit.id)
    unlisted = roster.unlisted_pupils(db, org.id, unit.id, entries)
    match_form = match_form or RosterMatchForm(formdata=None)
    match_form.pupil.choices = [SelectChoice("", "—")] + [SelectChoice(str(p.id), p.full_name) for p in unlisted]
    match_form.entry.choices = [SelectChoice("", "—")] + [
        SelectChoice(str(e.id), e.full_name) for e in entries if e.pupil_id is None
    ] + [SelectChoice("new", _("Add it under the account's name"))]
    remove_form = RosterRemoveForm(formdata=None)
    remove_form.entry.choices = [SelectChoice("", "—")] + [
        SelectChoice(str(e.id), e.full_name) for e in entries if e.pupil_id is None
    ]
    return render_template("review/roster.html", org=org, unit=unit, entries=entries, unlisted=unlisted,
                           remove_form=remove_form,
                           letter_names=roster.letter_names(db, org.id, unit.id, entries),
                           names_form=names_form or RosterNamesForm(formdata=None), match_form=match_form,
                           form=DecideForm())


def _back(unit: Unit):
    return redirect(url_for("review.roster_page", org_id=unit.org_id, unit_id=unit.id))


@bp.route("/units/<int:unit_id>/roster", methods=["GET", "POST"])
@roster_keeper
def roster_page(org: Organisation, unit: Unit):
    form = RosterNamesForm()
    if not form.is_submitted():
        return _page(org, unit)
    if form.validate_on_submit():
        db = get_session()
        try:
            added = roster.add_names(db, org.id, unit.id, form.names.names, actor_id=current_user.id, now=now())
        except roster.RosterFull:
            form.names.errors.append(_("A list holds at most %(max)d names.", max=roster.MAX_ROSTER))
        else:
            commit(db)
            flash(_("Names added to the list: %(count)d.", count=len(added)), "success")
            return _back(unit)
    if "csrf_token" in form.errors:
        abort(400)
    return _page(org, unit, names_form=form), 422


@bp.post("/units/<int:unit_id>/roster/letters")
@roster_keeper
def roster_from_letters(org: Organisation, unit: Unit):
    if not DecideForm().validate_on_submit():
        abort(400)
    db = get_session()
    try:
        added = roster.add_names(db, org.id, unit.id, roster.letter_names(db, org.id, unit.id),
                                 actor_id=current_user.id, now=now())
    except roster.RosterFull:
        flash(_("A list holds at most %(max)d names.", max=roster.MAX_ROSTER), "error")
        return _back(unit)
    commit(db)
    flash(_("Names added to the list: %(count)d.", count=len(added)), "success")
    return _back(unit)


def _row_id(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and is_row_id(int(value)) else None


@bp.post("/units/<int:unit_id>/roster/match")
@roster_keeper
def roster_match(org: Organisation, unit: Unit):
    form = RosterMatchForm()
    if not form.validate_on_submit():
        abort(400)
    pupil_id, entry_id = _row_id(form.pupil.data), _row_id(form.entry.data)
    if pupil_id is None:
        form.pupil.errors.append(_("Please choose the pupil's account."))
    if entry_id is None and form.entry.data != "new":
        form.entry.errors.append(_("Please choose a name from the list."))
    if form.pupil.errors or form.entry.errors:
        return _page(org, unit, match_form=form), 422
    db = get_session()
    try:
        if entry_id is None:
            pupil = next((p for p in roster.unlisted_pupils(db, org.id, unit.id) if p.id == pupil_id), None)
            if pupil is None:
                raise NotFound()
            entry = roster.entry_for_pupil(db, org.id, unit.id, pupil, actor_id=current_user.id, now=now())
            parent_links.follow_pupil(db, entry, now=now())
        else:
            parent_links.match_entry(db, org.id, unit.id, entry_id, pupil_id, actor_id=current_user.id, now=now())
    except (NotFound, roster.AlreadyMatched):
        abort(404)
    except TooManyGuardians:
        db.rollback()
        form.entry.errors.append(_("This pupil already has %(max)d parents linked", max=MAX_GUARDIANS))
        return _page(org, unit, match_form=form), 422
    commit(db)
    flash(_("Matched: the parents confirmed for this name are now linked to the account."), "success")
    return _back(unit)


@bp.post("/units/<int:unit_id>/roster/remove")
@roster_keeper
def roster_remove(org: Organisation, unit: Unit):
    form = RosterRemoveForm()
    if not form.validate_on_submit():
        abort(400)
    entry_id = _row_id(form.entry.data)
    if entry_id is None:
        flash(_("Please choose a name from the list."), "error")
        return _back(unit)
    db = get_session()
    try:
        entry = roster.remove_entry(db, org.id, unit.id, entry_id, actor_id=current_user.id, now=now())
    except NotFound:
        abort(404)
    except roster.EntryInUse:
        flash(_("This name has an account or a confirmed parent, so it stays on the list."), "error")
        return _back(unit)
    commit(db)
    flash(_("«%(name)s» is taken off the list.", name=entry.full_name), "success")
    return _back(unit)
