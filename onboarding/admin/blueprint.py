"""The admin blueprint; its routes live in views.py."""
from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/org/<int:org_id>/admin")
