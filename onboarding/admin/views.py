"""The administrator's console: the organisation's details and its structure."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..core.errors import UnitNameTaken
from ..db import get_session
from ..fields import has_forbidden_characters
from ..models import Organisation
from ..orgs import structure as orgs
from ..people import teachers
from ..web import admin_required, commit, now
from .blueprint import bp
from .forms import ClassListForm, GradeLettersForm, GroupListForm, OrganisationForm



@bp.get("/")
@admin_required
def console(org: Organisation):
    db = get_session()
    return render_template("admin/console.html", org=org, units=orgs.list_units(db, org.id),
                           review_counts=teachers.review_counts(db, org.id), **_unit_forms(org))


@bp.route("/details", methods=["GET", "POST"])
@admin_required
def edit(org: Organisation):
    form = OrganisationForm(obj=org, current_timezone=org.timezone)
    if form.validate_on_submit():
        db = get_session()
        orgs.update_organisation(
            db, org, actor_id=current_user.id, now=now(), name=form.name.data,
            short_name=form.short_name.data or None, city=form.city.data or None, timezone=form.timezone.data,
        )
        commit(db)
        flash(_("The details have been saved."), "success")
        return redirect(url_for("admin.console", org_id=org.id))
    return render_template("admin/edit.html", org=org, form=form)


def _unit_forms(org: Organisation, **bound):
    if org.kind == "school":
        return {
            "class_form": bound.get("class_form") or ClassListForm(prefix="list"),
            "grade_form": bound.get("grade_form") or GradeLettersForm(prefix="grade"),
        }
    return {"group_form": bound.get("group_form") or GroupListForm(prefix="groups")}


@bp.post("/units")
@admin_required
def create_units(org: Organisation):
    mode = request.form.get("mode")
    specs, field, forms = [], None, {}
    if org.kind == "school" and mode == "grade":
        form = forms["grade_form"] = GradeLettersForm(prefix="grade")
        if form.validate():
            specs = orgs.classes_for_grade(form.grade.data, form.letters.data)
            field = form.letters
            if not specs:
                field.errors.append(_("Use Russian letters, e.g. АБВ or А-Г."))
    elif org.kind == "school":
        form = forms["class_form"] = ClassListForm(prefix="list")
        if form.validate():
            specs, bad = orgs.parse_class_names(form.names.data)
            field = form.names
            if bad:
                field.errors.append(_("Not a class name: %(names)s. Write a grade and a letter, e.g. 5А.",
                                      names=", ".join(bad[:5])))
                specs = []
    else:
        form = forms["group_form"] = GroupListForm(prefix="groups")
        if form.validate():
            specs = orgs.parse_group_names(form.names.data)
            field = form.names
            if any(has_forbidden_characters(spec.name) for spec in specs):
                field.errors.append(_("A group name may be at most %(max)d characters.", max=orgs.MAX_UNIT_NAME))
                specs = []
    if specs:
        db = get_session()
        try:
            units = orgs.create_units(db, org, specs, actor_id=current_user.id, now=now())
        except orgs.TooManyUnits:
            db.rollback()
            field.errors.append(_("At most %(count)d at once, please.", count=orgs.MAX_UNITS_AT_ONCE))
        except orgs.UnitNameTooLong:
            db.rollback()
            field.errors.append(_("A group name may be at most %(max)d characters.", max=orgs.MAX_UNIT_NAME))
        except UnitNameTaken as error:
            db.rollback()
            field.errors.append(_("Already exists: %(names)s.", names=", ".join(error.names)))
        else:
            commit(db)
            flash(_("Created: %(names)s.", names=", ".join(unit.name for unit in units)), "success")
            return redirect(url_for("admin.console", org_id=org.id))
    db = get_session()
    return render_template("admin/console.html", org=org, units=orgs.list_units(db, org.id),
                           review_counts=teachers.review_counts(db, org.id), **_unit_forms(org, **forms)), 422
