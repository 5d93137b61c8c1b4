"""What the invite pages share: the acting user, the organisation and unit
in the URL, an invite the user manages, and the links made in this browser."""
from __future__ import annotations

from flask import abort, render_template, session
from flask_login import current_user

from ..core.errors import NotFound, PermissionDenied
from ..db import get_session
from ..models import Invite, Organisation, Unit, User
from ..security import external_url, signing_keys
from . import operations as invites, rights as invite_rights
from .texts import denial_text

# Links created in this browser session, shown on their share page: the
# database keeps only a hash of each link's secret.
LINKS = "invite_links"
MAX_KEPT_LINKS = 20


def me() -> User:
    return current_user._get_current_object()


def unit_in(org: Organisation, unit_id: int | None) -> Unit:
    unit = get_session().get(Unit, unit_id) if unit_id else None
    if unit is None or unit.org_id != org.id:
        abort(404)
    return unit


def managed_invite(org: Organisation, invite_id: int) -> Invite:
    invite = get_session().get(Invite, invite_id)
    if invite is None or invite.org_id != org.id:
        abort(404)
    try:
        invite_rights.may_manage(get_session(), me(), invite)
    except NotFound:
        abort(404)
    except PermissionDenied:
        abort(403)
    return invite


def keep_link(invite: Invite, nonce: str) -> None:
    kept = dict(session.get(LINKS) or {})
    kept[str(invite.id)] = invites.invite_token(signing_keys(), invite, nonce)
    session[LINKS] = dict(list(kept.items())[-MAX_KEPT_LINKS:])


def kept_link(invite: Invite) -> str | None:
    token = (session.get(LINKS) or {}).get(str(invite.id))
    return external_url("invites.landing", token=token) if token else None


def cannot_create(org: Organisation, error: PermissionDenied):
    return render_template("invites/cannot_create.html", org=org, reason=denial_text(error, org)), 403
