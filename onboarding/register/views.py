"""Registration by invite: the role's form, the e-mail code, personal-data consent.

The invite's token travels in the signed session cookie; every step loads the
invite again and checks that it can still be used. A young pupil's code goes
to a parent, who confirms by typing it on the pupil's screen or by the
letter's link on their own phone (`parents.py`).
"""
from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from .. import texts
from ..auth.sessions import start_session
from ..core.errors import CodeExpired, CodeLimitReached, CodeResendTooSoon, CodeWrong, EmailTaken, LoginTaken
from ..db import get_session
from ..extensions import limiter
from ..fields import masked_email
from ..invites import operations as invites
from ..invites.granting import ChildNameRequired
from ..models import Invite, User
from ..orgs.policy import learners_join
from ..web import client_ip, commit, hasher, now, pepper, user_agent
from . import codes, flow as registration
from .blueprint import bp
from .forms import (
    AdultForm, CodeForm, ContinueForm, ParentForm, PersonalDataConsentForm, ResendForm, StudentOwnForm,
    StudentStartForm, StudentYoungForm,
)
from .helpers import STATE, STUDENT, masked, registration_state, usable_invite
from .join import join_request
from .letters import send_code


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
            user, needs_code = registration.start_registration(db, hasher(), invite, now=now(), **fields)
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
            suggestion = registration.suggest_login(db, fields["first_name"], fields["last_name"])
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
                                  address=masked_email(invites.addressee(invite) or "")))
        except registration.ConfirmedElsewhere:
            field.errors.append(_("A registration with this address has just been confirmed by its code. If it is "
                                  "yours, finish it where you typed the code, or try again in 10 minutes."))
        else:
            commit(db)
            earlier = session.get(STATE)
            typed = earlier.get("code") if isinstance(earlier, dict) and earlier.get("user") == user.id and \
                earlier.get("v") == user.session_version else None
            session[STATE] = {"token": token, "user": user.id, "v": user.session_version,
                              **({"child": child} if child else {}), **({"code": typed} if typed else {})}
            session.pop(STUDENT, None)
            return redirect(url_for("register.confirm"))
        db.rollback()
        return None
    return None


@bp.route("/<token>", methods=["GET", "POST"])
@limiter.limit("10/minute;50/hour", methods=["POST"])
@limiter.limit("5/minute;20/hour", methods=["POST"], key_func=_address_key)
def form(token: str):
    invite = usable_invite(token)
    if invite.kind == "join":
        return join_request(invite, token)
    if current_user.is_authenticated:
        return redirect(url_for("register.redeem", token=token))
    if invite.kind in ("student", "pupil"):
        return _student_start(invite, token)
    names_child = invite.kind == "parent" and invite.child_id is None
    form = ParentForm() if names_child else AdultForm()
    if not form.is_submitted() and invite.invitee_email:
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
    if not form.is_submitted() and invite.pupil_name:
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
    return render_template("register/student_start.html", form=form, invite=invite, org=org, token=token)


@bp.route("/<token>/student", methods=["GET", "POST"])
@limiter.limit("10/minute;50/hour", methods=["POST"])
@limiter.limit("5/minute;20/hour", methods=["POST"], key_func=_address_key)
def student(token: str):
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
        if form.validate_on_submit():
            response = _begin(invite, token, form, email=form.email.data, password=form.password.data, **names)
            if response is not None:
                return response
    else:
        form = StudentYoungForm()
        if not form.is_submitted():
            form.login.data = registration.suggest_login(get_session(), names["first_name"], names["last_name"])
        if form.validate_on_submit():
            response = _begin(invite, token, form, parent_email=form.parent_email.data, login=form.login.data,
                              password=form.password.data, **names)
            if response is not None:
                return response
    return render_template("register/student.html", form=form, route=route, invite=invite, org=org,
                           token=token, names=names)


