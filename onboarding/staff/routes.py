"""The staff blueprint with all its routes (the app factory registers it)."""
from . import views, views_people  # noqa: F401 (their routes are on bp)
from .blueprint import bp

__all__ = ["bp"]
