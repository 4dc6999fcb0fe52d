"""``manifest.json``: what a dataset version holds, written last (its presence means complete).

It records the spec and its hash, the dataset schema version, the pseudonymous people of
each split (for erasure lineage), row counts, the range of source event ids per split, the
policy version redaction ran under, a fingerprint of the pseudonym key (never the key), and
the SHA-256 of every other file. :func:`verify` recomputes those hashes.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any, Final

import msgspec

from workprint.dataset.errors import ManifestInvalid

MANIFEST: Final = "manifest.json"


class FileEntry(msgspec.Struct, frozen=True):
    sha256: str
    bytes: int
    rows: int | None = None
    """Rows (Parquet) or lines (JSONL); None for other files."""


class SplitEntry(msgspec.Struct, frozen=True):
    people: list[str]
    """Pseudonyms of the people in the split, sorted."""
    episodes: int
    steps: int
    source_events: int
    """Stored events that the split's episodes were built from."""
    event_id_min: str | None
    event_id_max: str | None


class Manifest(msgspec.Struct, frozen=True):
    format: str
    schema_version: int
    version_id: str
    """Content address: a hash of the spec and of every data file."""
    name: str
    spec_hash: str
    spec: dict[str, Any]
    policy_version: int
    pseudonyms: dict[str, str]
    """``scheme`` and ``key_fingerprint`` (which key made them; not the key)."""
    counts: dict[str, int]
    splits: dict[str, SplitEntry]
    files: dict[str, FileEntry]


_decoder = msgspec.json.Decoder(Manifest)


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def encode_manifest(manifest: Manifest) -> bytes:
    """Deterministic, indented JSON (keys in a fixed order)."""
    return msgspec.json.format(msgspec.json.encode(manifest, order="sorted"), indent=2) + b"\n"


def read_manifest(root: Path) -> Manifest:
    """The manifest of a dataset folder; :class:`ManifestInvalid` if absent or unreadable."""
    path = root / MANIFEST
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ManifestInvalid(
            f"{root} has no {MANIFEST}: not a dataset, or its build did not finish"
        ) from None
    try:
        return _decoder.decode(data)
    except (msgspec.ValidationError, msgspec.DecodeError) as exc:
        raise ManifestInvalid(f"{path} is not a valid manifest: {exc}") from exc


def verify(root: Path, manifest: Manifest | None = None) -> Manifest:
    """Check that every file the manifest lists exists with its recorded hash."""
    manifest = manifest or read_manifest(root)
    for name, entry in manifest.files.items():
        path = root / name
        if not path.is_file() or sha256_file(path) != entry.sha256:
            raise ManifestInvalid(f"{name} in {root} is missing or differs from the manifest")
    return manifest
