"""A real Synapse for the tests: started once per test session on SQLite
(cheap password hashing, relaxed limits), with the site registered as its
application service.

The homeserver pushes events to a small HTTP server in the test process,
which hands them to the app of the test that is running (`receiver.app`);
each test's users get a prefix of their own (`s_t12_…`), so tests never
meet each other's accounts.
"""
from __future__ import annotations

import itertools
import threading
import time
import urllib.error
import urllib.request
from datetime import datetime
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server
from zoneinfo import ZoneInfo

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from onboarding.matrix import homeserver

SERVER_NAME = "school.test"
OIDC_SECRET = "oidc-client-secret-for-tests"
# Where single sign-on sends an app back (no confirmation page for it).
APP_REDIRECT = "http://localhost/app"
_prefixes = itertools.count(1)


class Receiver:
    """The application-service URL: forwards to whichever app is current."""

    def __init__(self):
        self.app = None
        self.pushes = 0
        self.refuse = False

    def __call__(self, environ, start_response):
        app = self.app
        self.pushes += 1
        if self.refuse:
            start_response("503 Service Unavailable", [("Content-Type", "application/json")])
            return [b'{"errcode": "M_UNKNOWN"}']
        if app is None:  # between tests: events of earlier tests' rooms
            start_response("200 OK", [("Content-Type", "application/json")])
            return [b"{}"]
        return app.wsgi_app(environ, start_response)


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, *_args):
        pass


class _ThreadingServer(WSGIServer):
    daemon_threads = True

    def process_request(self, request, client_address):
        threading.Thread(target=self._handle, args=(request, client_address), daemon=True).start()

    def _handle(self, request, client_address):
        try:
            self.finish_request(request, client_address)
        finally:
            self.shutdown_request(request)


class Synapse:
    def __init__(self, folder, receiver: Receiver, receiver_url: str, port: int):
        self.folder, self.receiver, self.receiver_url, self.port = folder, receiver, receiver_url, port
        self.site = homeserver.configure(
            folder, server_name=SERVER_NAME, port=port, site_url=receiver_url, user_prefix="s_", testing=True,
            oidc=homeserver.oidc_provider(issuer=receiver_url, client_id="synapse", client_secret=OIDC_SECRET),
            sso_clients=["http://localhost/"])
        self.signing_key = _rsa_key()
        self.url = self.site["url"]
        self.process = None
        self.start_seconds = None

    def start(self):
        self.process = homeserver.start(self.folder, log=open(self.folder / "synapse.out", "ab"))
        self.start_seconds = homeserver.wait_ready(self.url, process=self.process)

    def stop(self):
        if self.process is not None:
            homeserver.stop(self.process)
            self.process = None

    def app_config(self) -> dict:
        """Settings for an app of one test: its own user prefix."""
        return {
            "MATRIX_URL": self.url, "MATRIX_SERVER_NAME": SERVER_NAME, "MATRIX_AS_TOKEN": self.site["as_token"],
            "MATRIX_HS_TOKEN": self.site["hs_token"], "MATRIX_SHARED_SECRET": self.site["shared_secret"],
            "MATRIX_APPSERVICE_ID": self.site["appservice_id"], "MATRIX_USER_PREFIX": f"s_t{next(_prefixes)}_",
            "MATRIX_TIMEOUT": 10.0,
            # The site is the homeserver's OpenID provider at the receiver's address.
            "BASE_URL": self.receiver_url, "MATRIX_PUBLIC_URL": self.url, "OIDC_CLIENT_SECRET": OIDC_SECRET,
            "OIDC_SIGNING_KEY": self.signing_key,
            "OIDC_REDIRECT_URIS": [self.url + "/_synapse/client/oidc/callback"],
        }


def _rsa_key() -> str:
    """One signing key for every app of the run: Synapse keeps the keys it fetched."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode()


def start_receiver(receiver: Receiver):
    server = make_server("127.0.0.1", 0, receiver, server_class=_ThreadingServer, handler_class=_QuietHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}"


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(predicate, timeout: float = 10.0, interval: float = 0.1):
    """Poll until `predicate()` is truthy (Synapse does some things a moment later)."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(interval)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *_args, **_kwargs):
        return None


def get_without_redirect(url: str, headers: dict | None = None) -> tuple[int, dict, list[str], str]:
    """(status, headers, Set-Cookie values, body) of one GET, redirects not followed."""
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        response = opener.open(urllib.request.Request(url, headers=headers or {}), timeout=20)
    except urllib.error.HTTPError as error:
        response = error
    body = response.read().decode(errors="replace")
    return response.status, dict(response.headers), response.headers.get_all("Set-Cookie") or [], body


_ZONES = ["Europe/Kaliningrad", "Europe/Moscow", "Asia/Yekaterinburg", "Asia/Novosibirsk", "Asia/Irkutsk",
          "Asia/Vladivostok", "Asia/Kamchatka", "America/Sao_Paulo", "America/New_York", "Pacific/Honolulu"]


def daytime_zone() -> str:
    """A zone where it is now mid-day: the parents' chats' quiet hours
    (21:00–07:00 local) then don't stop the tests' messages, whatever the
    hour the tests run at."""
    now = datetime.now().astimezone()
    return next(zone for zone in _ZONES if 9 <= now.astimezone(ZoneInfo(zone)).hour < 19)
