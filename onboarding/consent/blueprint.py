"""The consent blueprint; its routes live in views.py."""
from flask import Blueprint

bp = Blueprint("consent", __name__, url_prefix="/consents")
