"""Registration by invite: the role's form (and a pupil's first page).

The invite's token travels in the signed session cookie; every step loads the
invite again and checks that it can still be used. The code, consent and
the end of the path are in `confirm.py`; a young pupil's parent confirms by
the letter's link on their own phone (`parents.py`).

What was typed (never the password) is kept with the registration, so that
«Изменить адрес» on the code page brings the form back filled in; opening
the link again goes on with the registration this browser has started.
"""
from __future__ import annotations

from datetime import date

from flask import abort, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from ..core.errors import CodeLimitReached, CodeResendTooSoon, EmailTaken, LoginTaken
from ..db import get_session
from ..extensions import limiter
from ..fields import masked_email
from ..invites import operations as invites, redemption
from ..models import Invite
from ..people import accounts
from ..orgs.policy import learners_join
from ..web import commit, hasher, now
from . import flow as registration
from .blueprint import bp
from .forms import AdultForm, ParentForm, StudentOwnForm, StudentStartForm, StudentYoungForm
from .helpers import (
    KEPT_FIELDS, STATE, STUDENT, fill_form, kept_fields, replaced_registration, resumable, usable_invite, where_now,
)
from .join import join_request
from .letters import send_code
from .redeem import taken_by_current_user


def _address_key() -> str:
    address = request.form.get("email") or request.form.get("parent_email") or ""
    return "register:" + address.strip().lower()[:254]


def _begin(invite: Invite, token: str, form, parent_email: str | None = None, child: str | None = None, **fields):
    """Create (or restart) the unconfirmed account and send the code; a
    response, or None with the error put beside the field."""
    db = get_session()
    field = form.email if "email" in fields else (form.login if "login" in fields else None)
    for attempt in range(2):
        try:
            user, needs_code = registration.start_registration(db, hasher(), invite, now=now(),
                                                               replaces=replaced_registration(token), **fields)
            if needs_code:
                send_code(user, invite, parent_email)
        except IntegrityError:
            db.rollback()  # a concurrent submit of the same address won: take its account
            if attempt == 0:
                continue
            field.errors.append(_("Please try again."))
        except EmailTaken:
            field.errors.append(_("An account with this e-mail already exists. Please log in."))
            form.email_taken = True
        except LoginTaken:
            suggestion = accounts.suggest_login(db, fields["first_name"], fields["last_name"])
            field.errors.append(_("This login is taken. Try %(login)s.", login=suggestion))
        except CodeLimitReached:
            target = form.parent_email if parent_email else field
            target.errors.append(_("Too many codes were sent to this address. Please try again in an hour."))
        except CodeResendTooSoon as error:
            field.errors.append(_("A registration with this address was started a moment ago. Please wait "
                                  "%(seconds)d seconds and send the form again.", seconds=error.wait_seconds))
        except invites.InviteNotForAccount:
            field.errors.append(_("This link was made for the address %(address)s. Please register with that "
                                  "address, or ask the administrator for a link of your own.",
                                  address=masked_email(redemption.addressee(invite) or "")))
        except registration.ConfirmedElsewhere:
            field.errors.append(_("A registration with this address has just been confirmed by its code. If it is "
                                  "yours, finish it where you typed the code, or try again in 10 minutes."))
        else:
            commit(db)
            earlier = session.get(STATE)
            typed = earlier.get("code") if isinstance(earlier, dict) and earlier.get("user") == user.id and \
                earlier.get("v") == user.session_version else None
            kept = {key: form[key].data for key in KEPT_FIELDS if key in form and isinstance(form[key].data, str)}
            session[STATE] = {"token": token, "user": user.id, "v": user.session_version, "fields": kept,
                              "remember": bool(form.remember.data),
                              **({"child": child} if child else {}), **({"code": typed} if typed else {})}
            return redirect(url_for("register.confirm"))
        db.rollback()
        return None
    return None


