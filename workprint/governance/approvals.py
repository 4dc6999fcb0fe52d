"""Dataset export approvals: a researcher asks, the privacy officer decides, retention expires.

Researchers see dataset versions as the pseudonymous data they are: name, status, when built,
how many people and in which splits, never who. Taking a version out of the store needs an
approved request: the researcher states the purpose, the privacy officer approves or rejects
it, and an approval lasts the ``exports`` retention period. A version that became stale
(a member was erased or withdrew) can no longer be downloaded, whatever was approved.
Requests, decisions and downloads are all audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from workprint.core.ids import uuid7
from workprint.governance import audit
from workprint.governance.errors import ExportRequestInvalid as RequestInvalid
from workprint.governance.errors import ExportUnavailable
from workprint.store.schema import dataset_exports, dataset_members, dataset_versions

DAY_MS: Final = 86_400_000


@dataclass(frozen=True, slots=True)
class VersionSummary:
    version_id: str
    name: str
    status: str
    created_at_ms: int
    people: int
    splits: dict[str, int]
    """People per split (counts only)."""


@dataclass(frozen=True, slots=True)
class ExportRequest:
    export_id: str
    version_id: str
    requested_by: str
    purpose: str
    status: str
    requested_at_ms: int
    decided_by: str | None
    decided_at_ms: int | None
    expires_at_ms: int | None


def versions(conn: Connection) -> list[VersionSummary]:
    """Every registered dataset version, newest first, with member counts (never ids)."""
    splits: dict[str, dict[str, int]] = {}
    for row in conn.execute(
        sa.select(
            dataset_members.c.version_id, dataset_members.c.split, sa.func.count().label("n")
        ).group_by(dataset_members.c.version_id, dataset_members.c.split)
    ):
        splits.setdefault(row.version_id, {})[row.split] = int(row.n)
    rows = conn.execute(
        sa.select(
            dataset_versions.c.version_id,
            dataset_versions.c.name,
            dataset_versions.c.status,
            dataset_versions.c.created_at_ms,
        ).order_by(dataset_versions.c.created_at_ms.desc(), dataset_versions.c.version_id)
    )
    return [
        VersionSummary(
            r.version_id,
            r.name,
            r.status,
            r.created_at_ms,
            sum(splits.get(r.version_id, {}).values()),
            dict(sorted(splits.get(r.version_id, {}).items())),
        )
        for r in rows
    ]


def _request(r: sa.RowMapping) -> ExportRequest:
    return ExportRequest(**{k: r[k] for k in ExportRequest.__dataclass_fields__})


def requests(conn: Connection, *, requested_by: str | None = None) -> list[ExportRequest]:
    query = sa.select(dataset_exports).order_by(
        dataset_exports.c.requested_at_ms.desc(), dataset_exports.c.export_id
    )
    if requested_by is not None:
        query = query.where(dataset_exports.c.requested_by == requested_by)
    return [_request(r._mapping) for r in conn.execute(query.limit(500))]


def get(conn: Connection, export_id: str) -> ExportRequest | None:
    row = conn.execute(
        sa.select(dataset_exports).where(dataset_exports.c.export_id == export_id)
    ).first()
    return None if row is None else _request(row._mapping)


def request(
    conn: Connection, version_id: str, purpose: str, *, requested_by: str, at_ms: int
) -> ExportRequest:
    text = " ".join(purpose.split())
    if not 10 <= len(text) <= 2000:
        raise RequestInvalid("state the purpose of the export in 10 to 2000 characters")
    status = conn.execute(
        sa.select(dataset_versions.c.status).where(dataset_versions.c.version_id == version_id)
    ).scalar_one_or_none()
    if status != "current":
        raise RequestInvalid("only a current dataset version can be exported")
    export_id = f"exp_{uuid7().replace('-', '')[-20:]}"
    conn.execute(
        dataset_exports.insert().values(
            export_id=export_id,
            version_id=version_id,
            requested_by=requested_by,
            purpose=text,
            status="pending",
            requested_at_ms=at_ms,
        )
    )
    audit.append(
        conn,
        at_ms=at_ms,
        actor=requested_by,
        action="export.request",
        subject=version_id,
        reason=text,
        details={"export_id": export_id},
    )
    return ExportRequest(
        export_id, version_id, requested_by, text, "pending", at_ms, None, None, None
    )


def decide(
    conn: Connection,
    export_id: str,
    approve: bool,
    *,
    actor: str,
    at_ms: int,
    ttl_days: int,
    reason: str | None = None,
) -> ExportRequest:
    found = get(conn, export_id)
    if found is None or found.status != "pending":
        raise RequestInvalid("no pending export request with that id", export_id=export_id)
    status = "approved" if approve else "rejected"
    expires = at_ms + ttl_days * DAY_MS if approve else None
    conn.execute(
        dataset_exports.update()
        .where((dataset_exports.c.export_id == export_id) & (dataset_exports.c.status == "pending"))
        .values(status=status, decided_by=actor, decided_at_ms=at_ms, expires_at_ms=expires)
    )
    audit.append(
        conn,
        at_ms=at_ms,
        actor=actor,
        action=f"export.{'approve' if approve else 'reject'}",
        subject=found.version_id,
        reason=reason,
        details={"export_id": export_id},
    )
    return get(conn, export_id) or found


def download_version(
    conn: Connection, export_id: str, *, requested_by: str, at_ms: int
) -> tuple[str, str]:
    """Check that the export may be downloaded now, audit it, and return
    ``(version_id, out_dir)``."""
    found = get(conn, export_id)
    if found is None or found.requested_by != requested_by:
        raise ExportUnavailable("no such export request of yours", export_id=export_id)
    if found.status != "approved" or (found.expires_at_ms or 0) <= at_ms:
        raise ExportUnavailable("the export is not approved or has expired", export_id=export_id)
    row = conn.execute(
        sa.select(dataset_versions.c.status, dataset_versions.c.out_dir).where(
            dataset_versions.c.version_id == found.version_id
        )
    ).first()
    if row is None or row.status != "current":
        raise ExportUnavailable(
            "the dataset version is no longer current; ask for an export of its rebuild",
            export_id=export_id,
        )
    audit.append(
        conn,
        at_ms=at_ms,
        actor=requested_by,
        action="export.download",
        subject=found.version_id,
        details={"export_id": export_id},
    )
    return found.version_id, str(row.out_dir)
