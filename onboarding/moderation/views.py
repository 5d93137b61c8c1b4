"""The moderator's page of a chat and its actions: record a violation,
block, remove, let back, remind of the rules, remove a message, unblock
early. Moderators only (403 for other members, 404 for outsiders)."""
from __future__ import annotations

import secrets

from flask import abort, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..core.errors import NotFound, PermissionDenied
from ..db import get_session
from ..matrix.client import MatrixError, MatrixUnavailable
from ..matrix.worker import get_client
from ..models import Chat
from ..web import commit, member_org, now
from . import lists, messages, operations as moderation, removals, rules
from .blueprint import bp
from .forms import BlockForm, ButtonForm, RedactForm, RemovalForm, ViolationForm


def _chat(chat_id: int, *, moderator: bool = True) -> Chat:
    db = get_session()
    chat = db.get(Chat, chat_id)
    if chat is None or chat.archived_at is not None:
        abort(404)
    g.org = member_org(chat.org_id)
    if moderator and not moderation.may_moderate(db, chat, current_user.id):
        abort(403)
    return chat


def _choices(chat: Chat, *forms) -> None:
    members = lists.member_choices(get_session(), chat, current_user.id)
    for form in forms:
        form.member.choices = [("", _("Choose…"))] + members
        points = rules.removal_points() if isinstance(form, RemovalForm) else rules.points()
        form.rule.choices = [("", _("Choose…"))] + [(number, f"{number}. {title}") for number, title in points]


def _page(chat: Chat, status: int = 200, **forms):
    violation = forms.get("violation") or ViolationForm(prefix="violation", formdata=None)
    block = forms.get("block") or BlockForm(prefix="block", formdata=None)
    removal = forms.get("removal") or RemovalForm(prefix="removal", formdata=None)
    _choices(chat, violation, block, removal)
    view = lists.chat_moderation(get_session(), chat, now=now())
    return render_template("moderation/chat.html", chat=chat, org=g.org, view=view, violation=violation, block=block,
                           removal=removal, button=ButtonForm(), now=now(),
                           window=moderation.OBJECTION_WINDOW), status


def _back(chat: Chat):
    return redirect(url_for("moderation.chat", chat_id=chat.id))


@bp.get("/chat/<int:chat_id>")
@login_required
def chat(chat_id: int):
    return _page(_chat(chat_id))


@bp.post("/chat/<int:chat_id>/violation")
@login_required
def violation(chat_id: int):
    chat = _chat(chat_id)
    form = ViolationForm(prefix="violation")
    if not form.validate_on_submit():
        return _page(chat, 400, violation=form)
    db = get_session()
    try:
        moderation.record_violation(db, chat, member_id=int(form.member.data), rule=form.rule.data,
                                    note=form.note.data, moderator_id=current_user.id, now=now())
    except (NotFound, ValueError):
        form.member.errors = [_("This person is not in the chat.")]
        return _page(chat, 400, violation=form)
    except moderation.UnknownRule:
        form.rule.errors = [_("Choose the point of the rules that was broken.")]
        return _page(chat, 400, violation=form)
    commit(db)
    flash(_("The violation is recorded; the member has been told by e-mail."), "success")
    return _back(chat)


@bp.post("/chat/<int:chat_id>/block")
@login_required
def block(chat_id: int):
    chat = _chat(chat_id)
    form = BlockForm(prefix="block")
    if not form.validate_on_submit():
        return _page(chat, 400, block=form)
    db = get_session()
    try:
        moderation.block_member(db, chat, member_id=int(form.member.data), rule=form.rule.data,
                                until_day=form.until.data, moderator_id=current_user.id, now=now())
    except (NotFound, ValueError):
        form.member.errors = [_("This person is not in the chat.")]
    except moderation.UnknownRule:
        form.rule.errors = [_("Choose the point of the rules that was broken.")]
    except moderation.TooFewViolations as error:
        form.member.errors = [_("A member may be blocked only after more than three violations of the rules; "
                                "this member has %(count)d.", count=error.count)]
    except moderation.AlreadyBlocked:
        form.member.errors = [_("This member is already blocked.")]
    except moderation.BlockDateInPast:
        form.until.errors = [_("The date has passed: choose today or a later day.")]
    except moderation.BlockTooLong as error:
        form.until.errors = [_("A block lasts at most one month: the latest date is %(date)s.",
                               date=moderation.russian_date(error.latest, g.org.timezone))]
    else:
        commit(db)
        flash(_("The member is blocked: they can read the chat but not write."), "success")
        return _back(chat)
    db.rollback()
    return _page(chat, 400, block=form)


