"""The main blueprint; its routes live in views.py."""
from flask import Blueprint

bp = Blueprint("main", __name__)
