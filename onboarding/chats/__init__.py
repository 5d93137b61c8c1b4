"""Chats: the rules, choosing, joining, leaving, member lists."""
from . import views  # noqa: F401 (their routes are on bp)
from .blueprint import bp

__all__ = ["bp"]
