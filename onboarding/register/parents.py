"""A young pupil's parent confirms on their own phone, by the letter's link,
and may make an account of their own right there.

Opening the link changes nothing; the parent reads who registered and what is
kept, and confirms with a button (a POST), which is the parent's consent.
Once the registration is confirmed (here, or by the code on the pupil's
screen) the same link offers the parent their own account, once, while the
link lives (`parent_account.py`); if the address has an account already,
it offers to log in and take the class's parent link.
"""
from __future__ import annotations

from flask import abort, current_app, redirect, render_template, session, url_for
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from .. import texts
from ..auth.sessions import start_session
from ..core.errors import CodeExpired, EmailTaken
from ..db import get_session
from ..extensions import limiter
from ..invites import operations as invites
from ..models import Invite, User
from ..people.parents import MAX_GUARDIANS, TooManyGuardians
from ..vocabulary import words
from ..security import external_url, load_signed_ids, signing_keys
from ..web import client_ip, commit, hasher, now, pepper, user_agent
from . import codes, flow as registration, parent_account, steps
from .blueprint import bp
from .child_parents import tell_homeroom_teachers
from .forms import ParentAccountForm, ParentConfirmForm
from .helpers import PARENT_SALT


def _load(token: str) -> tuple[User, Invite, int]:
    data = load_signed_ids(PARENT_SALT, token, max_age=int(codes.LINK_LIFETIME.total_seconds()), keys=("u", "c", "i"))
    db = get_session()
    user, invite = db.get(User, data["u"]), db.get(Invite, data["i"])
    if user is None or invite is None or user.email is not None:
        abort(404)
    return user, invite, data["c"]


def _confirmed(token: str, pupil: User, invite: Invite, code_id: int, *, already: bool,
               form: ParentAccountForm | None = None, error: str | None = None, status: int = 200):
    """The page after the confirmation: the account offer, or the class's parent link."""
    db = get_session()
    org = invite.organisation
    offer = parent_account.account_offer(db, pupil=pupil, invite=invite, code_id=code_id)
    class_invite, nonce = registration.class_parent_invite(db, invite.unit, pepper=pepper(), now=now())
    commit(db)
    parent_invite = external_url("invites.landing", token=invites.invite_token(signing_keys(), class_invite, nonce))
    return render_template(
        "register/parent_confirmed.html", pupil=pupil, org=org, unit=invite.unit, already=already, token=token,
        offer=offer, form=form or ParentAccountForm(formdata=None), error=error, parent_invite=parent_invite,
        login_url=external_url("auth.login"), text=texts.personal_data_text(org.name, org.kind),
        version=texts.PERSONAL_DATA_VERSION,
    ), status


@bp.route("/parent/<token>", methods=["GET", "POST"])
@limiter.limit("10/minute", methods=["POST"])
def parent_confirm(token: str):
    user, invite, code_id = _load(token)
    org = invite.organisation
    if user.status != "unconfirmed":
        return _confirmed(token, user, invite, code_id, already=True)
    invites.check_usable(get_session(), invite, now())
    latest = codes.latest_code(get_session(), user_id=user.id, purpose=registration.CONSENT_BY_PARENT)
    if latest is None or latest.id != code_id or latest.used_at is not None:
        abort(410)
    text = texts.personal_data_text(org.name, org.kind)
    form = ParentConfirmForm()
    if form.validate_on_submit():
        db = get_session()
        try:
            codes.confirm_by_link(db, user_id=user.id, code_id=code_id, purpose=registration.CONSENT_BY_PARENT,
                                  now=now())
        except CodeExpired:
            abort(410)
        registration.complete_registration(
            db, invite, user, consent_text=text, consent_version=texts.PERSONAL_DATA_VERSION, now=now(),
            ip=client_ip(), user_agent=user_agent(), code_id=code_id,
        )
        commit(db)
        return _confirmed(token, user, invite, code_id, already=False)
    return render_template("register/parent_confirm.html", form=form, pupil=user, org=org, unit=invite.unit,
                           text=text, version=texts.PERSONAL_DATA_VERSION, parent_email=latest.email,
                           base_url=current_app.config["BASE_URL"])


@bp.post("/parent/<token>/account")
@limiter.limit("10/minute;30/hour")
def parent_account_create(token: str):
    """The parent's own account, by the letter's link (once, while it lives)."""
    pupil, invite, code_id = _load(token)
    form = ParentAccountForm()
    if not form.validate_on_submit():
        return _confirmed(token, pupil, invite, code_id, already=True, form=form)
    db = get_session()
    org = invite.organisation
    try:
        class_invite, _nonce = registration.class_parent_invite(db, invite.unit, pepper=pepper(), now=now())
        link = parent_account.create_parent_account(
            db, hasher(), pupil=pupil, invite=invite, code_id=code_id, class_invite=class_invite,
            last_name=form.last_name.data, first_name=form.first_name.data, patronymic=form.patronymic.data,
            password=form.password.data, consent_text=texts.personal_data_text(org.name, org.kind),
            consent_version=texts.PERSONAL_DATA_VERSION, now=now(), ip=client_ip(), user_agent=user_agent(),
        )
    except TooManyGuardians:
        db.rollback()
        error = _("%(name)s already has %(max)d parents linked: the %(lead)s can link you after checking.",
                  name=pupil.first_name, max=MAX_GUARDIANS, lead=words(org.kind).lead)
        return _confirmed(token, pupil, invite, code_id, already=True, form=form, error=error, status=409)
    except (EmailTaken, IntegrityError, parent_account.ParentAccountUnavailable):
        db.rollback()  # made meanwhile (a second tap), or no longer offered: log in and take the class link
        return _confirmed(token, pupil, invite, code_id, already=True, status=409)
    tell_homeroom_teachers(link)
    parent = db.get(User, link.parent_id)
    start_session(parent, remember=bool(form.remember.data))
    steps.remember_path(session, org_id=org.id, kind=steps.CHILD_PARENT, route=None)
    return redirect(url_for("chats.choose", org_id=org.id))
