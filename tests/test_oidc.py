"""The site as OpenID Connect provider for the school's Matrix homeserver:
discovery, keys, the authorization-code flow with PKCE as Synapse walks it,
and every refusal."""
import base64
import hashlib
import os
import stat
import threading
import warnings
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from joserfc.jwk import RSAKey
from sqlalchemy import select

from onboarding.models import OidcAccessToken, OidcAuthorizationCode, User, utcnow
from onboarding.oidc.provider import the_client

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)  # authlib.jose, which the brief verifies with
    from authlib.jose import JsonWebKey, jwt

CLIENT_ID = "synapse"
SECRET = "synapse-secret-for-tests"
CALLBACK = "http://127.0.0.1:8008/_synapse/client/oidc/callback"
ISSUER = "http://localhost"  # the testing config's BASE_URL
VERIFIER = "v" * 20 + "-._~" + "0123456789abcdefghijklmnop"  # 50 characters of the allowed set


@pytest.fixture(scope="module")
def signing_pem():
    return RSAKey.generate_key(2048, private=True).as_pem(private=True).decode("ascii")


@pytest.fixture
def app_config(app_config, signing_pem):
    return {**app_config, "OIDC_SIGNING_KEY": signing_pem, "OIDC_CLIENT_SECRET": SECRET}


@pytest.fixture
def member(make_org, make_user, make_member):
    """A teacher of a school, with a phone number on the account."""
    org = make_org()
    user = make_user(email="olga@school.ru", last_name="Смирнова", first_name="Ольга", patronymic="Петровна")
    make_member(user, org, "teacher")
    return user


def challenge(verifier=VERIFIER):
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()


def authorize_url(**overrides):
    params = {"response_type": "code", "client_id": CLIENT_ID, "redirect_uri": CALLBACK, "scope": "openid profile",
              "state": "state-123", "nonce": "nonce-456", "code_challenge": challenge(),
              "code_challenge_method": "S256", **overrides}
    return "/oauth/authorize?" + urlencode({key: value for key, value in params.items() if value is not None})


def code_from(response):
    assert response.status_code == 302, response.text
    location = response.headers["Location"]
    assert location.startswith(CALLBACK + "?")
    query = parse_qs(urlsplit(location).query)
    assert query["state"] == ["state-123"]
    return query["code"][0]


def exchange(client, code, secret=SECRET, verifier=VERIFIER, basic=False):
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": CALLBACK, "code_verifier": verifier}
    if basic:
        credentials = base64.b64encode(f"{CLIENT_ID}:{secret}".encode()).decode()
        return client.post("/oauth/token", data=data, headers={"Authorization": f"Basic {credentials}"})
    return client.post("/oauth/token", data={**data, "client_id": CLIENT_ID, "client_secret": secret})


def sign_in(client, auth, user):
    assert auth.login(user.email).status_code == 302
    return code_from(client.get(authorize_url()))


def decode_id_token(client, id_token):
    keys = JsonWebKey.import_key_set(client.get("/oauth/jwks").get_json())
    claims = jwt.decode(id_token, keys, claims_options={
        "iss": {"essential": True, "value": ISSUER}, "aud": {"essential": True, "value": CLIENT_ID}})
    claims.validate()
    return claims


def test_discovery_document_names_the_endpoints_under_the_issuer(client):
    document = client.get("/.well-known/openid-configuration").get_json()
    assert document["issuer"] == ISSUER
    assert document["authorization_endpoint"] == ISSUER + "/oauth/authorize"
    assert document["token_endpoint"] == ISSUER + "/oauth/token"
    assert document["userinfo_endpoint"] == ISSUER + "/oauth/userinfo"
    assert document["jwks_uri"] == ISSUER + "/oauth/jwks"
    assert document["response_types_supported"] == ["code"]
    assert document["id_token_signing_alg_values_supported"] == ["RS256"]
    assert document["code_challenge_methods_supported"] == ["S256"]
    assert set(document["scopes_supported"]) == {"openid", "profile"}
    assert set(document["token_endpoint_auth_methods_supported"]) == {"client_secret_post", "client_secret_basic"}
    assert not {"email", "phone_number"} & set(document["claims_supported"])


