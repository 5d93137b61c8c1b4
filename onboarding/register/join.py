"""The organisation's join link: a request to the administrator."""
from __future__ import annotations

from flask import abort, render_template
from flask_babel import gettext as _
from wtforms import SelectChoice

from ..core.errors import NotFound
from ..db import get_session
from ..models import Invite
from ..vocabulary import words
from ..web import commit, now
from . import join_requests
from .forms import JoinRequestForm


def join_request(invite: Invite, token: str):
    """The same answer whether or not the address is registered already."""
    org = invite.organisation
    db = get_session()
    vocabulary = words(org.kind)
    form = JoinRequestForm()
    form.role.choices = [SelectChoice("teacher", str(vocabulary.staff_role).capitalize())]
    if vocabulary.learners_join:
        form.role.choices.append(SelectChoice("student", str(vocabulary.student).capitalize()))
    units = join_requests.request_units(db, org.id)
    form.unit.label.text = str(vocabulary.unit).capitalize()
    form.unit.choices = [SelectChoice("", "—")] + [SelectChoice(str(unit.id), unit.name) for unit in units]
    if form.validate_on_submit():
        try:
            join_requests.submit_join_request(
                db, invite, last_name=form.last_name.data, first_name=form.first_name.data,
                patronymic=form.patronymic.data, email=form.email.data, role=form.role.data,
                unit_id=int(form.unit.data) if form.unit.data else None, message=form.message.data, now=now(),
            )
        except join_requests.UnitRequired:
            form.unit.errors.append(_("Please choose your %(unit)s.", unit=vocabulary.unit_accusative))
        except join_requests.TooManyRequests:
            form.email.errors.append(_("Requests from this address are already waiting for the administrator's answer."))
        except NotFound:
            abort(404)
        else:
            commit(db)
            return render_template("register/join_sent.html", org=org)
        db.rollback()
    return render_template("register/join.html", form=form, org=org, token=token)

