"""«Чат в приложении»: how to read the chats in a Matrix app on the phone,
signing in with the site's password."""
from __future__ import annotations

from flask import current_app, render_template
from flask_login import login_required

from .blueprint import bp

# The button the apps show for this site: Synapse's `idp_name` for the
# provider (its configuration is written against this name).
SIGN_IN_BUTTON = "Войти через школу"
APPS = ("Element", "FluffyChat")


@bp.get("/chats/app")
@login_required
def app_guide():
    return render_template("oidc/app.html", server=current_app.config["MATRIX_PUBLIC_URL"],
                           button=SIGN_IN_BUTTON, apps=APPS)
