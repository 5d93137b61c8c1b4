"""The chats blueprint; its routes live in views.py."""
from flask import Blueprint

bp = Blueprint("chats", __name__, url_prefix="/chats")
