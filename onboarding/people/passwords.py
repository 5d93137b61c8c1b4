"""Password hashing (Argon2id) and the password policy.

The policy follows NIST SP 800-63B: at least 8 characters, up to 128 (at
least 64 must be allowed), no composition rules, and no password from a list
of commonly used ones.
"""
from __future__ import annotations

from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 8
MAX_LENGTH = 128

# Typed on a Russian keyboard layout or common locally; the bundled list is English.
_LOCAL_COMMON = {
    "йцукенгш", "йцукенгшщз", "фывапролд", "фывапролджэ", "пароль123", "пароль12",
    "qwerty123", "1q2w3e4r", "1q2w3e4r5t", "zaq12wsx", "qwertyuiop", "123qweasd",
    "password1", "парольпароль", "11111111", "12345678", "123456789", "1234567890",
    "87654321", "00000000", "йцукен123", "привет123", "любовь123", "школа123",
}


@lru_cache(maxsize=None)
def _common_passwords() -> frozenset[str]:
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"]) | frozenset(_LOCAL_COMMON)


def is_common(password: str) -> bool:
    return password.casefold() in _common_passwords()


def make_hasher(time_cost: int, memory_cost: int, parallelism: int) -> PasswordHasher:
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism)


def hash_password(hasher: PasswordHasher, password: str) -> str:
    return hasher.hash(password)


def verify_password(hasher: PasswordHasher, password_hash: str, password: str) -> bool:
    try:
        return hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


# Verifying against this when no account matches keeps the timing the same
# whether or not an address is registered.
_DUMMY_HASHES: dict[tuple[int, int, int], str] = {}


def dummy_verify(hasher: PasswordHasher, password: str) -> None:
    key = (hasher.time_cost, hasher.memory_cost, hasher.parallelism)
    if key not in _DUMMY_HASHES:
        _DUMMY_HASHES[key] = hasher.hash("dummy password for timing")
    verify_password(hasher, _DUMMY_HASHES[key], password)
