"""The store's registry of dataset versions (tables ``dataset_versions``, ``dataset_members``).

The store is the identity side, so members are recorded by ``person_id``; the dataset files
hold only pseudonyms. A version id is a content address, so registering the same content
again (a second copy of an identical build) only updates where it was last written.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from workprint.dataset.manifest import Manifest
from workprint.store.schema import dataset_members, dataset_versions

CURRENT = "current"
STALE = "stale"
SUPERSEDED = "superseded"


@dataclass(frozen=True, slots=True)
class VersionInfo:
    """A registered dataset version (no member identities)."""

    version_id: str
    name: str
    status: str
    stale_reason: str | None
    created_at_ms: int
    out_dir: str
    members: int
    superseded_by: str | None
    spec: str
    key_fingerprint: str


def register(
    conn: Connection,
    manifest: Manifest,
    *,
    manifest_sha256: str,
    out_dir: str,
    spec_json: str,
    key_fingerprint: str,
    members: Mapping[str, str],
    at_ms: int,
) -> bool:
    """Record a version and its members (``person_id -> split``); False when that content
    was registered before (only its folder is updated)."""
    exists = conn.execute(
        sa.select(dataset_versions.c.version_id).where(
            dataset_versions.c.version_id == manifest.version_id
        )
    ).first()
    if exists is not None:
        conn.execute(
            dataset_versions.update()
            .where(dataset_versions.c.version_id == manifest.version_id)
            .values(out_dir=out_dir)
        )
        return False
    conn.execute(
        dataset_versions.insert().values(
            version_id=manifest.version_id,
            name=manifest.name,
            spec_hash=manifest.spec_hash,
            spec=spec_json,
            key_fingerprint=key_fingerprint,
            created_at_ms=at_ms,
            out_dir=out_dir,
            manifest_sha256=manifest_sha256,
            status=CURRENT,
            stale_reason=None,
            superseded_by=None,
        )
    )
    if members:
        conn.execute(
            dataset_members.insert(),
            [
                {"version_id": manifest.version_id, "person_id": p, "split": s}
                for p, s in sorted(members.items())
            ],
        )
    return True


def versions(conn: Connection, version_id: str | None = None) -> list[VersionInfo]:
    """Registered versions, newest first (or the one named)."""
    count = (
        sa.select(sa.func.count())
        .where(dataset_members.c.version_id == dataset_versions.c.version_id)
        .scalar_subquery()
    )
    query = sa.select(dataset_versions, count.label("members")).order_by(
        dataset_versions.c.created_at_ms.desc(), dataset_versions.c.version_id
    )
    if version_id is not None:
        query = query.where(dataset_versions.c.version_id == version_id)
    return [
        VersionInfo(
            version_id=r.version_id,
            name=r.name,
            status=r.status,
            stale_reason=r.stale_reason,
            created_at_ms=r.created_at_ms,
            out_dir=r.out_dir,
            members=int(r.members),
            superseded_by=r.superseded_by,
            spec=r.spec,
            key_fingerprint=r.key_fingerprint,
        )
        for r in conn.execute(query)
    ]
