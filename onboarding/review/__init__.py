"""Review queues: teachers, join requests, parents waiting for the teacher."""
from . import views  # noqa: F401 (their routes are on bp)
from .blueprint import bp

__all__ = ["bp"]
