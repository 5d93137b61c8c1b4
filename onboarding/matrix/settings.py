"""Where the site finds its homeserver: the environment, or the settings
`flask matrix configure` wrote into the instance folder."""
from __future__ import annotations

import os

from flask import Flask

from .homeserver import load_site_settings


def folder(app: Flask) -> str:
    return os.path.join(app.instance_path, "synapse")


def load(app: Flask) -> None:
    if app.config.get("MATRIX_URL") or app.config["ENV_NAME"] == "testing":
        return
    site = load_site_settings(folder(app))
    if site is None:
        return
    app.config.update(
        MATRIX_URL=site["url"], MATRIX_SERVER_NAME=site["server_name"], MATRIX_AS_TOKEN=site["as_token"],
        MATRIX_HS_TOKEN=site["hs_token"], MATRIX_SHARED_SECRET=site["shared_secret"],
        MATRIX_APPSERVICE_ID=site["appservice_id"], MATRIX_USER_PREFIX=site["user_prefix"])
