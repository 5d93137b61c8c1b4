"""Invites: creating and sharing links, printable letters, lists, revoking;
and the landing page every link opens."""
from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms import SelectChoice

from ..core.errors import NotFound, PermissionDenied
from ..db import get_session
from ..errors import render_error
from ..models import Organisation, Unit
from ..people.parents import MAX_GUARDIANS, TooManyGuardians
from ..security import external_url, signing_keys
from ..vocabulary import words
from ..web import commit, member_org, now
from . import letters, lists as invite_lists, operations as invites, redemption, rights as invite_rights
from .blueprint import bp
from .forms import ConfirmForm, InviteForm, LettersForm
from .helpers import cannot_create, derive_nonce, kept_link, managed_invite, me, unit_in
from .operations import AlreadyMember, InviteCreatorLeft, InviteNotForAccount, InviteParameterInvalid
from .qr import qr_svg
from .texts import already_member_text, denial_text, kind_label, not_for_account_text


def _expires_at(form: InviteForm | LettersForm, org: Organisation) -> datetime:
    """The chosen date's end in the organisation's zone, or the preset."""
    expires_on = getattr(form, "expires_on", None)
    if expires_on is not None and expires_on.data:
        local_end = datetime.combine(expires_on.data, time(23, 59), tzinfo=ZoneInfo(org.timezone))
        return local_end.astimezone(ZoneInfo("UTC"))
    return invites.expiry_for_preset(form.expiry.data or invites.DEFAULT_PRESET, now(), org.timezone)


# --- Creating and sharing ---------------------------------------------------


def _setup_invite_form(form: InviteForm, org: Organisation, kinds: list[str], units: list[Unit]) -> list[Unit]:
    w = words(org.kind)
    form.kind.choices = [SelectChoice(kind, kind_label(kind, org)) for kind in kinds]
    places = [unit for unit in units if unit.kind != "staff_room"]
    form.unit.choices = [SelectChoice(0, "—")] + [SelectChoice(unit.id, unit.name) for unit in places]
    form.lead_unit.choices = [SelectChoice(0, "—")] + [SelectChoice(unit.id, unit.name) for unit in places]
    if "staff" in kinds:
        form.extra.choices = [
            SelectChoice("none", _("nothing more")),
            SelectChoice("admin", _("also an administrator")),
            SelectChoice("lead", _("also the %(lead)s of a %(unit)s (choose below)", lead=w.lead, unit=w.unit)),
        ]
    return places


@bp.route("/org/<int:org_id>/invites/new", methods=["GET", "POST"])
@login_required
def create(org_id: int):
    org = member_org(org_id)
    db = get_session()
    try:
        kinds, units = invite_rights.creation_choices(db, me(), org)
    except PermissionDenied as error:
        return cannot_create(org, error)
    form = InviteForm()
    places = _setup_invite_form(form, org, kinds, units)
    if not form.is_submitted():
        wanted_kind = request.args.get("kind")
        form.kind.data = wanted_kind if wanted_kind in kinds else kinds[0]
        form.unit.data = request.args.get("unit", type=int) or 0
    if form.validate_on_submit():
        kind = form.kind.data
        if kind in invite_rights.STAFF_ROOM_KINDS:
            unit = invites.staff_room(db, org.id)
        elif not form.unit.data:
            unit = None
            form.unit.errors.append(_("Please choose the %(unit)s.", unit=words(org.kind).unit))
        else:
            unit = unit_in(org, form.unit.data)
        lead_unit = None
        if kind == "staff" and form.extra.data == "lead":
            if form.lead_unit.data:
                lead_unit = unit_in(org, form.lead_unit.data)
            else:
                form.lead_unit.errors.append(_("Please choose the %(unit)s.", unit=words(org.kind).unit))
        if unit is not None and not form.errors:
            try:
                invite, _nonce = invites.create_invite(
                    db, org=org, unit=unit, kind=kind, creator=me(), expires_at=_expires_at(form, org),
                    max_uses=form.max_uses.data, now=now(), pupil_name=form.pupil_name.data or None,
                    grants_admin=kind == "staff" and form.extra.data == "admin", lead_unit=lead_unit,
                    invitee_email=form.invitee_email.data or None, derive_nonce=derive_nonce(),
                )
            except NotFound:
                abort(404)
            except PermissionDenied as error:
                form.unit.errors.append(denial_text(error, org))
            except InviteParameterInvalid as error:
                if error.field == "max_uses":
                    form.max_uses.errors.append(_("Please enter a number from 1 to %(max)d.", max=invites.MAX_USES_LIMIT))
                elif error.field == "invitee_email":
                    form.invitee_email.errors.append(
                        _("A link that makes an administrator is personal: enter the e-mail of the person it is for."))
                elif error.field == "pupil_name":
                    form.pupil_name.errors.append(_("A personal link needs the pupil's name."))
                else:
                    form.expires_on.errors.append(_("Choose a date from tomorrow to a year ahead."))
            except TooManyGuardians:
                form.pupil_name.errors.append(
                    _("This pupil already has %(max)d working parent links. Revoke an unused one first.",
                      max=MAX_GUARDIANS))
            else:
                commit(db)
                return redirect(url_for("invites.share", org_id=org.id, invite_id=invite.id))
            db.rollback()
    status = 422 if form.errors else 200
    return render_template("invites/create.html", form=form, org=org, places=places, kinds=kinds), status


