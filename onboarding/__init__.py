"""The onboarding site of a school communication platform."""
from __future__ import annotations

import os
import secrets
from typing import Any, Mapping

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from config import CONFIGS, Config

from . import commands, db, errors, i18n, security
from .admin import routes as admin
from .auth import routes as auth
from .chats import routes as chats
from .consent import routes as consent
from .extensions import csrf, limiter, login_manager
from .help import routes as help_routes
from .invites import routes as invites
from .mail import routes as mail
from .main import routes as main
from .moderation import routes as moderation
from .matrix import routes as matrix_routes, settings as matrix_settings, tasks as matrix_tasks
from .oidc import routes as oidc
from .register import routes as register
from .review import routes as review
from .staff import routes as staff
from .stats import routes as stats


def create_app(config: type[Config] | Mapping[str, Any] | None = None) -> Flask:
    instance_path = (config.get("INSTANCE_PATH") if isinstance(config, Mapping) else None) or os.environ.get(
        "INSTANCE_PATH"
    )
    app = Flask(
        __name__,
        template_folder="../templates",
        static_folder="../static",
        instance_path=instance_path or None,
    )
    load_config(app, config)
    register_extensions(app)
    register_blueprints(app)
    register_error_handlers(app)
    register_commands(app)
    return app


def load_config(app: Flask, config: type[Config] | Mapping[str, Any] | None) -> None:
    """A config class as it is, or a mapping of overrides on the class that
    its `ENV_NAME` (or the ONBOARDING_ENV variable) names."""
    if isinstance(config, type):
        app.config.from_object(config)
    else:
        overrides = dict(config or {})
        env_name = overrides.get("ENV_NAME") or os.environ.get("ONBOARDING_ENV", "development")
        if env_name not in CONFIGS:
            raise RuntimeError(f"ONBOARDING_ENV must be one of: {', '.join(CONFIGS)}")
        app.config.from_object(CONFIGS[env_name])
        app.config.update(overrides)
    if not app.config.get("SECRET_KEY"):
        if app.config["ENV_NAME"] == "production":
            raise RuntimeError("SECRET_KEY must be set in production")
        app.config["SECRET_KEY"] = _instance_secret_key(app)
    matrix_settings.load(app)
    if app.config["PROXY_FIX_COUNT"]:
        count = app.config["PROXY_FIX_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)


def _instance_secret_key(app: Flask) -> str:
    """Development only: a key made once and kept in the instance folder."""
    os.makedirs(app.instance_path, exist_ok=True)
    path = os.path.join(app.instance_path, "secret_key")
    try:
        with open(path, encoding="ascii") as file:
            key = file.read().strip()
        if key:
            return key
    except FileNotFoundError:
        pass
    key = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as file:
        file.write(key)
    return key


def register_extensions(app: Flask) -> None:
    db.init_app(app)
    matrix_tasks.listen()
    csrf.init_app(app)
    limiter.init_app(app)
    i18n.init_app(app)
    security.init_app(app)
    login_manager.init_app(app)


def register_blueprints(app: Flask) -> None:
    for feature in (main, auth, invites, register, admin, mail, chats, consent, review, matrix_routes, oidc, stats,
                    help_routes, moderation, staff):
        app.register_blueprint(feature.bp)


def register_error_handlers(app: Flask) -> None:
    errors.init_app(app)


def register_commands(app: Flask) -> None:
    commands.init_app(app)
