"""Identifiers: UUIDv7 for events, sessions and batches (time-ordered, RFC 9562).

Generation uses ``uuid-utils`` (a maintained implementation with the monotonic counter of
RFC 9562 section 6.2); code that makes ids takes an :class:`IdFactory` so tests can inject
deterministic ones.
"""

from __future__ import annotations

import secrets
import uuid
from typing import Protocol

from uuid_utils import compat as _uuidc


class IdFactory(Protocol):
    """Makes new UUIDv7 values (canonical text)."""

    def __call__(self) -> str: ...


def uuid7() -> str:
    """A new UUIDv7 in canonical text form."""
    return str(_uuidc.uuid7())


class SequentialIds:
    """Deterministic UUIDv7-shaped ids for tests: timestamp ``ms``, counter in the random bits."""

    def __init__(self, start_ms: int = 1_767_600_000_000) -> None:
        self._ms = start_ms
        self._n = 0

    def __call__(self) -> str:
        self._n += 1
        value = (self._ms & ((1 << 48) - 1)) << 80
        value |= 0x7 << 76
        value |= 0b10 << 62
        value |= self._n & ((1 << 62) - 1)
        return str(uuid.UUID(int=value))


def is_uuid7(value: str) -> bool:
    """True for an RFC 9562 version-7 UUID in canonical text form."""
    try:
        parsed = uuid.UUID(value)
    except ValueError:
        return False
    return parsed.version == 7 and parsed.variant == uuid.RFC_4122 and str(parsed) == value


def new_token(prefix: str, nbytes: int = 32) -> str:
    """A random bearer credential, URL-safe, with a readable prefix (``wpd_...``)."""
    return f"{prefix}_{secrets.token_urlsafe(nbytes)}"
