"""Chat rules, choosing chats to join, "My chats" with leaving, member lists.

Before any chat action the member accepts the current version of the chat
rules (a member with no chat on offer is not asked yet); leaving is always
allowed.
"""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import abort, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _, lazy_gettext as _l
from flask_login import current_user, login_required

from .. import texts
from ..consent import operations as consent
from ..core.errors import NotFound
from ..db import get_session
from ..models import Chat, Organisation
from ..moderation.moderators import is_only_moderator, left_unmoderated, moderators_of
from ..orgs.policy import QUIET_FROM, QUIET_UNTIL, is_quiet
from ..people import parents, teachers
from ..people.members import memberships_of
from ..register import steps as registration_steps
from ..security import external_url, safe_next
from ..staff import letters
from ..web import client_ip, commit, member_org, now, user_agent
from . import operations as chats
from .blueprint import bp
from .forms import ActionForm, RulesForm

# What each chat is for, as the choosing page explains it.
PURPOSES = {
    "class": _l("The pupils and teachers of the %(unit)s: schedules, homework, school events."),
    "parents": _l("The parents and teachers of the %(unit)s: questions about the children and schooling."),
    "teachers": _l("The teachers who work with the %(unit)s."),
    "staff": _l("All staff of the organisation."),
    "subject": _l("The subject teacher and the pupils: lessons, homework, questions about the subject."),
    "director": _l("A chat of the director of the organisation."),
    "channel": _l("News of the organisation: the administrators write, members read."),
}


def _rules_accepted(org: Organisation) -> bool:
    return consent.has_accepted_chat_rules(get_session(), user_id=current_user.id, org_id=org.id,
                                           version=texts.CHAT_RULES_VERSION)


def _to_rules(org: Organisation, next_url: str):
    return redirect(url_for("chats.rules", org_id=org.id, next=next_url))


