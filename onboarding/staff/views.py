"""Pages of the staff section: the overview, and a unit's page (its pupils
moving up a grade, its homeroom teacher, its subject teachers), each in the
words of the organisation's kind (`wording.py`)."""
from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from wtforms import SelectChoice

from ..core.errors import DomainError, NotFound, UnitNameTaken
from ..db import get_session
from ..models import Membership, Organisation, User
from ..orgs import structure
from ..people import members
from ..vocabulary import words
from ..web import admin_required, now
from . import letters, movement, positions
from .acting import MISSING, UNCHANGED, Beside, Note, act
from .blueprint import bp
from .forms import ButtonForm, PromoteForm, RemoveLeadForm, TeacherForm, chosen_id
from .wording import staff_words


def staff_list(org_id: int) -> list[tuple[User, list[Membership]]]:
    """Everyone with a current teacher or administrator membership, by name."""
    db = get_session()
    rows = db.execute(select(User, Membership).join(Membership, Membership.user_id == User.id).where(
        Membership.org_id == org_id, Membership.role.in_(("teacher", "admin")), Membership.left_at.is_(None))
        .order_by(User.last_name, User.first_name, User.id, Membership.id)).all()
    people: dict[int, tuple[User, list[Membership]]] = {}
    for user, membership in rows:
        people.setdefault(user.id, (user, []))[1].append(membership)
    return list(people.values())


@bp.get("/")
@admin_required
def index(org: Organisation):
    db = get_session()
    units = [unit for unit in structure.list_units(db, org.id) if not unit.is_staff_room]
    return render_template("staff/index.html", org=org, sw=staff_words(org.kind), units=units,
                           staff=staff_list(org.id), admins=set(positions.administrators(db, org.id)),
                           verification=members.teacher_verification)


def _unit(org: Organisation, unit_id: int):
    try:
        return movement.target_unit(get_session(), org.id, unit_id)
    except NotFound:
        abort(404)


def _unit_page(org: Organisation, unit, status: int = 200, **forms):
    db = get_session()
    pupils = [db.get(User, pupil_id) for pupil_id in movement.pupil_ids(db, unit.id)]
    teachers = [m for m in db.scalars(select(Membership).where(
        Membership.unit_id == unit.id, Membership.role == "teacher", Membership.left_at.is_(None))
        .order_by(Membership.id))]
    candidates = positions.verified_teachers(db, org.id)
    sw = staff_words(org.kind)
    lead_form = forms.get("lead_form") or TeacherForm(prefix="lead")
    lead_form.teacher.choices = [SelectChoice("", _("Nobody"))] + [SelectChoice(str(u.id), u.full_name)
                                                                 for u in candidates]
    leads = [m.user_id for m in teachers if m.is_lead]
    if not lead_form.is_submitted():
        lead_form.teacher.data = str(leads[0]) if leads else ""
    attach_form = forms.get("attach_form") or TeacherForm(prefix="attach")
    lead_form.teacher.label.text = attach_form.teacher.label.text = sw.staff_label
    taught = {m.user_id for m in teachers}
    attach_form.teacher.choices = [SelectChoice("", "—")] + [SelectChoice(str(u.id), u.full_name)
                                                          for u in candidates if u.id not in taught]
    try:
        next_name = movement.next_unit_name(unit)
    except movement.CannotMoveUp:
        next_name = None
    return render_template(
        "staff/unit.html", org=org, sw=sw, unit=unit, pupils=pupils, teachers=teachers, next_name=next_name,
        promote_form=forms.get("promote_form") or PromoteForm(prefix="promote"), lead_form=lead_form,
        attach_form=attach_form, button=ButtonForm(), staying=forms.get("staying", set()),
    ), status


@bp.get("/units/<int:unit_id>")
@admin_required
def unit(org: Organisation, unit_id: int):
    return _unit_page(org, _unit(org, unit_id))


@bp.post("/units/<int:unit_id>/promote")
@admin_required
def promote(org: Organisation, unit_id: int):
    """A school's class up a grade: a group has none, nothing moves it up."""
    if not words(org.kind).units_have_grades:
        abort(404)
    unit = _unit(org, unit_id)
    db = get_session()
    form = PromoteForm(prefix="promote")
    pupils = set(movement.pupil_ids(db, unit.id))
    staying = {int(v) for v in request.form.getlist("staying") if v.isascii() and v.isdigit()} & pupils
    if not form.validate_on_submit():
        return _unit_page(org, unit, 400, promote_form=form, staying=staying)

    def done(result: movement.Promotion):
        for transfer in result.transfers:
            letters.transferred(org, transfer)
        return (_("Pupils moved from %(from_unit)s to %(to_unit)s: %(count)d.", count=len(result.transfers),
                  from_unit=unit.name, to_unit=result.to_unit.name),
                url_for("staff.unit", org_id=org.id, unit_id=result.to_unit.id))

    return act(
        lambda: movement.promote_class(db, org, unit.id, staying=staying, actor_id=current_user.id, now=now()), done,
        refused={movement.CannotMoveUp: Beside(form.confirm, _(
                     "Pupils of the last grade do not move up: record each of them as leaving.")),
                 UnitNameTaken: Beside(form.confirm, lambda: _(  # the next class exists but is archived
                     "The class %(unit)s is archived: the pupils can't be moved there.",
                     unit=movement.next_unit_name(unit)))},
        page=lambda: _unit_page(org, unit, 400, promote_form=form, staying=staying))


