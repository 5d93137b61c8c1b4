"""The statistics blueprint; its routes live in views.py."""
from flask import Blueprint

bp = Blueprint("stats", __name__, url_prefix="/org/<int:org_id>/stats")
