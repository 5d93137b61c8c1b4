"""The code page, consent, and the end of the forms (logged in, on to the
chats: the chat rules first where a chat is open).

Back and reload land on the step the browser is at: the code page of a code
already typed goes on to consent; a finished registration goes on to the
chats (`helpers.where_now`). A young pupil's screen, after the parent
confirmed by the letter's link, says so and leads on.
"""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, session, url_for
from flask_babel import gettext as _

from .. import texts
from ..auth.sessions import start_session
from ..core.errors import CodeExpired, CodeLimitReached, CodeResendTooSoon, CodeWrong
from ..db import get_session
from ..extensions import limiter
from ..invites.granting import ChildNameRequired
from ..models import Invite, User
from ..web import client_ip, commit, now, pepper, user_agent
from . import codes, flow as registration, steps
from .blueprint import bp
from .forms import CodeForm, ContinueForm, PersonalDataConsentForm, ResendForm
from .helpers import STATE, STUDENT, masked, registration_state, where_now
from .letters import send_code


def pupil_route(invite: Invite, user: User) -> str | None:
    """The route of a pupil's path (None for adults): a parent confirms a
    pupil without an e-mail."""
    if invite.kind not in ("student", "pupil"):
        return None
    return "parent" if user.email is None else "own"


def _code_typed(user: User, state: dict) -> bool:
    return registration.code_purpose(user) == registration.CONFIRM_EMAIL and codes.confirmed_code(
        get_session(), user_id=user.id, purpose=registration.CONFIRM_EMAIL, code_id=state.get("code"),
        email=user.email) is not None


def _change_url(invite: Invite, token: str | None) -> str | None:
    if token is None:
        return None  # resumed by logging in: no link to go back to
    if invite.kind in ("student", "pupil"):
        return url_for("register.student", token=token, change=1)
    return url_for("register.form", token=token, change=1)


@bp.route("/confirm", methods=["GET", "POST"])
@limiter.limit("10/minute", methods=["POST"])
def confirm():
    invite, user, state = registration_state(allow_active=True)
    purpose = registration.code_purpose(user)
    route = pupil_route(invite, user)
    if user.status == "active":  # a parent confirmed on their own phone meanwhile
        return render_template("register/parent_done_wait.html", form=ContinueForm(), user=user,
                               org=invite.organisation, kind=steps.path_kind(invite), route=route)
    if _code_typed(user, state):
        return redirect(url_for("register.consent"))  # back or reload after the code: on to consent
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
            return _finish_young(invite, user, record.id, state)
        commit(db)  # keep the counted attempt
    latest = codes.latest_code(db, user_id=user.id, purpose=purpose)
    return render_template("register/confirm.html", form=form, resend_form=ResendForm(), user=user,
                           org=invite.organisation, young=purpose != registration.CONFIRM_EMAIL,
                           address=masked(latest.email) if latest and not user.email else user.email,
                           continue_form=ContinueForm(), kind=steps.path_kind(invite), route=route,
                           change_url=_change_url(invite, state.get("token")))


def _finish_young(invite: Invite, user: User, code_id: int, state: dict):
    """The parent's code typed on the pupil's screen: the parent's consent."""
    db = get_session()
    org = invite.organisation
    registration.complete_registration(
        db, invite, user, consent_text=texts.personal_data_text(org.name, org.kind),
        consent_version=texts.PERSONAL_DATA_VERSION, now=now(), ip=client_ip(), user_agent=user_agent(),
        code_id=code_id,
    )
    commit(db)
    return _signed_in(user, invite, state)


def _signed_in(user: User, invite: Invite, state: dict):
    """Logged in (remembered on this device if the form said so); on to the
    chats, where the chat rules come first if any chat is open. The paths
    without the rules end here: the first administrator's (on to the
    console, the organisation has no units yet) and a parent's whose child
    waits for the teacher (on to the page that says so)."""
    start_session(user, remember=bool(state.get("remember")))
    session.pop(STUDENT, None)
    if invite.kind == "admin":
        flash(_("Welcome! Your registration is complete."), "success")
        return redirect(url_for("main.index"))
    if steps.remember_path(session, org_id=invite.org_id, kind=steps.path_kind(invite),
                           route=pupil_route(invite, user)):
        flash(_("Welcome! Your registration is complete."), "success")
    return redirect(url_for("chats.choose", org_id=invite.org_id))


@bp.post("/confirm/continue")
def confirmed_elsewhere():
    """The pupil's screen, after the parent confirmed by the letter's link."""
    invite, user, state = registration_state(allow_active=True)
    if not ContinueForm().validate_on_submit():
        abort(400)
    if user.status != "active":
        flash(_("Not confirmed yet. Ask your parent to open the letter and confirm, or type the code."), "error")
        return redirect(url_for("register.confirm"))
    return _signed_in(user, invite, state)


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
    if not user.email or not _code_typed(user, state):
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
            return redirect(url_for("register.form", token=state["token"]) if "token" in state else where_now())
        commit(db)
        return _signed_in(user, invite, state)
    return render_template("register/consent.html", form=form, text=text, org=org,
                           version=texts.PERSONAL_DATA_VERSION, kind=steps.path_kind(invite), route=pupil_route(invite, user))