@bp.get("/org/<int:org_id>/invites/<int:invite_id>")
@login_required
def share(org_id: int, invite_id: int):
    org = member_org(org_id)
    invite = managed_invite(org, invite_id)
    link = kept_link(invite)
    return render_template(
        "invites/share.html", org=org, invite=invite, link=link, status=invites.invite_status(invite, now()),
        redemptions=invite_lists.redemptions_of(get_session(), [invite.id])[invite.id],
        qr=qr_svg(link, _("QR code of the invitation link")) if link else None,
        confirm_form=ConfirmForm(), kind_label=kind_label(invite.kind, org),
    )


@bp.get("/org/<int:org_id>/invites/<int:invite_id>/print")
@login_required
def print_view(org_id: int, invite_id: int):
    org = member_org(org_id)
    invite = managed_invite(org, invite_id)
    link = kept_link(invite)
    if link is None:
        return redirect(url_for("invites.share", org_id=org.id, invite_id=invite.id))
    return render_template("invites/print.html", org=org, invite=invite, link=link,
                           qr=qr_svg(link, _("QR code of the invitation link")))


# --- Letters ----------------------------------------------------------------


@bp.route("/org/<int:org_id>/units/<int:unit_id>/letters", methods=["GET", "POST"])
@login_required
def letters_page(org_id: int, unit_id: int):
    org = member_org(org_id)
    unit = unit_in(org, unit_id)
    db = get_session()
    try:
        invite_rights.may_create(db, me(), org, "guardian", unit)
    except NotFound:
        abort(404)
    except PermissionDenied as error:
        return cannot_create(org, error)
    form = LettersForm()
    if form.validate_on_submit():
        try:
            created = letters.create_letters(
                db, org=org, unit=unit, creator=me(), names=form.names.names,
                expires_at=_expires_at(form, org), now=now(), derive_nonce=derive_nonce(),
            )
        except TooManyGuardians as error:
            db.rollback()
            form.names.errors.append(_("%(name)s already has %(max)d working parent links. Revoke unused ones first.",
                                       name=error.pupil_name, max=MAX_GUARDIANS))
        else:
            commit(db)
            keys = signing_keys()
            pages = []
            for letter in created:
                link = external_url("invites.landing", token=invites.invite_token(keys, letter.invite, letter.nonce))
                pages.append((letter, link, qr_svg(link, _("QR code for the parents of %(name)s", name=letter.pupil_name))))
            return render_template("invites/letters.html", org=org, unit=unit, pages=pages, teacher=me(),
                                   expires_at=created[0].invite.expires_at)
    return render_template("invites/letters_form.html", form=form, org=org, unit=unit), 422 if form.errors else 200


# --- The landing page of a link ---------------------------------------------


@bp.get("/i/<token>")
def landing(token: str):
    db = get_session()
    invite = invites.load_invite(db, signing_keys(), token)
    invites.check_usable(db, invite, now())
    org = invite.organisation
    context = {"invite": invite, "token": token, "org": org, "chats": invite.chats}
    if current_user.is_authenticated:
        try:
            redemption.may_redeem(db, invite, me())
        except InviteNotForAccount as error:
            link = external_url("invites.landing", token=token)
            title, text = not_for_account_text(error, invite, org)
            return render_template("invites/not_for_account.html", title=title, text=text, link=link,
                                   qr=qr_svg(link, _("QR code of the invitation link")), **context), 403
        except AlreadyMember as error:
            return render_template("invites/already_member.html", text=already_member_text(error, invite, org),
                                   **context)
    return render_template("invites/landing.html", **context)


@bp.app_errorhandler(InviteCreatorLeft)
def invite_creator_left(error):
    return render_error(410, _("This link no longer works"),
                        _("Whoever created it no longer works with invitations here. "
                          "Please ask your teacher or the administrator for a new link."))
