"""The provider's endpoints (discovery, keys, authorize, token, userinfo)
for the school's Matrix homeserver, whose apps offer «Войти через школу»."""
from __future__ import annotations

from urllib.parse import urlsplit

from authlib.oauth2 import OAuth2Error
from flask import Response, current_app, g, json, jsonify, redirect, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.orm import Session

from ..db import get_session
from ..errors import render_error
from ..extensions import csrf, limiter
from ..models import User
from ..security import CSP, external_url
from ..web import commit
from . import keys, operations, provider
from .blueprint import bp

REFUSALS = {
    operations.INACTIVE: (
        _l("Your account isn't active"),
        _l("Only an account whose registration is finished can sign in to the chat app. "
           "Please log in on this site and finish it, or ask your school's administrator."),
    ),
    operations.NO_MEMBERSHIP: (
        _l("You aren't a member of any school yet"),
        _l("The chat app is for members of a school, kindergarten or college. Your account isn't in one now: "
           "perhaps a teacher hasn't confirmed you yet, or you have left. Please ask your homeroom teacher "
           "or the school's administrator."),
    ),
}


@bp.get("/.well-known/openid-configuration")
def discovery():
    return jsonify({
        "issuer": provider.issuer(),
        "authorization_endpoint": external_url("oidc.authorize"),
        "token_endpoint": external_url("oidc.token"),
        "userinfo_endpoint": external_url("oidc.userinfo"),
        "jwks_uri": external_url("oidc.jwks"),
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": ["authorization_code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": [keys.ALGORITHM],
        "scopes_supported": list(provider.SCOPES),
        "token_endpoint_auth_methods_supported": list(provider.AUTH_METHODS),
        "claims_supported": ["sub", "name", "iss", "aud", "exp", "iat", "auth_time", "nonce"],
        "code_challenge_methods_supported": ["S256"],
    })


@bp.get("/oauth/jwks")
def jwks():
    return jsonify(keys.public_jwks(provider.signing_key()))


@bp.get("/oauth/authorize")
def authorize():
    """Consent-free for the one trusted client: a member who is logged in
    goes straight back to the homeserver with a code; one who isn't logs in
    first and comes back here."""
    db = _writing_session()
    server = provider.authorization_server()
    user = current_user._get_current_object() if current_user.is_authenticated else None
    try:
        grant = server.get_consent_grant(end_user=user)
    except OAuth2Error as error:
        return _authorization_error(server, error)
    if user is None:
        return redirect(url_for("auth.login", next=request.full_path))
    refusal = operations.sign_in_refusal(db, user)
    if refusal is not None:
        title, text = REFUSALS[refusal]
        return render_error(403, title, text)
    response = server.create_authorization_response(grant_user=user, grant=grant)
    commit(db)
    return response


def _writing_session() -> Session:
    """The authorize endpoint is a GET that writes (the code): it takes the
    session a POST would have, instead of the read-only one."""
    reading = g.pop("db_session", None)
    if reading is not None:
        reading.close()
    g.db_session = current_app.extensions["db"]["write"]()
    return g.db_session


def _authorization_error(server, error: OAuth2Error):
    """An error the client may hear of goes back to its (checked) redirect
    URI; an unknown client or redirect URI gets a page here and no redirect."""
    if error.redirect_uri:
        return server.handle_error_response(request, error)
    current_app.logger.info("OIDC authorize refused: %s %s", error.error, error.description)
    return render_error(
        400, _l("This sign-in link doesn't work"),
        _l("The app sent a sign-in request this site doesn't accept. Please go back to the app and start "
           "signing in again; if it happens again, tell your school's administrator."),
    )


def _failed(response: Response) -> bool:
    return response.status_code >= 400


@bp.post("/oauth/token")
@csrf.exempt  # server to server: the homeserver authenticates with the client secret, not a form token
@limiter.limit("30/minute;300/hour", deduct_when=_failed)
def token():
    db = get_session()
    server = provider.authorization_server()
    try:
        response = server.create_token_response()
    except OAuth2Error as error:  # plain http beyond loopback (a proxy without PROXY_FIX_COUNT)
        return server.handle_error_response(None, error)
    commit(db)  # a used code, a new token, or the tokens of a code presented twice revoked
    return response


@bp.get("/oauth/userinfo")
def userinfo():
    try:
        issued = provider.require_token.acquire_token(["openid"])
    except OAuth2Error as error:
        status, body, headers = error()
        return Response(json.dumps(body), status=status, headers=headers)
    user = get_session().get(User, issued.row.user_id)
    return jsonify(dict(provider.user_claims(user, issued.get_scope())))


@bp.after_app_request
def allow_return_to_homeserver(response: Response) -> Response:
    """The log-in form met on the way to the homeserver redirects twice after
    it is sent (here, then to the homeserver): browsers check that last
    redirect against the page's form-action, so that page also allows the
    homeserver's origin."""
    if request.endpoint == "auth.login" and (request.args.get("next") or "").startswith("/oauth/authorize"):
        origins = sorted({_origin(uri) for uri in current_app.config["OIDC_REDIRECT_URIS"]})
        response.headers["Content-Security-Policy"] = CSP.replace(
            "form-action 'self'", " ".join(["form-action 'self'", *origins]))
    return response


def _origin(uri: str) -> str:
    parts = urlsplit(uri)
    return f"{parts.scheme}://{parts.netloc}"
