"""Friendly Russian error pages; the session is rolled back before rendering."""
from __future__ import annotations

from flask import Flask, g, render_template
from flask.globals import request_ctx
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from markupsafe import escape
from werkzeug.exceptions import HTTPException, InternalServerError

from .core.errors import InviteExpired, InviteInvalid, InviteRevoked, InviteUsedUp

MESSAGES = {
    400: (_l("Something went wrong with the request"), _l("Please go back and try again.")),
    403: (_l("Access denied"), _l("You don't have access to this page.")),
    404: (_l("Page not found"), _l("The link may be mistyped or out of date.")),
    405: (_l("This action is not allowed here"), _l("Please use the buttons on the page.")),
    410: (_l("This link no longer works"), _l("Please ask for a new link.")),
    413: (_l("Too much data"), _l("What you sent is too large. Please shorten it and try again.")),
    429: (_l("Too many attempts"), _l("Please wait a few minutes and try again.")),
    500: (_l("Something broke on our side"), _l("We already know about it. Please try again a little later.")),
}


def render_error(code: int, title=None, text=None, template: str = "errors/error.html"):
    default_title, default_text = MESSAGES.get(code, MESSAGES[500])
    session = g.pop("db_session", None)
    if session is not None:
        session.rollback()
        session.close()
    if request_ctx and request_ctx.url_adapter is None:
        # The request never reached routing (an untrusted Host): no links can be built.
        page = f'<!doctype html><html lang="ru"><meta charset="utf-8"><title>{escape(title or default_title)}</title>' \
               f"<h1>{escape(title or default_title)}</h1><p>{escape(text or default_text)}</p></html>"
        return page, code
    return (
        render_template(template, code=code, title=title or default_title, text=text or default_text),
        code,
    )


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_error(
            400,
            _l("The form has expired"),
            _l("The page was open too long or cookies are off. Please reload the page and fill in the form again."),
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code is None or error.code < 400:
            return error
        response = render_error(error.code if error.code in MESSAGES else 400)
        if error.code == 405 and getattr(error, "valid_methods", None):
            return response[0], 405, {"Allow": ", ".join(error.valid_methods)}
        return response

    @app.errorhandler(InternalServerError)
    def server_error(error):
        return render_error(500)

    @app.errorhandler(InviteInvalid)
    def invite_invalid(error):
        return render_error(404, _l("This link does not work"),
                            _l("The link is broken or mistyped. Please open it again from the letter or ask for a new one."))

    @app.errorhandler(InviteExpired)
    def invite_expired(error):
        return render_error(410, _l("The link has expired"), _l("Please ask your teacher for a new link."))

    @app.errorhandler(InviteRevoked)
    def invite_revoked(error):
        return render_error(410, _l("The link has been revoked"),
                            _l("Whoever created it has cancelled it. Please ask your teacher for a new link."))

    @app.errorhandler(InviteUsedUp)
    def invite_used_up(error):
        return render_error(410, _l("The link has already been used"),
                            _l("It has been used as many times as allowed. Please ask your teacher for a new link."))