@bp.route("/confirm", methods=["GET", "POST"])
@limiter.limit("10/minute", methods=["POST"])
def confirm():
    invite, user, state = registration_state(allow_active=True)
    purpose = registration.code_purpose(user)
    if user.status == "active":  # a parent confirmed on their own phone meanwhile
        return render_template("register/parent_done_wait.html", form=ContinueForm(), user=user,
                               org=invite.organisation, confirmed=True)
    form = CodeForm()
    db = get_session()
    if form.validate_on_submit():
        try:
            record = codes.check_code(db, pepper=pepper(), user_id=user.id, purpose=purpose, code=form.code.data,
                                      now=now())
        except CodeWrong as error:
            form.code.errors.append(_("The code is wrong. Attempts left: %(count)d.", count=error.attempts_left))
        except CodeExpired:
            form.code.errors.append(_("This code no longer works. Please ask for a new one."))
        else:
            if purpose == registration.CONFIRM_EMAIL:
                commit(db)
                session[STATE] = {**state, "code": record.id}  # this browser typed it
                return redirect(url_for("register.consent"))
            return _finish_young(invite, user, record.id)
        commit(db)  # keep the counted attempt
    latest = codes.latest_code(db, user_id=user.id, purpose=purpose)
    return render_template("register/confirm.html", form=form, resend_form=ResendForm(), user=user,
                           org=invite.organisation, young=purpose != registration.CONFIRM_EMAIL,
                           address=masked(latest.email) if latest and not user.email else user.email,
                           continue_form=ContinueForm())


def _finish_young(invite: Invite, user: User, code_id: int):
    """The parent's code typed on the pupil's screen: the parent's consent."""
    db = get_session()
    org = invite.organisation
    registration.complete_registration(
        db, invite, user, consent_text=texts.personal_data_text(org.name, org.kind),
        consent_version=texts.PERSONAL_DATA_VERSION, now=now(), ip=client_ip(), user_agent=user_agent(),
        code_id=code_id,
    )
    commit(db)
    return _signed_in(user, invite)


def _signed_in(user: User, invite: Invite):
    """Logged in; on to the chat rules and choosing chats (the first
    administrator goes to the console: the organisation has no units yet)."""
    session.pop(STATE, None)
    start_session(user)
    flash(_("Welcome! Your registration is complete."), "success")
    if invite.kind == "admin":
        return redirect(url_for("main.index"))
    return redirect(url_for("chats.choose", org_id=invite.org_id))


@bp.post("/confirm/continue")
def confirmed_elsewhere():
    """The pupil's screen, after the parent confirmed by the letter's link."""
    invite, user, _state_data = registration_state(allow_active=True)
    if not ContinueForm().validate_on_submit():
        abort(400)
    if user.status != "active":
        flash(_("Not confirmed yet. Ask your parent to open the letter and confirm, or type the code."), "error")
        return redirect(url_for("register.confirm"))
    return _signed_in(user, invite)


@bp.post("/confirm/resend")
@limiter.limit("5/minute;10/hour")
def resend():
    invite, user, _state_data = registration_state()
    form = ResendForm()
    if form.validate_on_submit():
        db = get_session()
        try:
            send_code(user, invite)
        except CodeResendTooSoon as error:
            flash(_("A code was sent a moment ago. Please wait %(seconds)d seconds.", seconds=error.wait_seconds), "error")
        except CodeLimitReached:
            flash(_("Too many codes were sent to this address. Please try again in an hour."), "error")
        else:
            commit(db)
            flash(_("A new code has been sent."), "success")
    return redirect(url_for("register.confirm"))


@bp.route("/consent", methods=["GET", "POST"])
def consent():
    invite, user, state = registration_state()
    org = invite.organisation
    db = get_session()
    if not user.email or codes.confirmed_code(db, user_id=user.id, purpose=registration.CONFIRM_EMAIL,
                                              code_id=state.get("code"), email=user.email) is None:
        return redirect(url_for("register.confirm"))
    text = texts.personal_data_text(org.name, org.kind)
    form = PersonalDataConsentForm()
    if form.validate_on_submit():
        try:
            registration.complete_registration(
                db, invite, user, consent_text=text, consent_version=texts.PERSONAL_DATA_VERSION,
                now=now(), ip=client_ip(), user_agent=user_agent(), child_name=state.get("child"),
                code_id=state.get("code"),
            )
        except ChildNameRequired:
            db.rollback()
            session.pop(STATE, None)
            return redirect(url_for("register.form", token=state["token"]))
        commit(db)
        return _signed_in(user, invite)
    return render_template("register/consent.html", form=form, text=text, org=org,
                           version=texts.PERSONAL_DATA_VERSION)
