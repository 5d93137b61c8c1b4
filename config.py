"""Configuration classes, read from the environment.

`create_app()` picks one by `ONBOARDING_ENV` (development by default) unless a
class or a mapping is passed in. Every value a deployment sets comes from an
environment variable of the same name.
"""
from __future__ import annotations

import os
from datetime import timedelta


def _env_list(name: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, "").split(",") if item.strip()]


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


class Config:
    """Settings shared by every environment."""

    ENV_NAME = "base"
    SECRET_KEY = os.environ.get("SECRET_KEY")
    # Older keys, still accepted for sessions and for the project's own
    # signed links while a new SECRET_KEY rolls out (newest first).
    SECRET_KEY_FALLBACKS = _env_list("SECRET_KEY_FALLBACKS")
    # None: a SQLite file in the instance folder.
    DATABASE_URL = os.environ.get("DATABASE_URL")
    # Every link in an e-mail or an invite is built from this, never from
    # the request's Host header.
    BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:5000").rstrip("/")
    TRUSTED_HOSTS = _env_list("TRUSTED_HOSTS") or None
    # Number of proxies in front of the app setting X-Forwarded-* (0: none).
    PROXY_FIX_COUNT = int(os.environ.get("PROXY_FIX_COUNT", "0"))

    MAX_CONTENT_LENGTH = 256 * 1024
    MAX_FORM_MEMORY_SIZE = 256 * 1024

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = False
    REMEMBER_COOKIE_DURATION = timedelta(days=30)
    PERMANENT_SESSION_LIFETIME = timedelta(days=14)
    HSTS = False

    WTF_CSRF_TIME_LIMIT = 4 * 3600
    WTF_CSRF_SSL_STRICT = False  # Referer is never sent (Referrer-Policy: no-referrer).

    BABEL_DEFAULT_LOCALE = "ru"
    BABEL_DEFAULT_TIMEZONE = "Europe/Moscow"
    LANGUAGES = ("ru", "en")

    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_ENABLED = _env_bool("RATELIMIT_ENABLED", True)
    RATELIMIT_HEADERS_ENABLED = False
    # Redis down must not take log-in down: the limits carry on in each
    # worker's memory (the failure is logged) until the store answers again,
    # and an error the fallback can't absorb lets the request through, logged.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_SWALLOW_ERRORS = True
    # A store that hangs costs a request at most this long (seconds).
    RATELIMIT_STORAGE_OPTIONS = {"socket_connect_timeout": 1, "socket_timeout": 1}
    # /healthz calls the mail queue "degraded" when mail waits longer.
    HEALTH_MAIL_QUEUE_MAX_AGE = timedelta(minutes=15)

    # Mail: "smtp" or "console".
    MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "console")
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "localhost")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    # "none", "starttls" or "ssl".
    MAIL_SECURITY = os.environ.get("MAIL_SECURITY", "none")
    MAIL_TIMEOUT = float(os.environ.get("MAIL_TIMEOUT", "10"))
    MAIL_SENDER = os.environ.get("MAIL_SENDER", "Школьная платформа <no-reply@localhost>")
    MAIL_MAX_ATTEMPTS = int(os.environ.get("MAIL_MAX_ATTEMPTS", "12"))
    # Deliver new mail right after the request commits (in addition to the
    # worker); off where a separate `mail send --loop` worker runs.
    MAIL_SEND_AFTER_COMMIT = _env_bool("MAIL_SEND_AFTER_COMMIT", True)
    # The page listing sent mail; only ever in development.
    MAIL_DEBUG_PAGE = False
    # Sent mail keeps its text only where that page shows it: elsewhere the
    # links and codes in it are removed once delivered.
    MAIL_KEEP_SENT_BODIES = False

    # Argon2id, OWASP's recommended minimum: 19 MiB, 2 iterations, 1 lane.
    ARGON2_TIME_COST = 2
    ARGON2_MEMORY_COST = 19 * 1024
    ARGON2_PARALLELISM = 1

    # The chats' homeserver (Synapse). Where MATRIX_URL is unset the site reads
    # the settings `flask matrix configure` wrote into the instance folder's
    # synapse/site.json; with neither, changes wait in the queue.
    MATRIX_URL = os.environ.get("MATRIX_URL")
    MATRIX_SERVER_NAME = os.environ.get("MATRIX_SERVER_NAME", "school.test")
    MATRIX_AS_TOKEN = os.environ.get("MATRIX_AS_TOKEN")
    MATRIX_HS_TOKEN = os.environ.get("MATRIX_HS_TOKEN")
    MATRIX_SHARED_SECRET = os.environ.get("MATRIX_SHARED_SECRET")
    MATRIX_APPSERVICE_ID = os.environ.get("MATRIX_APPSERVICE_ID", "school-site")
    # The site's users on the homeserver: @<prefix><user id>:<server name>.
    MATRIX_USER_PREFIX = os.environ.get("MATRIX_USER_PREFIX", "s_")
    MATRIX_TIMEOUT = float(os.environ.get("MATRIX_TIMEOUT", "5"))
    # Apply a request's changes right after its commit (the worker retries).
    MATRIX_SYNC_AFTER_COMMIT = _env_bool("MATRIX_SYNC_AFTER_COMMIT", True)
    # ... but no more tasks than this in one request (about 0.1-0.25 s each):
    # a whole class moved is 80 kicks, left to `flask matrix sync --loop`,
    # so the page answers at once and never meets gunicorn's timeout.
    MATRIX_SYNC_AFTER_COMMIT_MAX = int(os.environ.get("MATRIX_SYNC_AFTER_COMMIT_MAX", "20"))
    # Single sign-on: accounts are linked to the site's user id under this provider.
    MATRIX_OIDC_PROVIDER = os.environ.get("MATRIX_OIDC_PROVIDER", "oidc-school")

    PASSWORD_RESET_MAX_AGE = 3600
    # Reset mails one account receives in an hour, however many ask for them.
    PASSWORD_RESET_MAILS_PER_HOUR = 3
    UNCONFIRMED_ACCOUNT_MAX_AGE = timedelta(days=2)

    # The site as OpenID Connect provider for the school's Matrix homeserver
    # (Synapse), whose apps log in with the site's password. One client,
    # configured here. An unset secret or signing key (RS256, PEM) is made
    # once and kept in the instance folder (`oidc_client_secret`,
    # `oidc_signing_key.pem`, mode 0600).
    MATRIX_PUBLIC_URL = os.environ.get("MATRIX_PUBLIC_URL", "http://127.0.0.1:8008").rstrip("/")
    OIDC_CLIENT_ID = os.environ.get("OIDC_CLIENT_ID", "synapse")
    OIDC_CLIENT_SECRET = os.environ.get("OIDC_CLIENT_SECRET")
    OIDC_REDIRECT_URIS = _env_list("OIDC_REDIRECT_URIS") or [MATRIX_PUBLIC_URL + "/_synapse/client/oidc/callback"]
    OIDC_SIGNING_KEY = os.environ.get("OIDC_SIGNING_KEY")


class DevelopmentConfig(Config):
    ENV_NAME = "development"
    DEBUG = True
    MAIL_DEBUG_PAGE = True
    MAIL_KEEP_SENT_BODIES = True


class TestingConfig(Config):
    ENV_NAME = "testing"
    TESTING = True
    SECRET_KEY = "testing-secret-key"
    SECRET_KEY_FALLBACKS: list[str] = []
    BASE_URL = "http://localhost"
    RATELIMIT_ENABLED = False
    RATELIMIT_STORAGE_URI = "memory://"
    WTF_CSRF_ENABLED = False
    MAIL_BACKEND = "memory"
    MAIL_SEND_AFTER_COMMIT = True
    # Cheap hashes keep the suite fast; production parameters are tested apart.
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_COST = 1024


class ProductionConfig(Config):
    ENV_NAME = "production"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    HSTS = True
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379/0")
    MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "smtp")
    MAIL_SEND_AFTER_COMMIT = _env_bool("MAIL_SEND_AFTER_COMMIT", False)


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}
