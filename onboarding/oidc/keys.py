"""The provider's secrets: the RS256 key that signs ID tokens and the one
client's secret. Each comes from the configuration (the environment) or, if
unset, from a file in the instance folder made on first use (mode 0600),
never from the repository."""
from __future__ import annotations

import os
import secrets

from joserfc.jwk import RSAKey

KEY_FILE = "oidc_signing_key.pem"
SECRET_FILE = "oidc_client_secret"
ALGORITHM = "RS256"


def load_signing_key(pem: str | None, instance_path: str) -> RSAKey:
    """The private signing key, its `kid` the key's own thumbprint (RFC 7638),
    so a new key gets a new `kid` and clients fetch the keys again."""
    if not pem:
        pem = _read_or_create(os.path.join(instance_path, KEY_FILE), _new_pem)
    key = RSAKey.import_key(pem)
    if not key.is_private:
        raise RuntimeError("OIDC_SIGNING_KEY must be an RSA private key (PEM)")
    return RSAKey.import_key(pem, parameters={"kid": key.thumbprint(), "use": "sig", "alg": ALGORITHM})


def load_client_secret(secret: str | None, instance_path: str) -> str:
    if secret:
        return secret
    return _read_or_create(os.path.join(instance_path, SECRET_FILE), lambda: secrets.token_urlsafe(32))


def public_jwks(key: RSAKey) -> dict:
    """The key set the provider publishes: the public half only."""
    return {"keys": [key.as_dict(private=False)]}


def _new_pem() -> str:
    key = RSAKey.generate_key(2048, private=True)
    return key.as_pem(private=True).decode("ascii")


def _read_or_create(path: str, make) -> str:
    """The file's text; made first (readable by its owner only) if it doesn't
    exist. It appears whole or not at all (written aside, then linked), so
    two workers starting together both read the one that was linked first."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    if not os.path.exists(path):
        draft = f"{path}.{secrets.token_hex(8)}.tmp"
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "w", encoding="ascii") as file:
                file.write(make())
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            os.unlink(draft)
    with open(path, encoding="ascii") as file:
        value = file.read().strip()
    if not value:
        raise RuntimeError(f"{path} is empty: delete it to have it made again")
    return value
