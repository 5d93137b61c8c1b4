"""The mail blueprint; its routes live in views.py."""
from flask import Blueprint

bp = Blueprint("mail", __name__, url_prefix="/dev/mail")