def quiet_hours(org: Organisation, at: datetime) -> dict:
    """The parents' chat quiet hours, and the organisation's clock now."""
    local = at.astimezone(ZoneInfo(org.timezone))
    offset = local.utcoffset()
    hours = int(offset.total_seconds() // 3600) if offset else 0
    minutes = int(abs(offset.total_seconds()) % 3600 // 60) if offset else 0
    return {"start": f"{QUIET_FROM:%H:%M}", "end": f"{QUIET_UNTIL:%H:%M}", "now": local.strftime("%H:%M"),
            "utc": f"UTC{'+' if hours >= 0 else '−'}{abs(hours):02d}:{minutes:02d}",
            "active": is_quiet(local.time())}


def meets_parents_chat(org: Organisation) -> bool:
    """Whether the parents' chat of a unit is, or will be once a child is
    confirmed, open to this member (its quiet hours concern them): a
    parent's or a teacher's role in a unit, never a pupil's."""
    return any(m.role in chats.CHAT_AUDIENCE["parents"] and m.unit.kind != "staff_room"
               for m in memberships_of(get_session(), current_user.id, org.id))


@bp.route("/org/<int:org_id>/rules", methods=["GET", "POST"])
@login_required
def rules(org_id: int):
    org = member_org(org_id)
    text = texts.chat_rules_text(org.kind, org.timezone)
    form = RulesForm()
    if not form.is_submitted():
        form.next.data = safe_next(request.args.get("next")) or ""
    if form.validate_on_submit():
        db = get_session()
        consent.accept_chat_rules(db, user_id=current_user.id, org_id=org.id, text=text,
                                  version=texts.CHAT_RULES_VERSION, now=now(), ip=client_ip(),
                                  user_agent=user_agent())
        chats.join_lead_chats(db, user_id=current_user.id, org_id=org.id, now=now())
        commit(db)
        if registration_steps.finish_path(session, org.id):
            flash(_("Welcome! Your registration is complete."), "success")
        return redirect(safe_next(form.next.data) or url_for("chats.choose", org_id=org.id))
    accepted_before = consent.current_consent(get_session(), subject_id=current_user.id, org_id=org.id,
                                              kind="chat_rules") is not None
    return render_template("chats/rules.html", org=org, text=text, form=form, version=texts.CHAT_RULES_VERSION,
                           quiet=quiet_hours(org, now()) if meets_parents_chat(org) else None,
                           changed=accepted_before and not _rules_accepted(org),
                           path=registration_steps.path_in_progress(session, org.id))


@bp.get("/org/<int:org_id>")
@login_required
def choose(org_id: int):
    """The chats on offer, after the chat rules. With nothing on offer (a
    parent whose child waits for the teacher) there is nothing to accept
    yet: the page says who they wait for, and a registration path ends here."""
    org = member_org(org_id)
    db = get_session()
    offered = chats.eligible_chats(db, current_user.id, org.id)
    if offered and not _rules_accepted(org):
        return _to_rules(org, url_for("chats.choose", org_id=org.id))
    if not offered and registration_steps.finish_path(session, org.id):
        flash(_("Welcome! Your registration is complete."), "success")
    joined = {chat.id for chat in chats.joined_chats(db, current_user.id, org.id)}
    return render_template("chats/choose.html", org=org, offered=offered, joined=joined, form=ActionForm(),
                           purposes=PURPOSES, waiting=parents.waiting_parent_links(db, current_user.id, org.id))


@bp.get("/org/<int:org_id>/done")
@login_required
def done(org_id: int):
    org = member_org(org_id)
    db = get_session()
    return render_template(
        "chats/done.html", org=org, joined=chats.joined_chats(db, current_user.id, org.id),
        teacher_status=teachers.teacher_status(db, current_user.id, org.id),
        login_url=external_url("auth.login"),
    )


def _chat(chat_id: int) -> Chat:
    chat = get_session().get(Chat, chat_id)
    if chat is None or chat.archived_at is not None:
        abort(404)
    g.org = chat.unit.organisation if chat.unit else get_session().get(Organisation, chat.org_id)
    return chat


@bp.post("/<int:chat_id>/join")
@login_required
def join(chat_id: int):
    chat = _chat(chat_id)
    org = member_org(chat.org_id)
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    back = safe_next(form.next.data) or url_for("chats.choose", org_id=org.id)
    if not _rules_accepted(org):
        return _to_rules(org, back)
    db = get_session()
    try:
        chats.join_chat(db, chat.id, user_id=current_user.id, now=now())
    except chats.NotAllowedInChat:
        abort(403)
    except chats.BlockedInChat:
        flash(_("You are blocked in this chat for now."), "error")
        return redirect(back)
    except chats.RemovedFromChat:
        flash(_("A moderator removed you from this chat: only a moderator can let you back."), "error")
        return redirect(back)
    if commit(db):
        flash(_("You have joined «%(chat)s».", chat=chat.title), "success")
    else:
        flash(_("You have joined «%(chat)s»; it will open in a minute.", chat=chat.title), "success")
    return redirect(back)


@bp.post("/<int:chat_id>/leave")
@login_required
def leave(chat_id: int):
    chat = _chat(chat_id)
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    db = get_session()
    if not form.is_confirmed:
        # Leaving is a second step: the page asks, the member confirms (no script needed).
        if not chats.is_member(db, chat.id, current_user.id):
            abort(404)
        return render_template("chats/leave.html", chat=chat, form=form,
                               sole_moderator=is_only_moderator(db, chat.id, current_user.id),
                               back=safe_next(form.next.data) or url_for("chats.mine"))
    try:
        row = chats.leave_chat(db, chat.id, user_id=current_user.id, now=now())
    except NotFound:
        abort(404)
    letters.unmoderated(db.get(Organisation, chat.org_id), left_unmoderated(db, [row]), [current_user])
    commit(db)
    flash(_("You have left the chat «%(chat)s».", chat=chat.title), "success")
    return redirect(safe_next(form.next.data) or url_for("chats.mine"))


@bp.get("/")
@login_required
def mine():
    db = get_session()
    joined = chats.joined_chats(db, current_user.id)
    org_ids = sorted({m.org_id for m in memberships_of(db, current_user.id)})
    my_orgs = [db.get(Organisation, org_id) for org_id in org_ids]
    return render_template("chats/mine.html", joined=joined, orgs=my_orgs, form=ActionForm())


@bp.get("/<int:chat_id>/members")
@login_required
def members(chat_id: int):
    chat = _chat(chat_id)
    org = member_org(chat.org_id)
    db = get_session()
    if not chats.is_member(db, chat.id, current_user.id) or chat.id not in {
            c.id for c in chats.eligible_chats(db, current_user.id, org.id)}:
        abort(403)
    if not _rules_accepted(org):
        return _to_rules(org, url_for("chats.members", chat_id=chat.id))
    return render_template("chats/members.html", chat=chat, org=org, members=chats.chat_members(db, chat.id),
                           moderators=moderators_of(db, chat))
