"""The register blueprint; its routes live in views.py, join.py, parents.py, redeem.py."""
from flask import Blueprint

bp = Blueprint("register", __name__, url_prefix="/register")
