"""The append-only, hash-chained audit log.

Each entry records who did what to whom, when and why, never the values read or changed.
Its hash covers the previous entry's hash, so deleting or editing any entry breaks every
later link, which :func:`verify` detects. Appends are serialised (SQLite's write lock, an
advisory lock on PostgreSQL) so the chain never forks.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
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


READ = "personal_data.read"
"""The action of every read of personal data (timeline views, exports)."""


@dataclass(frozen=True, slots=True)
class Entry:
    """One audit entry as pages and reports show it."""

    seq: int
    at_ms: int
    actor: str
    action: str
    subject: str | None
    reason: str | None
    details: dict[str, Any] | None


def record_read(
    conn: Connection,
    *,
    at_ms: int,
    actor: str,
    subject: str,
    view: str,
    reason: str | None = None,
    details: dict[str, Any] | None = None,
) -> bytes:
    """Audit one read of ``subject``'s personal data through ``view`` (never the values)."""
    return append(
        conn,
        at_ms=at_ms,
        actor=actor,
        action=READ,
        subject=subject,
        reason=reason,
        details={"view": view, **(details or {})},
    )


def search(
    conn: Connection,
    *,
    actor: str | None = None,
    action: str | None = None,
    subject: str | None = None,
    since_ms: int | None = None,
    until_ms: int | None = None,
    before_seq: int | None = None,
    limit: int = 100,
) -> list[Entry]:
    """Entries matching every given filter, newest first; ``action`` matches a prefix
    (``consent.`` finds grants and withdrawals)."""
    c = audit_log.c
    query = sa.select(audit_log).order_by(c.seq.desc()).limit(max(1, min(limit, 1000)))
    if actor:
        query = query.where(c.actor == actor)
    if action:
        query = query.where(c.action.startswith(action, autoescape=True))
    if subject:
        query = query.where(c.subject == subject)
    if since_ms is not None:
        query = query.where(c.at_ms >= since_ms)
    if until_ms is not None:
        query = query.where(c.at_ms < until_ms)
    if before_seq is not None:
        query = query.where(c.seq < before_seq)
    return [
        Entry(r.seq, r.at_ms, r.actor, r.action, r.subject, r.reason, _details(r.details))
        for r in conn.execute(query)
    ]


def _details(value: Any) -> dict[str, Any] | None:
    if value is None:
        return None
    if isinstance(value, str | bytes):
        decoded = msgspec.json.decode(value)
        return decoded if isinstance(decoded, dict) else {"value": decoded}
    return dict(value)
