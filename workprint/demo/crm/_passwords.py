"""Password hashing for the CRM's people: argon2id, as the Workprint portal does.

Seeded demo accounts get a salt derived from the seed and the username, so the same seed
writes byte-identical databases; every password set through the app gets a random salt.
"""

from __future__ import annotations

import functools
import hashlib
from typing import Final

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from argon2.low_level import Type, hash_secret

_HASHER: Final = PasswordHasher()


def hash_password(password: str) -> str:
    """An argon2id hash of ``password`` with a random salt."""
    return _HASHER.hash(password)


def seeded_hash(password: str, seed: int, username: str) -> str:
    """An argon2id hash whose salt is derived from ``seed`` and ``username``."""
    salt = hashlib.sha256(f"nexus-crm:{seed}:{username}".encode()).digest()[: _HASHER.salt_len]
    encoded = hash_secret(
        password.encode(),
        salt,
        time_cost=_HASHER.time_cost,
        memory_cost=_HASHER.memory_cost,
        parallelism=_HASHER.parallelism,
        hash_len=_HASHER.hash_len,
        type=Type.ID,
    )
    return encoded.decode("ascii")


def verify_password(stored_hash: str, password: str) -> bool:
    """True when ``password`` matches ``stored_hash``; false on any mismatch or bad hash."""
    try:
        return _HASHER.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def dummy_verify(password: str) -> None:
    """Spend the time of one verification, so unknown usernames answer as slowly as known."""
    verify_password(_dummy_hash(), password)


@functools.cache
def _dummy_hash() -> str:
    return seeded_hash("not-a-password", 0, "nobody")
