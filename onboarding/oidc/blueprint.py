"""The OpenID Connect provider's blueprint; its routes live in views.py and guide.py."""
from flask import Blueprint

bp = Blueprint("oidc", __name__)
