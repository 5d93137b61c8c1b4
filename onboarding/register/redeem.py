"""A logged-in user redeems a new invite without registering again (a parent
of a second child, a teacher invited to a second unit).

The invitation's landing page posts here; if the invite needs more (the
child's name, consent for a new organisation) this page asks for it first.
"""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from .. import texts
from ..core.errors import ConsentRequired, NotFound
from ..db import get_session
from ..invites import granting, operations as invites
from ..invites.texts import already_member_text, not_for_account_text
from ..models import InviteRedemption, User
from ..security import signing_keys
from ..web import client_ip, commit, now, user_agent
from . import flow as registration
from .blueprint import bp
from .forms import RedeemForm
from .helpers import usable_invite, where_now

STEP = "confirm"


def taken_by_current_user(token: str) -> bool:
    """Whether the logged-in user has taken this invite already (back or
    reload after the end of the path: on to where they are, never «used up»)."""
    db = get_session()
    try:
        invite = invites.load_invite(db, signing_keys(), token)
    except invites.InviteInvalid:
        return False
    return db.scalars(select(InviteRedemption.id).where(
        InviteRedemption.invite_id == invite.id, InviteRedemption.user_id == current_user.id)).first() is not None


def _refusal(error: Exception, invite, org) -> str:
    if isinstance(error, invites.InviteNotForAccount):
        title, text = not_for_account_text(error, invite, org)
        return f"{title}. {text}"
    if isinstance(error, invites.AlreadyMember):
        return already_member_text(error, invite, org)
    if isinstance(error, registration.ParentMustConsent):
        return _("A parent must confirm this registration. Please log out and register by this link again.")
    return _("This invitation is not meant for your account. Please ask whoever sent it.")


@bp.route("/redeem/<token>", methods=["GET", "POST"])
@login_required
def redeem(token: str):
    if request.method == "GET" and taken_by_current_user(token):
        return redirect(where_now())  # back or reload after taking it
    invite = usable_invite(token)
    if invite.kind == "join":
        return redirect(url_for("register.form", token=token))
    org = invite.organisation
    db = get_session()
    user = db.get(User, current_user.id)
    form = RedeemForm()
    names_child = invite.kind == "parent" and invite.child_id is None
    first_time = registration.needs_personal_data_consent(db, user, org.id)
    text = texts.personal_data_text(org.name, org.kind)
    refusal = None
    try:
        granting.check_redeemable(db, invite, user)
    except (invites.InviteNotForAccount, invites.AlreadyMember, NotFound) as error:
        refusal = _refusal(error, invite, org)
    # From the landing page (no step yet) go straight on only if nothing more is needed.
    answered = form.step.data == STEP or not (names_child or first_time)
    if refusal is None and form.validate_on_submit() and answered:
        if names_child and not form.child_name.data:
            form.child_name.errors.append(_("Please fill in this field."))
        else:
            try:
                registration.redeem_for_user(
                    db, invite, user, now=now(), consent_text=text, consent_version=texts.PERSONAL_DATA_VERSION,
                    agreed=bool(form.agree.data), ip=client_ip(), user_agent=user_agent(),
                    child_name=form.child_name.data if names_child else None,
                )
            except ConsentRequired:
                form.agree.errors.append(_("Without consent we can't add you to this organisation."))
            except (invites.InviteNotForAccount, invites.AlreadyMember, registration.ParentMustConsent) as error:
                refusal = _refusal(error, invite, org)
            except IntegrityError:
                # The database's own rule (one class per pupil) caught what the account lock let through.
                db.rollback()
                refusal = _refusal(invites.InviteNotForAccount("other_unit"), invite, org)
            else:
                commit(db)
                flash(_("Done: the invitation has been accepted."), "success")
                return redirect(url_for("chats.choose", org_id=org.id))
            db.rollback()
    form.step.data = STEP
    return render_template("register/redeem.html", form=form, invite=invite, org=org, token=token,
                           names_child=names_child, first_time=first_time, text=text, refusal=refusal,
                           version=texts.PERSONAL_DATA_VERSION), (403 if refusal else 200)
