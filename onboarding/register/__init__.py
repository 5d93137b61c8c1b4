"""Registration by invite: the role's form, the e-mail code, consent; join requests; a parent's confirmation; a logged-in user taking an invite."""
from . import parents, redeem, views  # noqa: F401 (their routes are on bp)
from .blueprint import bp

__all__ = ["bp"]