@bp.post("/units/<int:unit_id>/lead")
@admin_required
def set_lead(org: Organisation, unit_id: int):
    unit = _unit(org, unit_id)
    db = get_session()
    form = TeacherForm(prefix="lead")
    if not form.validate_on_submit():
        return _unit_page(org, unit, 400, lead_form=form)
    if not form.teacher.data:  # nobody: the removal is confirmed on a page of its own
        return redirect(url_for("staff.remove_lead", org_id=org.id, unit_id=unit.id), 303)
    teacher_id = chosen_id(form.teacher, {u.id for u in positions.verified_teachers(db, org.id)})
    if teacher_id is None:
        return _unit_page(org, unit, 400, lead_form=form)
    return _change_lead(org, unit, teacher_id)


def _change_lead(org: Organisation, unit, teacher_id: int | None):
    back = url_for("staff.unit", org_id=org.id, unit_id=unit.id)

    def done(change: positions.LeadChange):
        for old in change.old:
            letters.staff_change(org, old, "lead_removed", unit=unit)
        letters.staff_change(org, change.new, "lead_assigned", unit=unit)
        letters.unmoderated(org, change.unmoderated, change.old, unit=unit)
        return _("The homeroom duty has been recorded."), back

    return act(lambda: positions.set_lead(get_session(), org.id, unit.id, teacher_id, actor_id=current_user.id,
                                          now=now()), done, refused={positions.AlreadyHeld: UNCHANGED}, back=back)


@bp.route("/units/<int:unit_id>/lead/remove", methods=["GET", "POST"])
@admin_required
def remove_lead(org: Organisation, unit_id: int):
    """The homeroom teacher removed without a successor, once confirmed: the
    page says the administrators moderate the unit's chats until a new one."""
    unit = _unit(org, unit_id)
    leads = positions.leads_of(get_session(), unit.id)
    if not leads:
        return UNCHANGED.answer(None, url_for("staff.unit", org_id=org.id, unit_id=unit.id))
    form = RemoveLeadForm(prefix="remove")
    if form.validate_on_submit():
        return _change_lead(org, unit, None)
    return render_template("staff/remove_lead.html", org=org, unit=unit, leads=[m.user for m in leads],
                           form=form), 400 if form.is_submitted() else 200


@bp.post("/units/<int:unit_id>/teachers")
@admin_required
def attach(org: Organisation, unit_id: int):
    unit = _unit(org, unit_id)
    db = get_session()
    form = TeacherForm(prefix="attach")
    teacher_id = None
    if form.validate_on_submit():
        teacher_id = chosen_id(form.teacher, {u.id for u in positions.verified_teachers(db, org.id)})
    if teacher_id is None:
        return _unit_page(org, unit, 400, attach_form=form)

    sw = staff_words(org.kind)

    def done(teacher: User):
        letters.staff_change(org, teacher, "teacher_attached", unit=unit)
        return (sw.attached % {"name": teacher.short_name, "unit": unit.name},
                url_for("staff.unit", org_id=org.id, unit_id=unit.id))

    return act(lambda: positions.attach_teacher(db, org.id, unit.id, teacher_id, actor_id=current_user.id,
                                                now=now()), done,
               refused={positions.AlreadyHeld: Beside(form.teacher, sw.attached_already)},
               page=lambda: _unit_page(org, unit, 400, attach_form=form))


@bp.post("/units/<int:unit_id>/teachers/<int:user_id>/detach")
@admin_required
def detach(org: Organisation, unit_id: int, user_id: int):
    unit = _unit(org, unit_id)
    db = get_session()
    if not ButtonForm().validate_on_submit():
        abort(400)
    back = url_for("staff.unit", org_id=org.id, unit_id=unit.id)
    sw = staff_words(org.kind)

    def done(result: positions.Detachment):
        letters.staff_change(org, result.teacher, "teacher_detached", unit=unit)
        letters.unmoderated(org, result.unmoderated, [result.teacher])
        return sw.detached % {"name": result.teacher.short_name, "unit": unit.name}, back

    return act(lambda: positions.detach_teacher(db, org.id, unit.id, user_id, actor_id=current_user.id, now=now()),
               done, refused={positions.LeadFirst: Note(sw.lead_first),
                              DomainError: MISSING}, back=back)
