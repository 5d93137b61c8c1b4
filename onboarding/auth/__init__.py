"""Log-in, log-out, password change and reset."""
from . import views  # noqa: F401 (their routes are on bp)
from .blueprint import bp

__all__ = ["bp"]
