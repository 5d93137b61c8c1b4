"""The moderation blueprint; its routes live in views.py and pages.py."""
from flask import Blueprint

bp = Blueprint("moderation", __name__, url_prefix="/moderation")
