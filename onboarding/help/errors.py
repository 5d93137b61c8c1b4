"""What the contact form's operation refuses."""
from ..core.errors import DomainError


class NoAdministrator(DomainError):
    """The organisation has no administrator with an e-mail address to write to."""
