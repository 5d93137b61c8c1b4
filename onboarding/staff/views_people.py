"""A person's page for administrators: their history, and what may be done
(a pupil moved or leaving; an employee's rights, position, or leaving), in
the words of the organisation's kind (`wording.py`)."""
from __future__ import annotations

from flask import abort, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from wtforms import SelectChoice

from ..core.errors import NotFound, PermissionDenied
from ..db import get_session
from ..models import Membership, Organisation, User
from ..orgs import structure
from ..people import members
from ..web import admin_required, now
from . import departures, history, letters, movement, positions
from .acting import MISSING, UNCHANGED, Beside, Note, act
from .blueprint import bp
from .forms import ButtonForm, EmployeeLeaveForm, PositionForm, PupilLeaveForm, TransferForm, chosen_id
from .wording import staff_words


def _person(org: Organisation, user_id: int) -> tuple[User, list[Membership]]:
    """Someone who is, or was, a member of the organisation (404 otherwise)."""
    db = get_session()
    user = db.get(User, user_id)
    ever = db.scalars(select(Membership.id).where(Membership.org_id == org.id, Membership.user_id == user_id)).first()
    if user is None or ever is None:
        abort(404)
    return user, members.memberships_of(db, user_id, org.id)


def _transfer_choices(org: Organisation, current: list[Membership]) -> list[SelectChoice]:
    here = {m.unit_id for m in current if m.role == "student"}
    return [SelectChoice(str(unit.id), unit.name) for unit in structure.list_units(get_session(), org.id)
            if not unit.is_staff_room and unit.id not in here]


def _person_page(org: Organisation, user_id: int, status: int = 200, **forms):
    db = get_session()
    user, held = _person(org, user_id)
    sw = staff_words(org.kind)
    pupil = next((m for m in held if m.role == "student"), None)
    is_staff = any(m.role in ("teacher", "admin") for m in held)
    transfer_form = forms.get("transfer_form") or TransferForm(prefix="transfer")
    transfer_form.unit.choices = [SelectChoice("", "—")] + _transfer_choices(org, held)
    leave_form = forms.get("leave_form") or EmployeeLeaveForm(prefix="leave")
    leave_form.successor.label.text = sw.successor_label
    leave_form.successor.choices = [SelectChoice("", "—")] + [
        SelectChoice(str(u.id), u.full_name) for u in positions.verified_teachers(db, org.id) if u.id != user.id]
    staff_room = next((m for m in held if m.role == "teacher" and m.unit.is_staff_room), None)
    position_form = forms.get("position_form") or PositionForm(prefix="position")
    position_form.position.choices = [SelectChoice("", _("No position")), SelectChoice("director", sw.director),
                                      SelectChoice("deputy", sw.deputy)]
    pupil_leave_form = forms.get("pupil_leave_form") or PupilLeaveForm(prefix="pupil")
    if pupil is not None:
        pupil_leave_form.confirm.label.text = sw.learner_leaves_confirm
    if not position_form.is_submitted():
        position_form.position.data = (staff_room.position or "") if staff_room else ""
    return render_template(
        "staff/person.html", org=org, sw=sw, person=user, held=held, pupil=pupil, is_staff=is_staff,
        verification=members.teacher_verification(held), is_admin=user.id in positions.administrators(db, org.id),
        leads=[m.unit for m in held if m.role == "teacher" and m.is_lead],
        needs_successor=is_staff and departures.needs_successor(db, org.id, user.id),
        events=history.history_of(db, org.id, user.id), transfer_form=transfer_form, leave_form=leave_form,
        pupil_leave_form=pupil_leave_form,
        position_form=position_form, button=ButtonForm(), myself=user.id == current_user.id,
    ), status


@bp.get("/people/<int:user_id>")
@admin_required
def person(org: Organisation, user_id: int):
    return _person_page(org, user_id)


@bp.post("/people/<int:user_id>/transfer")
@admin_required
def transfer(org: Organisation, user_id: int):
    db = get_session()
    _person(org, user_id)
    form = TransferForm(prefix="transfer")
    value = (form.unit.data or "").strip() if form.validate_on_submit() else ""
    if not (value.isascii() and value.isdigit() and len(value) < 10):
        chosen_id(form.unit, set())  # the error beside the field
        return _person_page(org, user_id, 400, transfer_form=form)

    def done(result: movement.Transfer):
        letters.transferred(org, result)
        return (_("%(name)s has moved from %(from_unit)s to %(to_unit)s.", name=result.pupil.short_name,
                  from_unit=result.from_unit.name, to_unit=result.to_unit.name),
                url_for("staff.person", org_id=org.id, user_id=user_id))

    return act(lambda: movement.transfer_pupil(db, org.id, user_id, int(value), actor_id=current_user.id, now=now()),
               done, refused={movement.SameUnit: Beside(form.unit, staff_words(org.kind).learner_there),
                              NotFound: MISSING},  # a unit of another organisation, as any outsider's
               page=lambda: _person_page(org, user_id, 400, transfer_form=form))


