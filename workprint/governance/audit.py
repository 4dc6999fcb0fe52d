"""The append-only, hash-chained audit log.

Each entry records who did what to whom, when and why, never the values read or changed.
Its hash covers the previous entry's hash, so deleting or editing any entry breaks every
later link, which :func:`verify` detects. Appends are serialised (SQLite's write lock, an
advisory lock on PostgreSQL) so the chain never forks.
"""

from __future__ import annotations

import hashlib
from typing import Any

import msgspec
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from workprint.governance.errors import AuditChainBroken
from workprint.store.engine import is_sqlite, read_tx
from workprint.store.schema import audit_log

GENESIS = b"\x00" * 32
_LOCK_KEY = 0x57505F41  # "WP_A"
_encoder = msgspec.json.Encoder(order="sorted")


def _digest(
    prev: bytes,
    at_ms: int,
    actor: str,
    action: str,
    subject: str | None,
    reason: str | None,
    details: dict[str, Any] | None,
) -> bytes:
    body = _encoder.encode([at_ms, actor, action, subject, reason, details])
    return hashlib.sha256(prev + body).digest()


def append(
    conn: Connection,
    *,
    at_ms: int,
    actor: str,
    action: str,
    subject: str | None = None,
    reason: str | None = None,
    details: dict[str, Any] | None = None,
) -> bytes:
    """Add one entry inside the caller's transaction; returns its hash."""
    if not is_sqlite(conn):
        conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": _LOCK_KEY})
    prev_row = conn.execute(
        sa.select(audit_log.c.hash).order_by(audit_log.c.seq.desc()).limit(1)
    ).scalar_one_or_none()
    prev = bytes(prev_row) if prev_row is not None else GENESIS
    digest = _digest(prev, at_ms, actor, action, subject, reason, details)
    conn.execute(
        audit_log.insert().values(
            at_ms=at_ms,
            actor=actor,
            action=action,
            subject=subject,
            reason=reason,
            details=details,
            prev_hash=prev,
            hash=digest,
        )
    )
    return digest


def verify(engine: Engine) -> int:
    """Check the whole chain; returns the number of entries, raises if any link is broken."""
    prev = GENESIS
    count = 0
    with read_tx(engine) as conn:
        for row in conn.execute(sa.select(audit_log).order_by(audit_log.c.seq)):
            expected = _digest(
                prev, row.at_ms, row.actor, row.action, row.subject, row.reason, row.details
            )
            if bytes(row.prev_hash) != prev or bytes(row.hash) != expected:
                raise AuditChainBroken("audit log entry does not match the chain", seq=row.seq)
            prev = expected
            count += 1
    return count