@bp.route("/<token>", methods=["GET", "POST"])
@limiter.limit("10/minute;50/hour", methods=["POST"])
@limiter.limit("5/minute;20/hour", methods=["POST"], key_func=_address_key)
def form(token: str):
    if request.method == "GET" and "change" not in request.args and resumable(token):
        return redirect(url_for("register.confirm"))  # the link opened again: on with the registration
    if current_user.is_authenticated and taken_by_current_user(token):
        return redirect(where_now())  # back or reload after the end of the path
    invite = usable_invite(token)
    if invite.kind == "join":
        return join_request(invite, token)
    if current_user.is_authenticated:
        return redirect(url_for("register.redeem", token=token))
    if invite.kind in ("student", "pupil"):
        return _student_start(invite, token)
    names_child = invite.kind == "parent" and invite.child_id is None
    form = ParentForm() if names_child else AdultForm()
    if not form.is_submitted():
        fill_form(form, kept_fields(token))
        if invite.invitee_email and not form.email.data:
            form.email.data = invite.invitee_email
    if form.validate_on_submit():
        response = _begin(
            invite, token, form, child=form.child_name.data if names_child else None,
            last_name=form.last_name.data, first_name=form.first_name.data, patronymic=form.patronymic.data,
            email=form.email.data, phone=form.phone.data, password=form.password.data,
        )
        if response is not None:
            return response
    return render_template("register/form.html", form=form, invite=invite, org=invite.organisation, token=token)


def _student_start(invite: Invite, token: str):
    org = invite.organisation
    if not learners_join(org.kind):
        abort(404)
    form = StudentStartForm()
    started = session.get(STUDENT)
    if not form.is_submitted():
        if isinstance(started, dict) and started.get("token") == token:
            form.last_name.data, form.first_name.data = started["last_name"], started["first_name"]
            form.birth_date.data = date.fromisoformat(started["birth_date"])
        elif invite.pupil_name:
            last, _sep, first = invite.pupil_name.partition(" ")
            form.last_name.data, form.first_name.data = last, first
    if form.validate_on_submit():
        try:
            registration.student_route(org, invite.unit, form.birth_date.data, now())
        except registration.BirthDateImplausible:
            form.birth_date.errors.append(_("Please check the date of birth."))
        else:
            session[STUDENT] = {"token": token, "last_name": form.last_name.data,
                                "first_name": form.first_name.data, "birth_date": form.birth_date.data.isoformat()}
            return redirect(url_for("register.student", token=token))
    route = "parent" if invite.unit.is_primary else None
    return render_template("register/student_start.html", form=form, invite=invite, org=org, token=token,
                           route=route)


@bp.route("/<token>/student", methods=["GET", "POST"])
@limiter.limit("10/minute;50/hour", methods=["POST"])
@limiter.limit("5/minute;20/hour", methods=["POST"], key_func=_address_key)
def student(token: str):
    if request.method == "GET" and "change" not in request.args and resumable(token):
        return redirect(url_for("register.confirm"))
    if current_user.is_authenticated and taken_by_current_user(token):
        return redirect(where_now())
    invite = usable_invite(token)
    started = session.get(STUDENT)
    if invite.kind not in ("student", "pupil") or not isinstance(started, dict) or started.get("token") != token:
        return redirect(url_for("register.form", token=token))
    org = invite.organisation
    birth_date = date.fromisoformat(started["birth_date"])
    route = registration.student_route(org, invite.unit, birth_date, now())
    names = {"last_name": started["last_name"], "first_name": started["first_name"], "birth_date": birth_date}
    if route == "own":
        form = StudentOwnForm()
        if not form.is_submitted():
            fill_form(form, kept_fields(token))
        if form.validate_on_submit():
            response = _begin(invite, token, form, email=form.email.data, password=form.password.data, **names)
            if response is not None:
                return response
    else:
        form = StudentYoungForm()
        if not form.is_submitted():
            form.login.data = accounts.suggest_login(get_session(), names["first_name"], names["last_name"])
            fill_form(form, kept_fields(token))
        if form.validate_on_submit():
            response = _begin(invite, token, form, parent_email=form.parent_email.data, login=form.login.data,
                              password=form.password.data, **names)
            if response is not None:
                return response
    return render_template("register/student.html", form=form, route=route, invite=invite, org=org,
                           token=token, names=names)
