"""A young pupil's parent confirms on their own phone, by the letter's link.

Opening the link changes nothing; the parent reads who registered and what is
kept, and confirms with a button (a POST), which is the parent's consent.
"""
from __future__ import annotations

from flask import abort, current_app, render_template

from .. import texts
from ..core.errors import CodeExpired
from ..db import get_session
from ..extensions import limiter
from ..invites import operations as invites
from ..models import Invite, User
from ..security import external_url, load_signed_ids, signing_keys
from ..web import client_ip, commit, now, pepper, user_agent
from . import codes, flow as registration
from .blueprint import bp
from .forms import ParentConfirmForm
from .helpers import PARENT_SALT


def _load(token: str) -> tuple[User, Invite, int]:
    data = load_signed_ids(PARENT_SALT, token, max_age=int(codes.LINK_LIFETIME.total_seconds()), keys=("u", "c", "i"))
    db = get_session()
    user, invite = db.get(User, data["u"]), db.get(Invite, data["i"])
    if user is None or invite is None or user.email is not None:
        abort(404)
    return user, invite, data["c"]


@bp.route("/parent/<token>", methods=["GET", "POST"])
@limiter.limit("10/minute", methods=["POST"])
def parent_confirm(token: str):
    user, invite, code_id = _load(token)
    org = invite.organisation
    if user.status != "unconfirmed":
        return render_template("register/parent_confirmed.html", pupil=user, org=org, unit=invite.unit,
                               already=True)
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
        class_invite, nonce = registration.class_parent_invite(db, invite.unit, pepper=pepper(), now=now())
        commit(db)
        parent_invite = external_url("invites.landing", token=invites.invite_token(signing_keys(), class_invite, nonce))
        return render_template("register/parent_confirmed.html", pupil=user, org=org, unit=invite.unit,
                               parent_invite=parent_invite, login_url=external_url("auth.login"))
    return render_template("register/parent_confirm.html", form=form, pupil=user, org=org, unit=invite.unit,
                           text=text, version=texts.PERSONAL_DATA_VERSION, parent_email=latest.email,
                           base_url=current_app.config["BASE_URL"])
