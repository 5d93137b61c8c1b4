"""Authlib's authorization server, fitted to the site: the one configured
client (the school's Matrix homeserver), the authorization-code grant with
PKCE (S256) and OpenID Connect, and bearer tokens for userinfo. The rules
themselves are in operations.py; this module is the web layer's glue (it
reads the app's config and the request's session)."""
from __future__ import annotations

import secrets
from functools import partial

from authlib.common.security import generate_token
from authlib.integrations.flask_oauth2 import AuthorizationServer, ResourceProtector
from authlib.oauth2.rfc6749 import ClientMixin, InvalidRequestError, TokenMixin, list_to_scope, scope_to_list
from authlib.oauth2.rfc6749.grants import AuthorizationCodeGrant
from authlib.oauth2.rfc6750 import BearerTokenGenerator, BearerTokenValidator
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oidc.core import AuthorizationCodeMixin, UserInfo
from authlib.oidc.core.grants import OpenIDCode
from flask import Flask, current_app
from joserfc.jwk import RSAKey

from ..db import get_session
from ..matrix.sync import localpart
from ..models import OidcAccessToken, OidcAuthorizationCode, User
from ..web import now
from . import keys, operations
from .blueprint import bp

SCOPES = ("openid", "profile")
AUTH_METHODS = ("client_secret_basic", "client_secret_post")


class SchoolClient(ClientMixin):
    """The one client: the school's homeserver, as configured."""

    def __init__(self, client_id: str, secret: str, redirect_uris: list[str]):
        self.client_id = client_id
        self.secret = secret
        self.redirect_uris = list(redirect_uris)

    def get_client_id(self):
        return self.client_id

    def get_default_redirect_uri(self):
        return self.redirect_uris[0] if self.redirect_uris else None

    def get_allowed_scope(self, scope):
        return list_to_scope([item for item in scope_to_list(scope) or [] if item in SCOPES])

    def check_redirect_uri(self, redirect_uri):
        return redirect_uri in self.redirect_uris

    def check_client_secret(self, client_secret):
        return secrets.compare_digest(self.secret.encode("utf-8"), client_secret.encode("utf-8"))

    def check_endpoint_auth_method(self, method, endpoint):
        return method in AUTH_METHODS

    def check_response_type(self, response_type):
        return response_type == "code"

    def check_grant_type(self, grant_type):
        return grant_type == "authorization_code"


class IssuedCode(AuthorizationCodeMixin):
    """A claimed code's row, as Authlib asks for it."""

    def __init__(self, row: OidcAuthorizationCode):
        self.row = row
        self.code_challenge = row.code_challenge
        self.code_challenge_method = row.code_challenge_method

    def get_redirect_uri(self):
        return self.row.redirect_uri

    def get_scope(self):
        return self.row.scope

    def get_nonce(self):
        return self.row.nonce

    def get_auth_time(self):
        return int(self.row.auth_time.timestamp()) if self.row.auth_time else None


class IssuedToken(TokenMixin):
    """A live access token's row (operations.find_access_token checked it)."""

    def __init__(self, row: OidcAccessToken):
        self.row = row

    def check_client(self, client):
        return client.get_client_id() == self.row.client_id

    def get_scope(self):
        return self.row.scope

    def get_expires_in(self):
        return int((self.row.expires_at - self.row.created_at).total_seconds())

    def is_expired(self):
        return self.row.expires_at <= now()

    def is_revoked(self):
        return self.row.revoked_at is not None


