"""The homeserver's configuration, written by the site, and its process.

`flask matrix configure` writes a closed, offline Synapse into a folder (the
instance folder's `synapse/` by default): client listener on loopback only,
no registration, no federation, the privacy settings of docs/MATRIX, and the
site registered as its application service. The secrets are made once and
kept in that folder (mode 0600), never in the repository; production passes
them in the environment instead.
"""
from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

APPSERVICE_ID = "school-site"
SENDER_LOCALPART = "school-bot"
SITE_FILE = "site.json"
PROJECT = Path(__file__).resolve().parents[2]


def load_site_settings(folder: str | os.PathLike) -> dict | None:
    """What the site needs to reach the homeserver configured in `folder`."""
    path = Path(folder) / SITE_FILE
    if not path.exists():
        return None
    return json.loads(path.read_text())


def _write_private(path: Path, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)


def configure(folder: str | os.PathLike, *, server_name: str, port: int, site_url: str, user_prefix: str = "s_",
              database: dict | None = None, testing: bool = False, oidc: dict | None = None,
              public_url: str | None = None, sso_clients: list[str] | None = None) -> dict:
    """Write homeserver.yaml, the application-service registration and the
    site's settings into `folder`; keep secrets made by an earlier run."""
    root = Path(folder).resolve()
    root.mkdir(parents=True, exist_ok=True)
    site = load_site_settings(root) or {}
    for key in ("as_token", "hs_token", "shared_secret", "macaroon_secret", "form_secret"):
        site.setdefault(key, secrets.token_urlsafe(32))
    site.update(url=f"http://127.0.0.1:{port}", server_name=server_name, appservice_id=APPSERVICE_ID,
                user_prefix=user_prefix)
    registration = {
        "id": APPSERVICE_ID, "url": site_url, "as_token": site["as_token"], "hs_token": site["hs_token"],
        "sender_localpart": SENDER_LOCALPART, "rate_limited": False,
        "namespaces": {"users": [{"exclusive": True, "regex": f"@{user_prefix}.*:{server_name}"}],
                       "rooms": [], "aliases": []},
    }
    _write_private(root / "appservice.yaml", json.dumps(registration, indent=2))
    config = _homeserver(root, site, port, database, testing, oidc)
    config["public_baseurl"] = (public_url or site["url"]).rstrip("/") + "/"
    if sso_clients:  # apps sent back from single sign-on without a confirmation page
        config["sso"] = {"client_whitelist": sso_clients}
    _write_private(root / "homeserver.yaml", json.dumps(config, indent=2, ensure_ascii=False))
    (root / "log.yaml").write_text(json.dumps({
        "version": 1, "disable_existing_loggers": False,
        "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
        "handlers": {"file": {"class": "logging.FileHandler", "filename": str(root / "homeserver.log"),
                              "formatter": "plain"}},
        "root": {"level": "WARNING", "handlers": ["file"]},
    }, indent=2))
    _write_private(root / SITE_FILE, json.dumps(site, indent=2))
    if not (root / "signing.key").exists():
        subprocess.run([sys.executable, "-m", "synapse.app.homeserver", "-c", str(root / "homeserver.yaml"),
                        "--generate-keys"], check=True, capture_output=True)
    return site


def oidc_provider(*, issuer: str, client_id: str, client_secret: str, provider: str = "oidc-school") -> dict:
    """Synapse's `oidc_providers` entry for the site: accounts are matched by
    `external_ids` only, and nobody gets a new one through it."""
    return {
        "idp_id": provider.removeprefix("oidc-"), "idp_name": "Войти через школу", "issuer": issuer,
        "client_id": client_id, "client_secret": client_secret, "client_auth_method": "client_secret_post",
        "scopes": ["openid", "profile"], "pkce_method": "always", "enable_registration": False,
        "allow_existing_users": False,
        "user_mapping_provider": {"config": {"subject_claim": "sub", "display_name_template": "{{ user.name }}"}},
    }


def _homeserver(root: Path, site: dict, port: int, database: dict | None, testing: bool, oidc: dict | None) -> dict:
    config = {
        "server_name": site["server_name"],
        "pid_file": str(root / "homeserver.pid"),
        "listeners": [{"port": port, "bind_addresses": ["127.0.0.1"], "type": "http", "tls": False,
                       "x_forwarded": True, "resources": [{"names": ["client"], "compress": False}]}],
        "database": database or {"name": "sqlite3", "args": {"database": str(root / "homeserver.db")}},
        "log_config": str(root / "log.yaml"),
        "media_store_path": str(root / "media"),
        "signing_key_path": str(root / "signing.key"),
        "report_stats": False,
        "enable_registration": False,
        "registration_shared_secret": site["shared_secret"],
        "macaroon_secret_key": site["macaroon_secret"],
        "form_secret": site["form_secret"],
        # Offline and closed: no key servers, no federation, no previews.
        "trusted_key_servers": [],
        "suppress_key_server_warning": True,
        "federation_domain_whitelist": [],
        "url_preview_enabled": False,
        # Privacy: profiles and the directory only among people who share a room.
        "require_auth_for_profile_requests": True,
        "limit_profile_requests_to_users_who_share_rooms": True,
        "user_directory": {"enabled": True, "search_all_users": False},
        "presence": {"enabled": False},
        "allow_public_rooms_without_auth": False,
        "allow_public_rooms_over_federation": False,
        "app_service_config_files": [str(root / "appservice.yaml")],
        # Members' accounts have no password (the site made them): they sign in
        # through the site. Only the site's own administrator account has one.
        "password_config": {"enabled": True},
        # The parents' chats' quiet hours, enforced for every client.
        "modules": [{"module": "onboarding.matrix.quiet_hours.QuietHours", "config": {}}],
    }
    if oidc:
        config["oidc_providers"] = [oidc]
    if testing:
        config["bcrypt_rounds"] = 4
        limit = {"per_second": 1000, "burst_count": 1000}
        for name in ("rc_message", "rc_registration", "rc_joins_per_room", "rc_invites", "rc_3pid_validation"):
            config[name] = limit
        config["rc_login"] = {"address": limit, "account": limit, "failed_attempts": limit}
        config["rc_joins"] = {"local": limit, "remote": limit}
        config["rc_admin_redaction"] = limit
    return config


def start(folder: str | os.PathLike, *, log=None) -> subprocess.Popen:
    """Start Synapse configured in `folder` as a child process."""
    root = Path(folder).resolve()
    # The quiet-hours module is this project's code: Synapse imports it from here.
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(PROJECT), os.environ.get("PYTHONPATH")]))}
    return subprocess.Popen([sys.executable, "-m", "synapse.app.homeserver", "-c", str(root / "homeserver.yaml")],
                            stdout=log or subprocess.DEVNULL, stderr=subprocess.STDOUT, env=env, cwd=str(PROJECT))


def answers(url: str) -> bool:
    """Whether a homeserver already answers at `url`."""
    try:
        with urllib.request.urlopen(url.rstrip("/") + "/_matrix/client/versions", timeout=2):
            return True
    except OSError:
        return False


def wait_ready(url: str, *, timeout: float = 60.0, process: subprocess.Popen | None = None) -> float:
    """Seconds until the homeserver answered its versions endpoint."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"Synapse exited with code {process.returncode}")
        if answers(url):
            return time.monotonic() - started
        time.sleep(0.2)
    raise RuntimeError(f"Synapse did not answer at {url} within {timeout:.0f} s")


def stop(process: subprocess.Popen, timeout: float = 15.0) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
