"""The review blueprint; its routes live in views.py."""
from flask import Blueprint

bp = Blueprint("review", __name__, url_prefix="/org/<int:org_id>/review")
