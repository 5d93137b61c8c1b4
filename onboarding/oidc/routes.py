"""The OpenID Connect provider's blueprint with all its routes (the app
factory registers it).

The package's `__init__` stays empty, so that another feature can use this
one's operations without loading its pages."""
from . import guide, views  # their routes are on bp
from .blueprint import bp

__all__ = ["bp", "guide", "views"]
