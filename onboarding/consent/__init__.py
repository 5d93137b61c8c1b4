"""My consents: what I (or my parent for me) accepted, and withdrawing one."""
from . import views  # noqa: F401 (their routes are on bp)
from .blueprint import bp

__all__ = ["bp"]
