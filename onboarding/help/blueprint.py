"""The help blueprint; its routes live in views.py."""
from flask import Blueprint

bp = Blueprint("help", __name__, url_prefix="/help")
