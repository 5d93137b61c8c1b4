"""A small client of the homeserver's HTTP API, as the site's application
service (and, for the few admin calls, as its administrator).

Only the standard library: every call is one JSON request with a timeout.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import socket
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field

ADMIN_LOCALPART = "school-admin"


class MatrixError(Exception):
    """The homeserver answered with an error."""

    def __init__(self, status: int, errcode: str, message: str, payload: dict | None = None):
        super().__init__(f"{status} {errcode}: {message}")
        self.status, self.errcode, self.message = status, errcode, message
        self.payload = payload or {}


class MatrixUnavailable(Exception):
    """The homeserver did not answer (down, slow, or a 5xx)."""


def quote(value: str) -> str:
    return urllib.parse.quote(value, safe="")


@dataclass
class MatrixClient:
    base_url: str
    server_name: str
    as_token: str
    shared_secret: str | None = None
    timeout: float = 5.0
    _admin_token: str | None = field(default=None, repr=False)

    # --- transport -------------------------------------------------------------
    def call(self, method: str, path: str, body: dict | None = None, *, token: str | None = None,
             as_user: str | None = None, query: dict | None = None) -> dict:
        params = dict(query or {})
        if as_user:
            params["user_id"] = as_user
        url = self.base_url.rstrip("/") + path + ("?" + urllib.parse.urlencode(params) if params else "")
        data = json.dumps(body).encode() if body is not None else (b"{}" if method in ("POST", "PUT") else None)
        request = urllib.request.Request(url, data=data, method=method, headers={
            "Authorization": f"Bearer {token or self.as_token}", "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            payload = _json_or_empty(error.read())
            if error.code >= 500:
                raise MatrixUnavailable(f"{error.code} {payload.get('error', '')}") from error
            raise MatrixError(error.code, payload.get("errcode", ""), payload.get("error", ""), payload) from error
        except (urllib.error.URLError, socket.timeout, ConnectionError, TimeoutError) as error:
            raise MatrixUnavailable(str(error)) from error

    def mxid(self, localpart: str) -> str:
        return f"@{localpart}:{self.server_name}"

    # --- accounts --------------------------------------------------------------
    def register(self, localpart: str) -> None:
        """Create the account in the site's namespace; an existing one is fine."""
        try:
            self.call("POST", "/_matrix/client/v3/register",
                      {"type": "m.login.application_service", "username": localpart, "inhibit_login": True})
        except MatrixError as error:
            if error.errcode != "M_USER_IN_USE":
                raise

    def set_display_name(self, mxid: str, name: str) -> None:
        self.call("PUT", f"/_matrix/client/v3/profile/{quote(mxid)}/displayname", {"displayname": name},
                  as_user=mxid)

    def admin_token(self) -> str:
        """The site's administrator account, made with the registration shared
        secret; its password is derived from that secret, so nothing more
        needs keeping."""
        if self._admin_token:
            return self._admin_token
        if not self.shared_secret:
            raise MatrixUnavailable("no registration shared secret: the admin API is out of reach")
        password = hmac.new(self.shared_secret.encode(), b"school-admin-password", hashlib.sha256).hexdigest()
        try:
            nonce = self.call("GET", "/_synapse/admin/v1/register")["nonce"]
            mac = hmac.new(self.shared_secret.encode(), digestmod=hashlib.sha1)
            mac.update(b"\x00".join([nonce.encode(), ADMIN_LOCALPART.encode(), password.encode(), b"admin"]))
            answer = self.call("POST", "/_synapse/admin/v1/register", {
                "nonce": nonce, "username": ADMIN_LOCALPART, "password": password, "admin": True,
                "mac": mac.hexdigest()})
        except MatrixError as error:
            if error.errcode != "M_USER_IN_USE":
                raise
            answer = self.call("POST", "/_matrix/client/v3/login", {
                "type": "m.login.password", "identifier": {"type": "m.id.user", "user": ADMIN_LOCALPART},
                "password": password})
        self._admin_token = answer["access_token"]
        return self._admin_token

    def admin_update_user(self, mxid: str, fields: dict) -> None:
        self.call("PUT", f"/_synapse/admin/v2/users/{quote(mxid)}", fields, token=self.admin_token())

    # --- rooms -----------------------------------------------------------------
    def create_room(self, name: str) -> str:
        return self.call("POST", "/_matrix/client/v3/createRoom", {
            "preset": "private_chat", "visibility": "private", "name": name,
            "creation_content": {"m.federate": False},
            "initial_state": [{"type": "m.room.history_visibility", "state_key": "",
                               "content": {"history_visibility": "shared"}}],
        })["room_id"]

    def state(self, room_id: str, event_type: str, state_key: str = "") -> dict:
        return self.call("GET", f"/_matrix/client/v3/rooms/{quote(room_id)}/state/{event_type}/{quote(state_key)}")

    def put_state(self, room_id: str, event_type: str, content: dict, state_key: str = "") -> None:
        self.call("PUT", f"/_matrix/client/v3/rooms/{quote(room_id)}/state/{event_type}/{quote(state_key)}",
                  content)

    def room_state(self, room_id: str) -> list[dict]:
        return self.call("GET", f"/_matrix/client/v3/rooms/{quote(room_id)}/state")  # type: ignore[return-value]

    def invite(self, room_id: str, mxid: str) -> None:
        try:
            self.call("POST", f"/_matrix/client/v3/rooms/{quote(room_id)}/invite", {"user_id": mxid})
        except MatrixError as error:
            if "already in the room" not in error.message:
                raise

    def join(self, room_id: str, mxid: str) -> None:
        self.call("POST", f"/_matrix/client/v3/rooms/{quote(room_id)}/join", {}, as_user=mxid)

    def kick(self, room_id: str, mxid: str, reason: str) -> None:
        self.call("POST", f"/_matrix/client/v3/rooms/{quote(room_id)}/kick", {"user_id": mxid, "reason": reason})

    def leave(self, room_id: str, mxid: str) -> None:
        self.call("POST", f"/_matrix/client/v3/rooms/{quote(room_id)}/leave", {}, as_user=mxid)

    # --- messages --------------------------------------------------------------
    def send_text(self, room_id: str, mxid: str, body: str, txn_id: str) -> str:
        return self.call("PUT", f"/_matrix/client/v3/rooms/{quote(room_id)}/send/m.room.message/{quote(txn_id)}",
                         {"msgtype": "m.text", "body": body}, as_user=mxid)["event_id"]

    def redact(self, room_id: str, event_id: str, reason: str, as_user: str | None) -> str:
        """Remove a message (as a moderator, or as the site where `as_user` is None);
        the same message twice is one redaction."""
        txn_id = "redact-" + hashlib.sha256(event_id.encode()).hexdigest()[:24]
        return self.call("PUT", f"/_matrix/client/v3/rooms/{quote(room_id)}/redact/{quote(event_id)}/{txn_id}",
                         {"reason": reason}, as_user=as_user).get("event_id", "")

    def messages(self, room_id: str, mxid: str, *, start: str | None = None, limit: int = 30,
                 direction: str = "b") -> dict:
        query = {"dir": direction, "limit": str(limit),
                 "filter": json.dumps({"types": ["m.room.message"], "lazy_load_members": True})}
        if start:
            query["from"] = start
        return self.call("GET", f"/_matrix/client/v3/rooms/{quote(room_id)}/messages", as_user=mxid, query=query)

    def ping(self, appservice_id: str, transaction_id: str) -> None:
        self.call("POST", f"/_matrix/client/v1/appservice/{quote(appservice_id)}/ping",
                  {"transaction_id": transaction_id})


def _json_or_empty(raw: bytes) -> dict:
    try:
        value = json.loads(raw or b"{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}
