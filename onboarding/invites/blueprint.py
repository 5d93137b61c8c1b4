"""The invites blueprint; its routes live in views.py, manage.py."""
from flask import Blueprint

bp = Blueprint("invites", __name__)
