"""Domain errors, translated into pages and field errors by the views."""


class DomainError(Exception):
    """Base of every rule a service refuses to break."""


class EmailTaken(DomainError):
    pass


class LoginTaken(DomainError):
    pass


class NotFound(DomainError):
    pass


class PermissionDenied(DomainError):
    pass


class UnitNameTaken(DomainError):
    def __init__(self, names: list[str]):
        super().__init__(", ".join(names))
        self.names = names


class InviteInvalid(DomainError):
    """A forged, broken or unknown link."""


class InviteExpired(DomainError):
    pass


class InviteRevoked(DomainError):
    pass


class InviteUsedUp(DomainError):
    pass


class ConsentRequired(DomainError):
    pass


class TokenInvalid(DomainError):
    pass


class CodeWrong(DomainError):
    def __init__(self, attempts_left: int):
        super().__init__(attempts_left)
        self.attempts_left = attempts_left


class CodeExpired(DomainError):
    """Expired, used up by wrong attempts, or never issued: ask for a new one."""


class CodeResendTooSoon(DomainError):
    def __init__(self, wait_seconds: int):
        super().__init__(wait_seconds)
        self.wait_seconds = wait_seconds


class CodeLimitReached(DomainError):
    pass