class CodeGrant(AuthorizationCodeGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = list(AUTH_METHODS)

    def save_authorization_code(self, code, request):
        user = request.user
        operations.save_code(
            get_session(), code, client_id=request.client.get_client_id(), user_id=user.id,
            redirect_uri=request.payload.redirect_uri, scope=request.scope,
            nonce=request.payload.data.get("nonce"), code_challenge=request.payload.data.get("code_challenge"),
            code_challenge_method=request.payload.data.get("code_challenge_method"),
            auth_time=operations.login_time(get_session(), getattr(user, "login_identity", None)), now=now(),
        )

    def query_authorization_code(self, code, client):
        row = operations.claim_code(get_session(), code, client_id=client.get_client_id(), now=now())
        return IssuedCode(row) if row is not None else None

    def delete_authorization_code(self, authorization_code):
        """Nothing to do: claiming the code used it up."""

    def authenticate_user(self, authorization_code):
        """The code's member, if they may still sign in."""
        session = get_session()
        user = session.get(User, authorization_code.row.user_id)
        return user if operations.sign_in_refusal(session, user) is None else None


class S256Challenge(CodeChallenge):
    """PKCE with S256 only: a challenge sent as «plain» is refused."""

    SUPPORTED_CODE_CHALLENGE_METHOD = ["S256"]

    def validate_code_challenge(self, grant, redirect_uri):
        super().validate_code_challenge(grant, redirect_uri)
        data = grant.request.payload.data
        if data.get("code_challenge") and data.get("code_challenge_method") != "S256":
            raise InvalidRequestError("Only 'code_challenge_method=S256' is supported.")


class SchoolOpenIDCode(OpenIDCode):
    """ID tokens signed RS256 by the site's key: `sub` is the site's user id,
    `name` the full name; never an e-mail address or a phone number."""

    def exists_nonce(self, nonce, request):
        if len(nonce) > operations.MAX_NONCE_LENGTH:
            raise InvalidRequestError("The 'nonce' is too long.")
        return operations.nonce_used(get_session(), request.payload.client_id, nonce)

    def generate_user_info(self, user, scope):
        return user_claims(user, scope)

    def resolve_client_private_key(self, client):
        return signing_key()

    def get_client_algorithm(self, client):
        return keys.ALGORITHM

    def get_client_claims(self, client):
        return {"iss": issuer(), "aud": client.get_client_id()}

    def get_encode_header(self, client):
        return {"alg": keys.ALGORITHM, "kid": signing_key().kid}


class AccessTokenValidator(BearerTokenValidator):
    def authenticate_token(self, token_string):
        session = get_session()
        row = operations.find_access_token(session, token_string, now=now())
        if row is None or operations.sign_in_refusal(session, session.get(User, row.user_id)) is not None:
            return None
        return IssuedToken(row)


def user_claims(user: User, scope: str) -> UserInfo:
    claims = UserInfo(sub=localpart(current_app.config["MATRIX_USER_PREFIX"], user.id))
    if "profile" in (scope_to_list(scope) or []):
        claims["name"] = user.full_name
    return claims


def save_token(token: dict, request) -> None:
    operations.save_access_token(
        get_session(), token["access_token"], client_id=request.client.get_client_id(), user_id=request.user.id,
        code_id=request.authorization_code.row.id, scope=token.get("scope", ""), now=now(),
    )


def issuer() -> str:
    return current_app.config["BASE_URL"]


def the_client() -> SchoolClient:
    """Built once per app from its config (the secret may come from a file)."""
    app = current_app._get_current_object()
    if "oidc_client" not in app.extensions:
        config = app.config
        app.extensions["oidc_client"] = SchoolClient(config["OIDC_CLIENT_ID"], client_secret(app),
                                                     config["OIDC_REDIRECT_URIS"])
    return app.extensions["oidc_client"]


def client_secret(app: Flask) -> str:
    return keys.load_client_secret(app.config.get("OIDC_CLIENT_SECRET"), app.instance_path)


@bp.record_once
def offer_client_secret(state) -> None:
    """`app.extensions["oidc_client_secret"]()`: the secret, for the command
    that writes Synapse's configuration (read, or made, only when asked)."""
    state.app.extensions["oidc_client_secret"] = partial(client_secret, state.app)


def query_client(client_id: str) -> SchoolClient | None:
    client = the_client()
    return client if client_id == client.client_id else None


def signing_key() -> RSAKey:
    app = current_app._get_current_object()
    if "oidc_key" not in app.extensions:
        app.extensions["oidc_key"] = keys.load_signing_key(app.config.get("OIDC_SIGNING_KEY"), app.instance_path)
    return app.extensions["oidc_key"]


def authorization_server() -> AuthorizationServer:
    """The app's authorization server, made on first use (nothing at start-up)."""
    app = current_app._get_current_object()
    if "oidc_server" not in app.extensions:
        server = AuthorizationServer(query_client=query_client, save_token=save_token)
        lifetime = int(operations.TOKEN_LIFETIME.total_seconds())
        server.register_token_generator("default", BearerTokenGenerator(
            lambda **_: generate_token(48), expires_generator=lambda client, grant_type: lifetime))
        server.scopes_supported = list(SCOPES)
        server.register_grant(CodeGrant, [S256Challenge(required=True), SchoolOpenIDCode(require_nonce=False)])
        app.extensions["oidc_server"] = server
    return app.extensions["oidc_server"]


require_token = ResourceProtector()
require_token.register_token_validator(AccessTokenValidator())