def test_issuer_is_the_base_url_exactly(app_config):
    from onboarding import create_app

    app = create_app({**app_config, "BASE_URL": "https://school.example.ru"})
    document = app.test_client().get("/.well-known/openid-configuration").get_json()
    app.extensions["db"]["engine"].dispose()
    assert document["issuer"] == "https://school.example.ru"
    assert document["token_endpoint"] == "https://school.example.ru/oauth/token"


def test_jwks_publishes_only_the_public_key_with_a_kid(client):
    keys = client.get("/oauth/jwks").get_json()["keys"]
    assert len(keys) == 1
    key = keys[0]
    assert key["kty"] == "RSA" and key["alg"] == "RS256" and key["use"] == "sig" and key["kid"]
    assert not {"d", "p", "q", "dp", "dq", "qi"} & set(key)


def test_the_whole_flow_gives_a_verified_id_token_and_userinfo(client, auth, member, session):
    code = sign_in(client, auth, member)
    response = exchange(client, code)
    assert response.status_code == 200, response.text
    body = response.get_json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == 3600
    assert "refresh_token" not in body

    header = jwt.decode(body["id_token"], JsonWebKey.import_key_set(client.get("/oauth/jwks").get_json())).header
    assert header["alg"] == "RS256" and header["kid"] == client.get("/oauth/jwks").get_json()["keys"][0]["kid"]
    claims = decode_id_token(client, body["id_token"])
    assert claims["sub"] == f"s_{member.id}"  # the Matrix account's localpart, as in its external_ids
    assert claims["name"] == "Смирнова Ольга Петровна"
    assert claims["nonce"] == "nonce-456"
    assert claims["exp"] > claims["iat"]

    userinfo = client.get("/oauth/userinfo", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert userinfo.status_code == 200
    assert userinfo.get_json() == {"sub": f"s_{member.id}", "name": "Смирнова Ольга Петровна"}

    # Only hashes are kept.
    code_row = session.scalars(select(OidcAuthorizationCode)).one()
    token_row = session.scalars(select(OidcAccessToken)).one()
    assert code_row.code_hash == hashlib.sha256(code.encode()).hexdigest() and code_row.used_at is not None
    assert token_row.token_hash == hashlib.sha256(body["access_token"].encode()).hexdigest()
    assert code_row.expires_at - code_row.created_at == timedelta(minutes=5)
    assert token_row.expires_at - token_row.created_at == timedelta(hours=1)


def test_client_secret_basic_is_accepted_too(client, auth, member):
    response = exchange(client, sign_in(client, auth, member), basic=True)
    assert response.status_code == 200, response.text
    assert decode_id_token(client, response.get_json()["id_token"])["sub"] == f"s_{member.id}"


@pytest.mark.parametrize("basic", [False, True])
def test_a_wrong_client_secret_is_refused_and_leaves_the_code_unused(client, auth, member, basic):
    code = sign_in(client, auth, member)
    response = exchange(client, code, secret="not-the-secret", basic=basic)
    assert response.status_code in (400, 401)
    assert response.get_json()["error"] == "invalid_client"
    assert "access_token" not in response.get_json()
    assert exchange(client, code).status_code == 200


def test_an_unknown_redirect_uri_gets_a_page_and_no_redirect(client, auth, member, session):
    auth.login(member.email)
    for url in (authorize_url(redirect_uri="https://evil.example/callback"), authorize_url(client_id="someone-else")):
        response = client.get(url)
        assert response.status_code == 400
        assert "Location" not in response.headers
        assert "evil.example" not in response.text
        assert "Ссылка для входа не работает" in response.text
    assert session.scalars(select(OidcAuthorizationCode)).all() == []


def test_an_error_the_client_may_hear_of_goes_back_to_its_redirect_uri(client, auth, member):
    auth.login(member.email)
    response = client.get(authorize_url(code_challenge_method="plain", code_challenge=VERIFIER))
    assert response.status_code == 302
    query = parse_qs(urlsplit(response.headers["Location"]).query)
    assert response.headers["Location"].startswith(CALLBACK) and query["error"] == ["invalid_request"]
    assert query["state"] == ["state-123"]


def test_a_code_is_used_once_and_a_second_use_revokes_its_token(client, auth, member):
    code = sign_in(client, auth, member)
    first = exchange(client, code)
    assert first.status_code == 200
    second = exchange(client, code)
    assert second.status_code == 400 and second.get_json()["error"] == "invalid_grant"
    bearer = {"Authorization": f"Bearer {first.get_json()['access_token']}"}
    assert client.get("/oauth/userinfo", headers=bearer).status_code == 401


def test_an_expired_code_is_refused(client, auth, member, session):
    code = sign_in(client, auth, member)
    row = session.scalars(select(OidcAuthorizationCode)).one()
    row.expires_at = utcnow() - timedelta(seconds=1)
    session.commit()
    response = exchange(client, code)
    assert response.status_code == 400 and response.get_json()["error"] == "invalid_grant"


def test_a_wrong_code_verifier_is_refused(client, auth, member):
    response = exchange(client, sign_in(client, auth, member), verifier="w" * 50)
    assert response.status_code == 400 and response.get_json()["error"] == "invalid_grant"


def test_a_nonce_is_accepted_once(client, auth, member):
    sign_in(client, auth, member)
    response = client.get(authorize_url())
    assert response.status_code == 302 and "error=invalid_request" in response.headers["Location"]


def test_a_logged_out_member_logs_in_and_comes_back_to_the_flow(client, member):
    response = client.get(authorize_url())
    assert response.status_code == 302
    login_url = response.headers["Location"]
    assert urlsplit(login_url).path == "/login"
    page = client.get(login_url)
    assert page.status_code == 200
    # The log-in form's redirects end at the homeserver: its page allows that.
    assert "form-action 'self' http://127.0.0.1:8008;" in page.headers["Content-Security-Policy"]
    back = client.post(login_url, data={"identifier": member.email, "password": "correct horse battery staple"})
    assert back.status_code == 302
    assert back.headers["Location"] == authorize_url()  # the query string survives the round trip
    code = code_from(client.get(back.headers["Location"]))
    assert exchange(client, code).status_code == 200
    assert "http://127.0.0.1:8008" not in client.get("/login").headers["Content-Security-Policy"]


def test_prompt_none_without_a_login_goes_back_with_login_required(client, member):
    response = client.get(authorize_url(prompt="none"))
    assert response.status_code == 302 and response.headers["Location"].startswith(CALLBACK)
    assert parse_qs(urlsplit(response.headers["Location"]).query)["error"] == ["login_required"]


def test_a_user_without_a_membership_is_refused_with_a_page(client, auth, make_user, session):
    user = make_user(email="nobody@school.ru")
    auth.login(user.email)
    response = client.get(authorize_url())
    assert response.status_code == 403
    assert "Location" not in response.headers
    assert "Вы пока не состоите ни в одной школе" in response.text
    assert session.scalars(select(OidcAuthorizationCode)).all() == []


def test_a_member_who_left_before_the_exchange_gets_no_token(client, auth, member, session):
    code = sign_in(client, auth, member)
    for membership in session.get(User, member.id).memberships:
        membership.left_at = utcnow()
    session.commit()
    response = exchange(client, code)
    assert response.status_code == 400 and response.get_json()["error"] == "invalid_grant"


def test_an_access_token_stops_working_when_it_expires(client, auth, member, session):
    token = exchange(client, sign_in(client, auth, member)).get_json()["access_token"]
    bearer = {"Authorization": f"Bearer {token}"}
    assert client.get("/oauth/userinfo", headers=bearer).status_code == 200
    row = session.scalars(select(OidcAccessToken)).one()
    row.expires_at = utcnow() - timedelta(seconds=1)
    session.commit()
    response = client.get("/oauth/userinfo", headers=bearer)
    assert response.status_code == 401 and response.get_json()["error"] == "invalid_token"
    assert client.get("/oauth/userinfo").status_code == 401


def test_no_claim_carries_an_email_or_a_phone(client, auth, member, session):
    session.get(User, member.id).phone = "+79001234567"
    session.commit()
    body = exchange(client, sign_in(client, auth, member)).get_json()
    claims = dict(decode_id_token(client, body["id_token"]))
    userinfo = client.get("/oauth/userinfo", headers={"Authorization": f"Bearer {body['access_token']}"}).get_json()
    for found in (claims, userinfo):
        assert not {"email", "email_verified", "phone_number", "preferred_username"} & set(found)
        assert "olga@school.ru" not in str(found) and "79001234567" not in str(found)


def test_the_token_endpoint_needs_no_csrf_token(app_config):
    from onboarding import create_app

    app = create_app({**app_config, "WTF_CSRF_ENABLED": True})
    client = app.test_client()
    response = client.post("/oauth/token", data={"grant_type": "authorization_code", "code": "nothing",
                                                 "client_id": CLIENT_ID, "client_secret": SECRET})
    app.extensions["db"]["engine"].dispose()
    assert response.status_code == 400 and response.get_json()["error"] == "invalid_grant"


def test_secret_and_key_are_made_once_in_the_instance_folder(app_config):
    from onboarding import create_app

    config = {key: value for key, value in app_config.items() if not key.startswith("OIDC_")}
    kids = []
    for _ in range(2):
        app = create_app(config)
        kids.append(app.test_client().get("/oauth/jwks").get_json()["keys"][0]["kid"])
        with app.app_context():
            secret = the_client().secret
        app.extensions["db"]["engine"].dispose()
    assert kids[0] == kids[1]
    for name in ("oidc_signing_key.pem", "oidc_client_secret"):
        path = os.path.join(config["INSTANCE_PATH"], name)
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    with open(os.path.join(config["INSTANCE_PATH"], "oidc_client_secret")) as file:
        assert file.read().strip() == secret and len(secret) >= 32


def test_the_app_page_explains_the_steps_to_a_logged_in_member(client, auth, member):
    assert client.get("/chats/app").status_code == 302
    auth.login(member.email)
    page = client.get("/chats/app")
    assert page.status_code == 200
    assert "Чат в приложении" in page.text and "http://127.0.0.1:8008" in page.text
    assert "Войти через школу" in page.text and "Element" in page.text and "FluffyChat" in page.text
    assert "<script" not in page.text and len(page.data) < 20_000


def test_plain_http_beyond_loopback_is_refused_with_an_answer_not_a_crash(client, auth, member):
    """Behind a TLS proxy the site must know the scheme (PROXY_FIX_COUNT):
    Authlib refuses OAuth over plain http except on loopback."""
    response = client.post("/oauth/token", base_url="http://school.example.ru",
                           data={"grant_type": "authorization_code", "code": "x", "client_id": CLIENT_ID,
                                 "client_secret": SECRET})
    assert response.status_code == 400 and response.get_json()["error"] == "insecure_transport"
    auth.login(member.email)
    page = client.get(authorize_url(), base_url="http://school.example.ru")
    assert page.status_code == 400 and "Location" not in page.headers


def test_the_matrix_commands_can_ask_for_the_client_secret(app):
    assert app.extensions["oidc_client_secret"]() == SECRET


def test_eight_exchanges_of_one_code_at_once_give_one_token(app, client, auth, member, session):
    code = sign_in(client, auth, member)
    clients = [app.test_client() for _ in range(8)]
    start = threading.Barrier(len(clients), timeout=60)

    def exchange_at_once(other):
        start.wait()
        return exchange(other, code)

    with ThreadPoolExecutor(max_workers=len(clients)) as pool:
        statuses = sorted(response.status_code for response in pool.map(exchange_at_once, clients))
    assert statuses == [200] + [400] * 7
    session.rollback()
    assert len(session.scalars(select(OidcAccessToken)).all()) == 1
