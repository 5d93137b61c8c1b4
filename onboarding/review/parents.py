"""The parents' queue: a unit's homeroom teacher — or an administrator, who
sees every unit — confirms a parent against a name on the class list (or
the name the parent typed, which joins the list), or rejects; the parent is
told by e-mail."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _, lazy_gettext as _l
from flask_login import current_user
from wtforms import SelectChoice

from ..core.errors import NotFound, PermissionDenied
from ..core.tokens import is_row_id
from ..db import get_session
from ..models import Organisation, ParentLink, RosterEntry, Unit, User
from ..people import accounts, parents as parent_links, roster
from ..people.parents import MAX_GUARDIANS, AlreadyLinked, TooManyGuardians
from ..security import external_url
from ..web import commit
from ..web import now as clock
from .blueprint import bp
from .forms import CHILD_QUESTION, DecideForm, MatchChildForm
from .helpers import lead_or_admin, mail

CHOOSE_A_NAME = _l("Please choose a name from the list.")
# Cards shown at once, oldest first: each carries its unit's list (up to 60
# names), and the page stays under 20 KB on a phone.
CARDS_PER_PAGE = 5


def _card_form(org: Organisation, link: ParentLink, entries: list[RosterEntry], unlisted: list[User],
               submitted: MatchChildForm | None = None) -> MatchChildForm:
    """The card's choice: the unit's list, its pupil accounts not on it, and
    the name as typed when it isn't on it. The typed name's match is chosen
    beforehand; a card whose only choice is the typed name shows no select."""
    form = submitted or MatchChildForm(prefix=f"link{link.id}", formdata=None)
    form.child.label.text = CHILD_QUESTION[org.kind]
    typed = link.child_name_given or ""
    key = roster.name_key(typed)
    named = [(f"e{entry.id}", entry.full_name, entry.name_key) for entry in entries]
    named += [(str(pupil.id), pupil.full_name, roster.name_key(pupil.full_name)) for pupil in unlisted]
    choices = [SelectChoice(value, label) for value, label, _key in named]
    match = next((value for value, _label, name_key in named if key and name_key == key), None)
    if typed and match is None:
        choices.append(SelectChoice("new", _("%(name)s (as the parent typed it; it joins the list)", name=typed)))
    form.only_typed = not named and bool(typed)
    form.child.choices = [SelectChoice("", "—")] + choices
    if submitted is None:
        form.child.data = match or ""
    return form


def _queue(org: Organisation, unit_ids: list[int], submitted: MatchChildForm | None = None,
           submitted_id: int | None = None):
    db = get_session()
    waiting = parent_links.pending_parent_links(db, org.id, unit_ids)
    links = waiting[:CARDS_PER_PAGE]
    if submitted_id is not None and submitted_id not in {link.id for link in links}:
        links = [link for link in waiting if link.id == submitted_id] + links[:CARDS_PER_PAGE - 1]
    waiting_units = {link.unit_id for link in links}
    lists = roster.entries_by_unit(db, org.id, waiting_units)
    pupils = roster.pupils_by_unit(db, org.id, waiting_units)
    unlisted = {unit_id: [p for p in pupils[unit_id] if p.id not in {e.pupil_id for e in lists[unit_id]}]
                for unit_id in waiting_units}
    forms = {link.id: _card_form(org, link, lists[link.unit_id], unlisted[link.unit_id],
                                 submitted if link.id == submitted_id else None) for link in links}
    units = {unit.id: unit for unit in org.units if unit.id in unit_ids}
    return render_template("review/parents.html", org=org, links=links, forms=forms, units=units,
                           more=len(waiting) - len(links),
                           parents=accounts.users_by_id(db, {link.parent_id for link in links}),
                           reject_form=DecideForm())


@bp.get("/parents")
@lead_or_admin
def parents(org: Organisation, unit_ids: list[int]):
    return _queue(org, unit_ids)


def _choice(form: MatchChildForm) -> tuple[int | None, int | None] | None:
    """(child_id, entry_id) chosen on the card; (None, None) for the typed
    name (also when the card offered no choice); None if nothing valid."""
    if not form.child.raw_data:
        return None, None
    value = form.child.raw_data[0]
    if value == "new":
        return None, None
    if value[:1] == "e" and value[1:].isdigit() and is_row_id(int(value[1:])):
        return None, int(value[1:])
    if value.isdigit() and is_row_id(int(value)):
        return int(value), None
    return None


@bp.post("/parents/<int:link_id>/<any(confirm, reject):decision>")
@lead_or_admin
def decide_parent(org: Organisation, unit_ids: list[int], link_id: int, decision: str):
    db = get_session()
    form = MatchChildForm(prefix=f"link{link_id}")
    if not (form if decision == "confirm" else DecideForm()).validate_on_submit():
        abort(400)
    choice = _choice(form) if decision == "confirm" else (None, None)
    if choice is None:
        form.child.errors.append(CHOOSE_A_NAME)
        return _queue(org, unit_ids, form, link_id), 422
    try:
        link = parent_links.decide_parent_link(
            db, org.id, link_id, unit_ids=unit_ids, actor_id=current_user.id, now=clock(),
            confirm=decision == "confirm", child_id=choice[0], entry_id=choice[1])
    except PermissionDenied as error:
        abort(403 if error.args == ("own",) else 404)
    except NotFound:
        abort(404)
    except (AlreadyLinked, TooManyGuardians) as error:
        db.rollback()
        form.child.errors.append(_("This parent is already linked to this pupil.") if isinstance(error, AlreadyLinked)
                                 else _("This pupil already has %(max)d parents linked", max=MAX_GUARDIANS))
        return _queue(org, unit_ids, form, link_id), 422
    parent = db.get(User, link.parent_id)
    if parent.email:
        _tell_parent(org, link, parent)
    commit(db)
    flash(_("Confirmed.") if decision == "confirm" else _("Rejected."), "success")
    return redirect(url_for("review.parents", org_id=org.id))


def _tell_parent(org: Organisation, link: ParentLink, parent: User) -> None:
    """The parent learns the decision, who made it and where to go next."""
    db = get_session()
    entry = db.get(RosterEntry, link.roster_entry_id) if link.roster_entry_id else None
    as_lead = link.unit_id in parent_links.units_led_by(db, current_user.id, org.id)
    confirmed = link.status == "confirmed"
    subject = (_l("You are confirmed as a parent: %(org)s", org=org.display_name) if confirmed
               else _l("Not confirmed as a parent: %(org)s", org=org.display_name))
    mail(org, parent.email, subject, "mail/parent_decided.txt", parent=parent, link=link,
         child_name=entry.full_name if entry else link.child_name_given, unit=db.get(Unit, link.unit_id),
         decider=current_user, as_lead=as_lead, chats_url=external_url("chats.choose", org_id=org.id),
         site_url=external_url("main.index"))
