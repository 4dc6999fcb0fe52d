"""Retention: raw events, quarantined events and dataset exports expire; a job enforces it.

Periods come from :class:`~workprint.governance.config.RetentionConfig`, overridden per
target by what the privacy officer set in the portal (``retention_settings``, audited).

:func:`run` is safe beside ingest and beside another run:

* candidates are found in read transactions, walking the primary key (keyset paging), and
  deleted by primary key in write transactions of at most ``chunk_rows`` rows, so no
  transaction is long and new batches interleave between chunks;
* an event expires when it occurred or was received before the cutoff, whichever is
  earlier, so neither a slow device clock nor a late upload keeps it longer;
* rows a second run already deleted are simply not there any more.

A run also sweeps what erasure may leave behind (events of a batch that was in flight while
its person was erased), ended portal sessions and old sign-in failures, expires dataset
export approvals, and writes one audit entry with its counts when it changed anything.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Final, Literal

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from workprint.governance import audit
from workprint.governance.config import MAX_TTL_DAYS, RetentionConfig
from workprint.governance.errors import RetentionInvalid
from workprint.store.engine import read_tx, write_tx
from workprint.store.schema import (
    audit_log,
    dataset_exports,
    events,
    login_failures,
    people,
    portal_sessions,
    quarantine,
    retention_settings,
)

log = logging.getLogger(__name__)

Target = Literal["events", "quarantine", "exports"]
TARGETS: Final[tuple[Target, ...]] = ("events", "quarantine", "exports")
DAY_MS: Final = 86_400_000
ERASURE_SWEEP_MS: Final = 7 * DAY_MS
"""How long after an erasure a run still looks for stragglers of that person."""
LOGIN_FAILURES_KEEP_MS: Final = DAY_MS


@dataclass(frozen=True, slots=True)
class Setting:
    target: Target
    ttl_days: int
    source: Literal["default", "portal"]
    changed_at_ms: int | None = None
    changed_by: str | None = None


@dataclass(frozen=True, slots=True)
class RetentionReport:
    """What one run did: rows deleted per table, chunks, and whether it finished."""

    cutoffs_ms: dict[str, int]
    deleted: dict[str, int] = field(default_factory=dict)
    exports_expired: int = 0
    chunks: int = 0
    complete: bool = True


def settings(conn: Connection, config: RetentionConfig) -> dict[Target, Setting]:
    """The period in force for every target."""
    found: dict[Target, Setting] = {
        "events": Setting("events", config.events_ttl_days, "default"),
        "quarantine": Setting("quarantine", config.quarantine_ttl_days, "default"),
        "exports": Setting("exports", config.exports_ttl_days, "default"),
    }
    for row in conn.execute(sa.select(retention_settings)):
        if row.target in found:
            target: Target = row.target
            found[target] = Setting(
                target, int(row.ttl_days), "portal", int(row.changed_at_ms), row.changed_by
            )
    return found


def set_ttl(conn: Connection, target: str, days: int, *, at_ms: int, actor: str) -> Setting:
    """Set the retention period of ``target`` (audited)."""
    if target not in TARGETS:
        raise RetentionInvalid(f"retention target must be one of {', '.join(TARGETS)}")
    if not 1 <= days <= MAX_TTL_DAYS:
        raise RetentionInvalid(f"a retention period is 1 to {MAX_TTL_DAYS} days")
    key = retention_settings.c.target == target
    values = {"ttl_days": days, "changed_at_ms": at_ms, "changed_by": actor}
    if conn.execute(sa.select(retention_settings.c.target).where(key)).first() is None:
        conn.execute(retention_settings.insert().values(target=target, **values))
    else:
        conn.execute(retention_settings.update().where(key).values(**values))
    audit.append(
        conn,
        at_ms=at_ms,
        actor=actor,
        action="retention.set",
        subject=target,
        details={"ttl_days": days},
    )
    checked: Target = target
    return Setting(checked, days, "portal", at_ms, actor)


class _Budget:
    def __init__(self, max_chunks: int | None) -> None:
        self.left = max_chunks
        self.used = 0

    def take(self) -> bool:
        if self.left is not None and self.used >= self.left:
            return False
        self.used += 1
        return True


def _expire(
    engine: Engine,
    table: sa.Table,
    expired: Callable[[], sa.ColumnElement[bool]],
    chunk: int,
    budget: _Budget,
) -> tuple[int, bool]:
    """Delete expired rows in primary-key order; returns (rows deleted, finished)."""
    deleted = 0
    last = 0
    while True:
        with read_tx(engine) as conn:
            pks = list(
                conn.execute(
                    sa.select(table.c.pk)
                    .where((table.c.pk > last) & expired())
                    .order_by(table.c.pk)
                    .limit(chunk)
                ).scalars()
            )
        if not pks:
            return deleted, True
        if not budget.take():
            return deleted, False
        with write_tx(engine) as conn:
            deleted += int(
                conn.execute(table.delete().where(table.c.pk.in_(pks) & expired())).rowcount
            )
        last = pks[-1]


def _of_person(table: sa.Table, person_id: str) -> Callable[[], sa.ColumnElement[bool]]:
    def where() -> sa.ColumnElement[bool]:
        return table.c.person_id == person_id

    return where


def _erased_people(engine: Engine, now_ms: int) -> list[str]:
    """People erased recently (per the audit log) who are gone from ``people``."""
    with read_tx(engine) as conn:
        subjects = conn.execute(
            sa.select(audit_log.c.subject)
            .where(
                (audit_log.c.action == "rights.erase")
                & (audit_log.c.at_ms >= now_ms - ERASURE_SWEEP_MS)
                & audit_log.c.subject.is_not(None)
            )
            .distinct()
        ).scalars()
        candidates = sorted({s for s in subjects if s})
        if not candidates:
            return []
        present = set(
            conn.execute(
                sa.select(people.c.person_id).where(people.c.person_id.in_(candidates))
            ).scalars()
        )
    return [p for p in candidates if p not in present]


def run(
    engine: Engine,
    config: RetentionConfig | None = None,
    *,
    now_ms: int,
    actor: str = "retention",
    max_chunks: int | None = None,
) -> RetentionReport:
    """Enforce every retention period once (see the module docstring)."""
    cfg = config or RetentionConfig()
    with read_tx(engine) as conn:
        periods = settings(conn, cfg)
    cut = {t: now_ms - s.ttl_days * DAY_MS for t, s in periods.items()}
    budget = _Budget(max_chunks)
    chunk = cfg.chunk_rows
    deleted: dict[str, int] = {}
    complete = True

    def old_event() -> sa.ColumnElement[bool]:
        return (events.c.occurred_at_ms < cut["events"]) | (events.c.received_at_ms < cut["events"])

    def old_quarantine() -> sa.ColumnElement[bool]:
        return quarantine.c.received_at_ms < cut["quarantine"]

    for name, table, expired in (
        ("events", events, old_event),
        ("quarantine", quarantine, old_quarantine),
    ):
        n, done = _expire(engine, table, expired, chunk, budget)
        deleted[name] = n
        complete = complete and done

    erased = _erased_people(engine, now_ms)
    stragglers = 0
    for person in erased:
        for table in (events, quarantine):
            n, done = _expire(engine, table, _of_person(table, person), chunk, budget)
            stragglers += n
            complete = complete and done
    deleted["erased_stragglers"] = stragglers

    with write_tx(engine) as conn:
        expired_exports = int(
            conn.execute(
                dataset_exports.update()
                .where(
                    (
                        (dataset_exports.c.status == "approved")
                        & (dataset_exports.c.expires_at_ms <= now_ms)
                    )
                    | (
                        (dataset_exports.c.status == "pending")
                        & (dataset_exports.c.requested_at_ms < cut["exports"])
                    )
                )
                .values(status="expired")
            ).rowcount
        )
        deleted["portal_sessions"] = int(
            conn.execute(
                portal_sessions.delete().where(portal_sessions.c.expires_at_ms <= now_ms)
            ).rowcount
        )
        deleted["login_failures"] = int(
            conn.execute(
                login_failures.delete().where(
                    login_failures.c.at_ms <= now_ms - LOGIN_FAILURES_KEEP_MS
                )
            ).rowcount
        )
        report = RetentionReport(
            {t: int(v) for t, v in cut.items()}, deleted, expired_exports, budget.used, complete
        )
        if any(deleted.values()) or expired_exports:
            audit.append(
                conn,
                at_ms=now_ms,
                actor=actor,
                action="retention.run",
                details={
                    "deleted": deleted,
                    "exports_expired": expired_exports,
                    "ttl_days": {t: s.ttl_days for t, s in periods.items()},
                    "complete": complete,
                },
            )
    log.info(
        "retention run events=%d quarantine=%d stragglers=%d exports_expired=%d chunks=%d "
        "complete=%s",
        deleted["events"],
        deleted["quarantine"],
        stragglers,
        expired_exports,
        budget.used,
        complete,
    )
    return report
