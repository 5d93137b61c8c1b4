"""Importing the route modules registers their views on `bp`."""
from . import appservice  # noqa: F401
from .blueprint import bp  # noqa: F401
