"""Invites: creating and sharing links, letters, lists, revoking; the landing page."""
from . import manage, views  # noqa: F401 (their routes are on bp)
from .blueprint import bp

__all__ = ["bp"]
