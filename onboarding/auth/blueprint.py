"""The auth blueprint; its routes live in views.py."""
from flask import Blueprint

bp = Blueprint("auth", __name__)