@bp.post("/chat/<int:chat_id>/remove")
@login_required
def remove(chat_id: int):
    chat = _chat(chat_id)
    form = RemovalForm(prefix="removal")
    if not form.validate_on_submit():
        return _page(chat, 400, removal=form)
    db = get_session()
    try:
        removals.remove_member(db, chat, member_id=int(form.member.data), rule=form.rule.data, note=form.note.data,
                               moderator_id=current_user.id, now=now())
    except (NotFound, ValueError):
        form.member.errors = [_("This person is not in the chat.")]
        return _page(chat, 400, removal=form)
    except moderation.UnknownRule:
        form.rule.errors = [_("Choose the point of the rules that was broken.")]
        return _page(chat, 400, removal=form)
    commit(db)
    flash(_("The member is removed from the chat and cannot join again by themselves."), "success")
    return _back(chat)


def _button(chat: Chat) -> None:
    if not ButtonForm().validate_on_submit():
        abort(400)


@bp.post("/chat/<int:chat_id>/readmit/<int:removal_id>")
@login_required
def readmit(chat_id: int, removal_id: int):
    chat = _chat(chat_id)
    _button(chat)
    db = get_session()
    try:
        removals.readmit_member(db, chat, removal_id=removal_id, moderator_id=current_user.id, now=now())
    except NotFound:
        abort(404)
    commit(db)
    flash(_("The member is back in the chat."), "success")
    return _back(chat)


def _in_room(chat: Chat, action) -> bool:
    """Do something in the room; False (and a message) if the homeserver can't now."""
    client = get_client()
    try:
        if client is None:
            raise MatrixUnavailable("no homeserver")
        action(client)
    except (MatrixUnavailable, MatrixError):
        get_session().rollback()
        flash(_("The chat is not available right now. Please try again in a minute."), "error")
        return False
    return True


@bp.post("/chat/<int:chat_id>/remind")
@login_required
def remind(chat_id: int):
    chat = _chat(chat_id)
    _button(chat)
    db = get_session()
    if _in_room(chat, lambda client: messages.remind_rules(db, client, chat, moderator_id=current_user.id,
                                                           txn=secrets.token_hex(8), now=now())):
        commit(db)
        flash(_("The rules have been posted in the chat."), "success")
    return redirect(url_for("chats.room", chat_id=chat.id))


@bp.post("/chat/<int:chat_id>/redact")
@login_required
def redact(chat_id: int):
    chat = _chat(chat_id)
    form = RedactForm()
    if not form.validate_on_submit():
        abort(400)
    db = get_session()
    if _in_room(chat, lambda client: messages.redact_message(db, client, chat, event_id=form.event_id.data,
                                                             moderator_id=current_user.id, now=now())):
        commit(db)
        flash(_("The message is removed."), "success")
    return redirect(url_for("chats.room", chat_id=chat.id))


@bp.post("/chat/<int:chat_id>/unblock/<int:block_id>/propose")
@login_required
def propose_unblock(chat_id: int, block_id: int):
    chat = _chat(chat_id)
    _button(chat)
    db = get_session()
    try:
        block = moderation.propose_unblock(db, chat, block_id=block_id, moderator_id=current_user.id, now=now())
    except NotFound:
        abort(404)
    if _in_room(chat, lambda client: messages.announce_unblock(db, client, chat, block,
                                                               moderator_id=current_user.id)):
        commit(db)
        flash(_("The proposal is posted in the chat. If nobody objects within a day, the member is unblocked."),
              "success")
    return _back(chat)


@bp.post("/chat/<int:chat_id>/unblock/<int:block_id>/confirm")
@login_required
def confirm_unblock(chat_id: int, block_id: int):
    chat = _chat(chat_id)
    _button(chat)
    db = get_session()
    try:
        moderation.confirm_unblock(db, chat, block_id=block_id, moderator_id=current_user.id, now=now())
    except NotFound:
        abort(404)
    except moderation.ObjectionClosed:
        flash(_("Members may object for a day after the proposal; unblock after that."), "error")
        return _back(chat)
    except moderation.UnblockObjected:
        flash(_("A member objected: the block stays until its end."), "error")
        return _back(chat)
    commit(db)
    flash(_("The member is unblocked."), "success")
    return _back(chat)


@bp.post("/chat/<int:chat_id>/unblock/<int:block_id>/object")
@login_required
def object_to_unblock(chat_id: int, block_id: int):
    """«Возражаю»: any member of the chat, from the chat page."""
    chat = _chat(chat_id, moderator=False)
    _button(chat)
    db = get_session()
    try:
        moderation.object_to_unblock(db, chat, block_id=block_id, user_id=current_user.id, now=now())
    except PermissionDenied:
        abort(403)
    except NotFound:
        abort(404)
    except moderation.ObjectionClosed:
        flash(_("The time for objections is over."), "error")
        return redirect(url_for("chats.room", chat_id=chat.id))
    commit(db)
    flash(_("Your objection is recorded: the member stays blocked until the end of the block."), "success")
    return redirect(url_for("chats.room", chat_id=chat.id))

