"""What the invite pages share: the acting user, the organisation and unit
in the URL, an invite the user manages, and its link shown again."""
from __future__ import annotations

from functools import partial
from typing import Callable

from flask import abort, render_template
from flask_login import current_user

from ..core.errors import NotFound, PermissionDenied
from ..db import get_session
from ..models import Invite, Organisation, Unit, User
from ..security import external_url, signing_keys
from . import operations as invites, rights as invite_rights
from .texts import denial_text

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


def derive_nonce() -> Callable[[int], str]:
    """What the pages give `create_invite`: nonces derived under the current
    key, so the link can be shown again to whoever may manage it."""
    return partial(invites.link_nonce, signing_keys()[-1])


def kept_link(invite: Invite) -> str | None:
    """The invite's link, rebuilt with the current key; None when it can't be
    shown again (a random nonce from before links were derived, or a nonce
    derived under a key since rotated out: that link still works by its hash)."""
    keys = signing_keys()
    nonce = invites.rebuilt_nonce(keys[-1], invite)
    if nonce is None:
        return None
    return external_url("invites.landing", token=invites.invite_token(keys, invite, nonce))


def cannot_create(org: Organisation, error: PermissionDenied):
    return render_template("invites/cannot_create.html", org=org, reason=denial_text(error, org)), 403
