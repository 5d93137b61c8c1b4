"""Short signed tokens for links: `<id>.<nonce>.<signature>`.

The token carries only a row's id and a random nonce (128 bits); the row keeps
a SHA-256 of the nonce, so a copy of the database can't be turned into
working links. Signed with itsdangerous under a salt per purpose, verified
against the current key and every fallback key (key rotation).
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from typing import Sequence

from itsdangerous import BadSignature, Signer

from .errors import TokenInvalid

_TOKEN = re.compile(r"^([0-9]{1,12})\.([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{10,64})$")

# Row ids are INTEGER columns: PostgreSQL refuses anything above this.
MAX_ROW_ID = 2**31 - 1


def is_row_id(value: object) -> bool:
    """A value from outside (a link, a cookie, a URL) that may be a row's id."""
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_ROW_ID


def new_nonce() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(16)).rstrip(b"=").decode("ascii")


def hash_nonce(nonce: str) -> str:
    return hashlib.sha256(nonce.encode("ascii")).hexdigest()


def nonce_matches(nonce: str, nonce_hash: str) -> bool:
    return hmac.compare_digest(hash_nonce(nonce), nonce_hash)


def make_token(keys: Sequence[str], salt: str, row_id: int, nonce: str) -> str:
    return Signer(list(keys), salt=salt).sign(f"{row_id}.{nonce}".encode("ascii")).decode("ascii")


def _is_canonical(part: str) -> bool:
    try:
        raw = base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
    except ValueError:
        return False
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii") == part


def read_token(keys: Sequence[str], salt: str, token: str) -> tuple[int, str]:
    """(row id, nonce) of a well-formed token with a good signature, else TokenInvalid."""
    if not isinstance(token, str) or len(token) > 120 or not _TOKEN.match(token):
        raise TokenInvalid()
    if not _is_canonical(token.rpartition(".")[2]):
        # Base64 leaves a few low bits of the last character unused: refuse
        # every spelling but the one we issued, so an altered link never works.
        raise TokenInvalid()
    try:
        value = Signer(list(keys), salt=salt).unsign(token.encode("ascii")).decode("ascii")
    except (BadSignature, UnicodeError, ValueError):
        raise TokenInvalid() from None
    row_id, _, nonce = value.partition(".")
    if not is_row_id(int(row_id)):
        raise TokenInvalid()  # signed, but no row can have this id: not found
    return int(row_id), nonce
