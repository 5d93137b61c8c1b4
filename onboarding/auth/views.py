"""Log in, log out, reset and change the password."""
from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user

from ..db import get_session
from ..extensions import limiter
from ..mail import outbox
from ..models import User
from ..people import accounts, login_sessions, password_reset
from ..people.passwords import verify_password
from ..security import external_url, load_signed_ids, safe_next, serializer
from ..web import commit, hasher, now
from ..register import resume
from ..register.forms import ResendForm
from .blueprint import bp
from .forms import ChangePasswordForm, ForgotPasswordForm, LoginForm, ResetPasswordForm
from .sessions import clear_session, start_session

RESET_SALT = "password-reset"


def _identifier_key() -> str:
    return "login:" + (request.form.get("identifier") or "").strip().lower()[:254]


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("20/minute;100/hour", methods=["POST"])
@limiter.limit("10/minute;30/hour", methods=["POST"], key_func=_identifier_key)
def login():
    form = LoginForm()
    if form.validate_on_submit():
        db = get_session()
        unconfirmed, pending = resume.unconfirmed_with_password(db, hasher(), form.identifier.data,
                                                               form.password.data)
        user = None if unconfirmed else accounts.authenticate(db, hasher(), form.identifier.data, form.password.data)
        if pending is not None:
            return _not_confirmed_yet(form, pending)
        if user is None:
            form.password.errors.append(_("The e-mail, login or password is wrong."))
        else:
            accounts.record_login(db, user, now=now())
            start_session(user, remember=form.remember.data)
            return redirect(safe_next(request.args.get("next")) or url_for("main.index"))
    return render_template("auth/login.html", form=form)


def _not_confirmed_yet(form: LoginForm, user: User):
    """The right password of an account whose address isn't confirmed: this
    browser carries on with its registration (a new code, on request)."""
    invite = resume.started_by(get_session(), user)
    if invite is None or resume.needs_the_form(invite):
        return render_template("auth/login.html", form=form, unconfirmed=True, resumed=False)
    resume.resume_in_browser(user, invite)
    return render_template("auth/login.html", form=form, unconfirmed=True, resumed=True,
                           resend_form=ResendForm())


@bp.post("/logout")
def logout():
    """Ends this device's login session on the server: a copy of its session
    or remember-me cookie no longer works. Other devices stay logged in."""
    if current_user.is_authenticated:
        db = get_session()
        login_sessions.end_login_session(db, current_user.login_identity, now=now())
        commit(db)
    clear_session()
    logout_user()  # after clearing: it leaves the mark that deletes the remember-me cookie
    return redirect(url_for("main.index"))


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit("5/minute;20/hour", methods=["POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        db = get_session()
        user = accounts.find_by_email(db, form.email.data)
        if user is not None and user.is_active and password_reset.may_send_reset_mail(
            db, user, now=now(), per_hour=current_app.config["PASSWORD_RESET_MAILS_PER_HOUR"]
        ):
            token = serializer(RESET_SALT).dumps({"u": user.id, "v": user.session_version})
            link = external_url("auth.reset_password", token=token)
            outbox.enqueue(
                db, to=user.email, now=now(),
                subject=_("Password reset"),
                body=render_template("mail/password_reset.txt", user=user, link=link),
            )
            commit(db)
        # The same answer either way: nobody learns whether an address is
        # registered, or whether its reset mails for the hour are used up.
        return render_template("auth/forgot_sent.html", email=form.email.data)
    return render_template("auth/forgot.html", form=form)


def _user_from_reset_token(token: str) -> User:
    data = load_signed_ids(RESET_SALT, token, max_age=current_app.config["PASSWORD_RESET_MAX_AGE"], keys=("u",),
                           max_length=300)
    user = get_session().get(User, data["u"])
    # Single use: a reset moves the session version on, voiding the link.
    if user is None or user.session_version != data.get("v") or not user.is_active:
        abort(410)
    return user


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@limiter.limit("10/minute", methods=["POST"])
def reset_password(token: str):
    user = _user_from_reset_token(token)
    form = ResetPasswordForm()
    if form.validate_on_submit():
        db = get_session()
        accounts.set_password(db, hasher(), user, form.password.data, now=now())
        start_session(user)
        flash(_("Your password has been changed."), "success")
        return redirect(url_for("main.index"))
    return render_template("auth/reset.html", form=form)


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
@limiter.limit("10/minute", methods=["POST"])
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        db = get_session()
        user = db.get(User, current_user.id)
        if not verify_password(hasher(), user.password_hash, form.current_password.data):
            form.current_password.errors.append(_("The current password is wrong."))
        else:
            accounts.set_password(db, hasher(), user, form.password.data, now=now())
            start_session(user)
            flash(_("Your password has been changed. You have been logged out on other devices."), "success")
            return redirect(url_for("main.index"))
    return render_template("auth/change_password.html", form=form)
