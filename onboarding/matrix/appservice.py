"""The application-service endpoints: Synapse pushes the events of the
site's rooms here, authenticated by the homeserver token."""
from __future__ import annotations

import hmac

from flask import abort, current_app, jsonify, request

from ..db import get_session
from ..extensions import csrf, limiter
from ..models import Organisation, User, utcnow
from ..moderation import moderators
from ..staff import letters
from . import inbound
from .blueprint import bp


def _check_homeserver() -> None:
    expected = current_app.config.get("MATRIX_HS_TOKEN")
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if not expected or not hmac.compare_digest(given.encode(), expected.encode()):
        abort(_matrix_error(403, "M_FORBIDDEN", "Bad homeserver token"))


def _matrix_error(status: int, errcode: str, message: str):
    response = jsonify(errcode=errcode, error=message)
    response.status_code = status
    return response


@bp.put("/_matrix/app/v1/transactions/<txn_id>")
@csrf.exempt
@limiter.exempt
def transaction(txn_id: str):
    _check_homeserver()
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("events", []), list):
        return _matrix_error(400, "M_BAD_JSON", "Expected {events: [...]}")
    db = get_session()
    ended = inbound.handle_events(db, body.get("events", []), now=utcnow())
    for chat in moderators.left_unmoderated(db, ended):  # a moderator left in an app: the administrators'
        letters.unmoderated(db.get(Organisation, chat.org_id), [chat],
                            [db.get(User, row.user_id) for row in ended if row.chat_id == chat.id])
    db.commit()  # the queue's tasks this caused are applied by the worker
    return jsonify({})


@bp.post("/_matrix/app/v1/ping")
@csrf.exempt
@limiter.exempt
def ping():
    _check_homeserver()
    return jsonify({})


@bp.get("/_matrix/app/v1/users/<path:user_id>")
@bp.get("/_matrix/app/v1/rooms/<path:alias>")
@limiter.exempt
def unknown(**_kwargs):
    """The site makes its users and rooms itself: nothing appears on demand."""
    _check_homeserver()
    return _matrix_error(404, "M_NOT_FOUND", "Not here")
