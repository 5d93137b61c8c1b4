"""The staff blueprint: movement and positions, for administrators."""
from flask import Blueprint

bp = Blueprint("staff", __name__, url_prefix="/org/<int:org_id>/staff")
