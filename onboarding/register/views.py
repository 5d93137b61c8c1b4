"""Registration by invite: form, e-mail code, personal-data consent.

The invite's token travels in the signed session cookie; every step loads the
invite again and checks that it can still be used.
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, session, url_for
from flask_babel import gettext as _

from ..auth.views import start_session
from ..db import get_session
from ..extensions import limiter
from ..mail.sender import commit
from ..models import Invite, User
from ..security import external_url, signing_keys
from ..services import codes, invites, outbox, registration
from ..services.errors import CodeExpired, CodeLimitReached, CodeResendTooSoon, CodeWrong, EmailTaken
from .. import texts
from ..web import client_ip, hasher, now, pepper, user_agent
from .forms import AdultForm, CodeForm, PersonalDataConsentForm, ResendForm

bp = Blueprint("register", __name__, url_prefix="/register")
STATE = "registration"


def _invite(token: str) -> Invite:
    invite = invites.load_invite(get_session(), signing_keys(), token)
    invites.check_usable(get_session(), invite, now())
    return invite


def _state() -> tuple[Invite, User, str]:
    """The invite and the unconfirmed account of the registration in progress."""
    state = session.get(STATE)
    if not isinstance(state, dict):
        abort(404)
    invite = _invite(state.get("token", ""))
    user = get_session().get(User, state.get("user"))
    if user is None or user.status != "unconfirmed":
        session.pop(STATE, None)
        abort(404)
    return invite, user, state["token"]


def _send_code(user: User, invite: Invite) -> None:
    """Queue a new code for the user's address; raises if sent too often."""
    db = get_session()
    _record, code = codes.issue_code(
        db, pepper=pepper(), user_id=user.id, purpose="confirm_email", email=user.email,
        now=now(), org_id=invite.org_id,
    )
    outbox.enqueue(
        db, to=user.email, now=now(), org_id=invite.org_id,
        subject=_("Confirmation code: %(code)s", code=code),
        body=render_template("mail/code.txt", user=user, code=code, org=invite.organisation,
                             link=external_url("auth.login")),
    )


@bp.route("/<token>", methods=["GET", "POST"])
@limiter.limit("10/minute;50/hour", methods=["POST"])
def form(token: str):
    invite = _invite(token)
    form = AdultForm()
    if not form.is_submitted() and invite.invitee_email:
        form.email.data = invite.invitee_email
    if form.validate_on_submit():
        db = get_session()
        try:
            user = registration.start_registration(
                db, hasher(), invite,
                last_name=form.last_name.data, first_name=form.first_name.data,
                patronymic=form.patronymic.data, email=form.email.data, phone=form.phone.data,
                password=form.password.data, now=now(),
            )
            _send_code(user, invite)
        except EmailTaken:
            form.email.errors.append(_("An account with this e-mail already exists. Please log in."))
            form.email.login_link = True
        except CodeResendTooSoon as error:
            form.email.errors.append(_("A code was sent a moment ago. Please wait %(seconds)d seconds.",
                                       seconds=error.wait_seconds))
        except CodeLimitReached:
            form.email.errors.append(_("Too many codes were sent to this address. Please try again in an hour."))
        else:
            commit(db)
            session[STATE] = {"token": token, "user": user.id}
            return redirect(url_for("register.confirm"))
        db.rollback()
    return render_template("register/form.html", form=form, invite=invite, org=invite.organisation, token=token)


@bp.route("/confirm", methods=["GET", "POST"])
@limiter.limit("10/minute", methods=["POST"])
def confirm():
    invite, user, _token = _state()
    form = CodeForm()
    if form.validate_on_submit():
        db = get_session()
        try:
            codes.check_code(db, pepper=pepper(), user_id=user.id, purpose="confirm_email",
                             code=form.code.data, now=now())
        except CodeWrong as error:
            form.code.errors.append(_("The code is wrong. Attempts left: %(count)d.", count=error.attempts_left))
        except CodeExpired:
            form.code.errors.append(_("This code no longer works. Please ask for a new one."))
        else:
            commit(db)
            return redirect(url_for("register.consent"))
        commit(db)  # keep the counted attempt
    return render_template("register/confirm.html", form=form, resend_form=ResendForm(), user=user,
                           org=invite.organisation)


@bp.post("/confirm/resend")
@limiter.limit("5/minute;10/hour")
def resend():
    invite, user, _token = _state()
    form = ResendForm()
    if form.validate_on_submit():
        db = get_session()
        try:
            _send_code(user, invite)
        except CodeResendTooSoon as error:
            flash(_("A code was sent a moment ago. Please wait %(seconds)d seconds.", seconds=error.wait_seconds), "error")
        except CodeLimitReached:
            flash(_("Too many codes were sent to this address. Please try again in an hour."), "error")
        else:
            commit(db)
            flash(_("A new code has been sent to %(email)s.", email=user.email), "success")
    return redirect(url_for("register.confirm"))


@bp.route("/consent", methods=["GET", "POST"])
def consent():
    invite, user, _token = _state()
    org = invite.organisation
    db = get_session()
    if not codes.is_confirmed(db, user_id=user.id, purpose="confirm_email", email=user.email or ""):
        return redirect(url_for("register.confirm"))
    text = texts.personal_data_text(org.name, org.kind)
    form = PersonalDataConsentForm()
    if form.validate_on_submit():
        registration.complete_registration(
            db, invite, user, consent_text=text, consent_version=texts.PERSONAL_DATA_VERSION,
            now=now(), ip=client_ip(), user_agent=user_agent(),
        )
        commit(db)
        session.pop(STATE, None)
        start_session(user)
        flash(_("Welcome! Your registration is complete."), "success")
        return redirect(url_for("main.index"))
    return render_template("register/consent.html", form=form, text=text, org=org,
                           version=texts.PERSONAL_DATA_VERSION)
