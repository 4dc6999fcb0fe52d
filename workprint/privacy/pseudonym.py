"""Pseudonyms for datasets: keyed HMACs of person ids.

The key lives with the collector and never leaves it; without it a pseudonym cannot be
linked back to a person, and with a new key (a new dataset generation) pseudonyms change.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

PREFIX = "p_"


def pseudonym(person_id: str, key: bytes) -> str:
    """A stable, unlinkable-without-the-key name for ``person_id``: ``p_`` + 20 hex digits."""
    if len(key) < 16:
        raise ValueError("pseudonym key must be at least 16 bytes")
    digest = hmac.new(key, person_id.encode(), hashlib.sha256).hexdigest()
    return PREFIX + digest[:20]


def new_key() -> bytes:
    """A fresh 32-byte pseudonym key."""
    return secrets.token_bytes(32)
