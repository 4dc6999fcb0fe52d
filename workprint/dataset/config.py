"""Settings of the dataset builder (section ``[dataset]``, env ``WORKPRINT_DATASET__*``).

The pseudonym key is the collector's secret: datasets carry keyed HMACs of person ids, and
without the key nobody can link a pseudonym back to a person. It is read here, at the edge,
and handed to :func:`workprint.dataset.build.build_dataset` as bytes; it is never written to
a dataset, a log line or an error message.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from workprint.core.config import Secret
from workprint.dataset.errors import KeyMissing

MIN_KEY_BYTES = 16


@dataclass(frozen=True, slots=True)
class DatasetConfig:
    pseudonym_key: Secret = field(default_factory=lambda: Secret(""))
    """Key of the keyed-HMAC pseudonyms, as hex (at least 32 hex digits, 16 bytes). Make one
    with ``python -c "import secrets; print(secrets.token_hex(32))"`` and keep it with the
    collector; the same key gives the same pseudonyms across dataset versions. Empty (the
    default): the store's own server key ``dataset.pseudonym``, made on first use and never
    served by any API."""
    engine: Literal["local", "ray"] = "local"
    """Where steps are built: ``local`` (this process) or ``ray`` (a Ray Data pipeline)."""
    ray_address: str = ""
    """Ray cluster to join (``auto`` inside a cluster); empty starts a local Ray."""


def key_bytes(config: DatasetConfig, fallback: Callable[[], bytes] | None = None) -> bytes:
    """The pseudonym key as bytes: the configured one, else ``fallback()`` (the store's
    server key); :class:`KeyMissing` when neither exists or the configured one is malformed."""
    text = config.pseudonym_key.reveal().strip()
    if not text and fallback is not None:
        return fallback()
    if not text:
        raise KeyMissing(
            "no pseudonym key is configured; set WORKPRINT_DATASET__PSEUDONYM_KEY "
            "(hex, at least 32 digits)"
        )
    try:
        key = bytes.fromhex(text)
    except ValueError:
        raise KeyMissing("the pseudonym key must be hex (0-9, a-f)") from None
    if len(key) < MIN_KEY_BYTES:
        raise KeyMissing(f"the pseudonym key must be at least {MIN_KEY_BYTES} bytes")
    return key


def key_fingerprint(key: bytes) -> str:
    """A public name of the key (which key generation built a version), not the key: 16 hex
    digits of an HMAC of a fixed label."""
    return hmac.new(key, b"workprint/dataset/key-id", hashlib.sha256).hexdigest()[:16]
