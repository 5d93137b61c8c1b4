"""The letters registration sends: a code to the user, or to a young
pupil's parent a code, a confirmation link and the class's parent link."""
from __future__ import annotations

from flask import abort, render_template
from flask_babel import force_locale, gettext as _

from .. import texts
from ..db import get_session
from ..invites import operations as invites
from ..mail import outbox
from ..models import Invite, User
from ..security import external_url, signing_keys
from ..web import now, pepper
from . import codes, flow as registration
from .helpers import parent_link_token


def send_code(user: User, invite: Invite, parent_email: str | None = None) -> None:
    """Queue a new code (to the user, or to the pupil's parent); raises if sent too often."""
    db = get_session()
    org = invite.organisation
    purpose = registration.code_purpose(user)
    address = registration.code_address(db, user, parent_email)
    if address is None:
        abort(404)
    record, code = codes.issue_code(db, pepper=pepper(), user_id=user.id, purpose=purpose, email=address,
                                    now=now(), org_id=invite.org_id)
    if purpose == registration.CONFIRM_EMAIL:
        subject = _("Confirmation code: %(code)s", code=code)
        body = render_template("mail/code.txt", user=user, code=code, org=org, link=external_url("auth.login"))
    else:
        class_invite, nonce = registration.class_parent_invite(db, invite.unit, pepper=pepper(), now=now())
        with force_locale("ru"):  # to the parent, in the organisation's language
            subject, body = parent_letter(user, code, record, invite, class_invite, nonce)
    outbox.enqueue(db, to=address, now=now(), org_id=invite.org_id, subject=subject, body=body)


def parent_letter(user: User, code: str, record, invite: Invite, class_invite: Invite, nonce: str):
    org = invite.organisation
    subject = _("%(name)s has registered: please confirm", name=user.full_name)
    body = render_template(
        "mail/parent_consent.txt", pupil=user, code=code, org=org, unit=invite.unit,
        data_text=texts.personal_data_text(org.name, org.kind),
        link=external_url("register.parent_confirm", token=parent_link_token(user, record.id, invite)),
        parent_invite=external_url("invites.landing", token=invites.invite_token(signing_keys(), class_invite, nonce)),
        expires_at=class_invite.expires_at, login_url=external_url("auth.login"),
    )
    return subject, body
