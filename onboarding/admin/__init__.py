"""The administrator's console: the organisation's details and structure."""
from . import views  # noqa: F401 (their routes are on bp)
from .blueprint import bp

__all__ = ["bp"]
