from flask import Blueprint

# The application-service API the homeserver calls (server to server).
bp = Blueprint("matrix", __name__)
