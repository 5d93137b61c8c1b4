"""The chat page: a chat's messages, read and written on the site (for a
parent who will not install an app). Works without JavaScript; a small
script shows new messages without reloading."""
from __future__ import annotations

import secrets

from flask import abort, current_app, flash, g, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import texts
from ..consent import operations as consent
from ..db import get_session
from ..matrix import messages
from ..matrix.client import MatrixError, MatrixUnavailable
from ..matrix.worker import get_client
from ..models import Chat, Organisation
from ..moderation import lists as moderation
from ..web import member_org, now
from . import operations as chats
from .blueprint import bp
from .forms import MessageForm
from .views import quiet_hours

bp.add_app_template_filter(messages.linkify, "linkify")


def _readable_chat(chat_id: int) -> tuple[Chat, Organisation]:
    """The chat, if this member may read it (403 otherwise)."""
    db = get_session()
    chat = db.get(Chat, chat_id)
    if chat is None or chat.archived_at is not None:
        abort(404)
    org = member_org(chat.org_id)
    g.org = org
    if not chats.may_read(db, chat, current_user.id):
        abort(403)
    return chat, org


def _page(chat: Chat, org: Organisation, form: MessageForm, status: int = 200):
    db = get_session()
    where = messages.where_member(db, chat.id, current_user.id)
    client = get_client()
    page, unavailable = None, False
    if where is not None and client is not None:
        try:
            page = messages.read(db, client, *where, before=request.args.get("before"))
        except (MatrixUnavailable, MatrixError):
            unavailable = True
    if not form.txn.data:
        form.txn.data = secrets.token_urlsafe(12)
    response = make_response(render_template(
        "chats/room.html", chat=chat, org=org, form=form, page=page, unavailable=unavailable,
        quiet=quiet_hours(org, now()) if chat.kind == "parents" else None,
        opening=where is None, app_link=messages.app_link(where[0], current_app.config["MATRIX_SERVER_NAME"])
        if where else None,
        may_post=chats.may_post(db, chat, current_user.id, now=now()),
        moderation=moderation.room_notes(db, chat, current_user.id, now=now())), status)
    return response


@bp.get("/<int:chat_id>")
@login_required
def room(chat_id: int):
    chat, org = _readable_chat(chat_id)
    if not consent.has_accepted_chat_rules(get_session(), user_id=current_user.id, org_id=org.id,
                                           version=texts.CHAT_RULES_VERSION):
        return redirect(url_for("chats.rules", org_id=org.id, next=url_for("chats.room", chat_id=chat.id)))
    return _page(chat, org, MessageForm(formdata=None))


@bp.post("/<int:chat_id>")
@login_required
def send(chat_id: int):
    chat, org = _readable_chat(chat_id)
    db = get_session()
    form = MessageForm()
    if not chats.may_post(db, chat, current_user.id, now=now()):
        flash(_("Only administrators write in this channel.") if chat.kind == "channel" else
              _("You are blocked in this chat for now: you can read it but not write."), "error")
        return redirect(url_for("chats.room", chat_id=chat.id))
    if not form.validate_on_submit():
        return _page(chat, org, form, status=400)
    where = messages.where_member(db, chat.id, current_user.id)
    client = get_client()
    try:
        if where is None or client is None:
            raise MatrixUnavailable("not in the room yet")
        messages.post(client, *where, form.body.data, form.txn.data or secrets.token_urlsafe(12))
    except MatrixError as error:
        quiet = messages.quiet_refusal(error)
        if quiet is None:  # refused for another reason (the room not yet caught up with the site)
            current_app.logger.warning("the homeserver refused a message: %s", error)
            form.body.errors = list(form.body.errors) + [
                _("The message was not sent: the chat is not available right now. Please try again in a minute.")]
            return _page(chat, org, form, status=503)
        form.body.errors = list(form.body.errors) + [_(
            "Quiet hours: messages to this chat are not sent from %(start)s to %(end)s (local time). "
            "Please send it after %(end)s.", start=quiet["start"], end=quiet["end"])]
        return _page(chat, org, form, status=409)
    except MatrixUnavailable:
        form.body.errors = list(form.body.errors) + [
            _("The message was not sent: the chat is not available right now. Please try again in a minute.")]
        return _page(chat, org, form, status=503)
    return redirect(url_for("chats.room", chat_id=chat.id, _anchor="write"))


@bp.get("/<int:chat_id>/new")
@login_required
def new_messages(chat_id: int):
    """What came after `after`, as list items, for the page's script."""
    chat, org = _readable_chat(chat_id)
    db = get_session()
    where = messages.where_member(db, chat.id, current_user.id)
    after = request.args.get("after", "")
    client = get_client()
    if where is None or client is None or not after or len(after) > 200:
        abort(404)
    try:
        page = messages.read(db, client, *where, after=after)
    except (MatrixUnavailable, MatrixError):
        abort(503)
    response = make_response(render_template("chats/_messages.html", page=page, org=org))
    response.headers["X-Chat-Next"] = page.newer or after
    response.headers["Cache-Control"] = "no-store"
    return response
