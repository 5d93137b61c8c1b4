"""Mail delivery: backends, the sender, and the debug page of sent mail."""
from . import views  # noqa: F401 (their routes are on bp)
from .blueprint import bp

__all__ = ["bp"]