@bp.post("/people/<int:user_id>/leave")
@admin_required
def pupil_leaves(org: Organisation, user_id: int):
    db = get_session()
    _person(org, user_id)
    form = PupilLeaveForm(prefix="pupil")
    if not form.validate_on_submit():
        return _person_page(org, user_id, 400, pupil_leave_form=form)

    def done(result: departures.PupilDeparture):
        letters.pupil_left(org, result)
        return (_("%(name)s has left the organisation.", name=result.pupil.short_name),
                url_for("staff.unit", org_id=org.id, unit_id=result.unit.id))

    return act(lambda: departures.pupil_leaves(db, org.id, user_id, actor_id=current_user.id, now=now(),
                                               reason=form.reason.data or None), done, refused={NotFound: MISSING})


@bp.post("/people/<int:user_id>/depart")
@admin_required
def employee_leaves(org: Organisation, user_id: int):
    db = get_session()
    _person(org, user_id)
    form = EmployeeLeaveForm(prefix="leave")
    if not form.validate_on_submit():
        return _person_page(org, user_id, 400, leave_form=form)
    successor_id = None
    if form.successor.data:
        candidates = {u.id for u in positions.verified_teachers(db, org.id)} - {user_id}
        successor_id = chosen_id(form.successor, candidates)
        if successor_id is None:
            return _person_page(org, user_id, 400, leave_form=form)

    sw = staff_words(org.kind)

    def done(result: departures.EmployeeDeparture):
        letters.employee_left(org, result)
        letters.unmoderated(org, result.unmoderated, [result.employee])
        return (_("%(name)s has left the organisation.", name=result.employee.short_name),
                url_for("staff.index", org_id=org.id))

    return act(
        lambda: departures.employee_leaves(db, org.id, user_id, successor_id=successor_id, actor_id=current_user.id,
                                           now=now(), reason=form.reason.data or None), done,
        refused={departures.SuccessorRequired: Beside(form.successor, sw.successor_required),
                 positions.LastAdministrator: Beside(form.confirm, _(
                     "This is the only administrator: appoint another one first.")),
                 PermissionDenied: Beside(form.confirm, _("Another administrator records your own leaving.")),
                 NotFound: MISSING},
        page=lambda: _person_page(org, user_id, 400, leave_form=form))


@bp.post("/people/<int:user_id>/admin/<any(grant, revoke):change>")
@admin_required
def admin_rights(org: Organisation, user_id: int, change: str):
    db = get_session()
    _person(org, user_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    operation = positions.grant_admin if change == "grant" else positions.revoke_admin
    back = url_for("staff.person", org_id=org.id, user_id=user_id)

    def done(user: User):
        letters.staff_change(org, user, {"grant": "admin_granted", "revoke": "admin_revoked"}[change])
        return _("Administrator rights have been recorded."), back

    return act(lambda: operation(db, org.id, user_id, actor_id=current_user.id, now=now()), done, refused={
        positions.NotVerified: Note(staff_words(org.kind).admin_verified_only),
        positions.LastAdministrator: Note(_("This is the only administrator: appoint another one first.")),
        PermissionDenied: Note(_("Another administrator withdraws your own rights.")),
        positions.AlreadyHeld: UNCHANGED, NotFound: UNCHANGED}, back=back)


@bp.post("/people/<int:user_id>/position")
@admin_required
def position(org: Organisation, user_id: int):
    db = get_session()
    _person(org, user_id)
    form = PositionForm(prefix="position")
    if not form.validate_on_submit() or form.position.data not in ("", *positions.POSITIONS):
        form.position.errors = [*form.position.errors, _("Please choose from the list.")]
        return _person_page(org, user_id, 400, position_form=form)
    back = url_for("staff.person", org_id=org.id, user_id=user_id)

    def done(user: User):
        letters.staff_change(org, user, "position_set" if form.position.data else "position_removed",
                             position=form.position.data or None)
        return _("The position has been recorded."), back

    return act(lambda: positions.set_position(db, org.id, user_id, form.position.data or None,
                                              actor_id=current_user.id, now=now()), done,
               refused={positions.NotVerified: Beside(form.position, staff_words(org.kind).position_verified_only),
                        positions.AlreadyHeld: UNCHANGED},
               page=lambda: _person_page(org, user_id, 400, position_form=form), back=back)
