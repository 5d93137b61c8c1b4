"""The chats blueprint with all its routes (the app factory registers it).

The package's `__init__` stays empty, so that another feature can use this
one's operations without loading its pages."""
from . import new_views, room, views  # noqa: F401 (their routes are on bp)
from .blueprint import bp

__all__ = ["bp"]
