"""Subject rights with lineage: erase everything about a person, or delete a time range.

Erasure, in order:

1. the person's devices are revoked and every live consent grant withdrawn, so nothing new
   is accepted for them (the collector answers 410/403) while the rest runs;
2. their events and quarantined bytes are deleted in bounded chunks, each in its own short
   transaction, so ingest of everyone else goes on;
3. one last transaction deletes what remains: stragglers of a batch that was in flight, the
   batch, stream and gap records of their devices, enrollment codes, the devices, consent
   grants, the capture switch, their employee account with its sessions and tokens, and the
   person; marks every current dataset version that contains them ``stale`` (reason
   ``erasure``); counts what is left (zero) and writes the report to the audit log.

The report (:class:`ErasureReport`) holds counts per table and dataset version ids, never a
value. The audit log keeps it, and with it the person id as the entry's subject: the proof
that the erasure happened is the one record that outlives it.

A range deletion removes the person's events that occurred in ``[from, to)`` and the
quarantined events received in it, and marks dataset versions the same way. Its report goes
to the person; the audit log keeps the report's SHA-256 and the dataset versions marked, not
the range or the counts: how much someone did in a given hour is exactly the per-person
activity the purpose lock keeps from everyone else.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import msgspec
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from workprint.governance import audit, consent
from workprint.governance.errors import RangeInvalid, UnknownPerson
from workprint.store.engine import read_tx, write_tx
from workprint.store.schema import (
    accounts,
    api_tokens,
    batches,
    consent_grants,
    dataset_members,
    dataset_versions,
    devices,
    enrollment_codes,
    events,
    people,
    person_state,
    portal_sessions,
    quarantine,
    seq_gaps,
    streams,
)

log = logging.getLogger(__name__)

REPORT_VERSION = 1
STALE_REASON = "erasure"
DEFAULT_CHUNK = 1000


@dataclass(frozen=True, slots=True)
class ErasureReport:
    """What an erasure or range deletion removed: counts and ids, never values."""

    kind: Literal["erasure", "range"]
    person_id: str
    at_ms: int
    actor: str
    reason: str | None
    removed: dict[str, int]
    """Rows deleted, per table."""
    remaining: dict[str, int]
    """Rows of the person left afterwards, per table (zero when complete)."""
    datasets_marked_stale: tuple[str, ...]
    datasets_containing: tuple[str, ...]
    """Every registered dataset version that lists the person (stale or superseded ones
    included: their copies must be deleted too)."""
    from_ms: int | None = None
    to_ms: int | None = None
    audit_hash: str = ""
    report_version: int = field(default=REPORT_VERSION)

    def to_dict(self) -> dict[str, Any]:
        return msgspec.to_builtins(self)  # type: ignore[no-any-return]

    def to_json(self) -> str:
        return msgspec.json.encode(self.to_dict()).decode()


def _delete_chunks(
    engine: Engine, table: sa.Table, where: Callable[[], sa.ColumnElement[bool]], chunk: int
) -> int:
    """Delete the rows matching ``where`` ``chunk`` rows per transaction; returns how many."""
    total = 0
    for _ in range(10_000_000):  # bounded: each round deletes at least one row or stops
        with write_tx(engine) as conn:
            pks = list(
                conn.execute(
                    sa.select(table.c.pk).where(where()).order_by(table.c.pk).limit(chunk)
                ).scalars()
            )
            if not pks:
                return total
            total += int(conn.execute(table.delete().where(table.c.pk.in_(pks))).rowcount)
    return total


def _count(conn: Connection, table: sa.Table, where: sa.ColumnElement[bool]) -> int:
    return int(
        conn.execute(sa.select(sa.func.count()).select_from(table).where(where)).scalar_one()
    )


def _mark_datasets(conn: Connection, person_id: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    containing = tuple(
        conn.execute(
            sa.select(dataset_members.c.version_id)
            .where(dataset_members.c.person_id == person_id)
            .order_by(dataset_members.c.version_id)
        ).scalars()
    )
    if not containing:
        return (), ()
    marked = tuple(
        conn.execute(
            sa.select(dataset_versions.c.version_id)
            .where(
                dataset_versions.c.version_id.in_(containing)
                & (dataset_versions.c.status == "current")
            )
            .order_by(dataset_versions.c.version_id)
        ).scalars()
    )
    if marked:
        conn.execute(
            dataset_versions.update()
            .where(dataset_versions.c.version_id.in_(marked))
            .values(status="stale", stale_reason=STALE_REASON)
        )
    return marked, containing


def erase_person(
    engine: Engine,
    person_id: str,
    *,
    actor: str,
    reason: str | None,
    now_ms: int,
    chunk: int = DEFAULT_CHUNK,
) -> ErasureReport:
    """Erase everything kept about ``person_id`` (see the module docstring)."""
    with write_tx(engine) as conn:
        known = conn.execute(
            sa.select(people.c.person_id).where(people.c.person_id == person_id)
        ).first()
        if known is None and not _count(conn, events, events.c.person_id == person_id):
            raise UnknownPerson("no such person", person_id=person_id)
        conn.execute(
            devices.update()
            .where((devices.c.person_id == person_id) & (devices.c.status == "active"))
            .values(status="revoked", revoked_at_ms=now_ms)
        )
        for purpose in consent.live_purposes(conn, person_id):
            consent.withdraw(conn, person_id, purpose, now_ms, actor)
    removed = {
        "events": _delete_chunks(engine, events, lambda: events.c.person_id == person_id, chunk),
        "quarantine": _delete_chunks(
            engine, quarantine, lambda: quarantine.c.person_id == person_id, chunk
        ),
    }
    with write_tx(engine) as conn:
        removed["events"] += int(
            conn.execute(events.delete().where(events.c.person_id == person_id)).rowcount
        )
        removed["quarantine"] += int(
            conn.execute(quarantine.delete().where(quarantine.c.person_id == person_id)).rowcount
        )
        device_ids = list(
            conn.execute(
                sa.select(devices.c.device_id).where(devices.c.person_id == person_id)
            ).scalars()
        )
        mine = devices.c.person_id == person_id
        account_ids = list(
            conn.execute(
                sa.select(accounts.c.account_id).where(accounts.c.person_id == person_id)
            ).scalars()
        )
        steps: list[tuple[str, sa.Table, sa.ColumnElement[bool]]] = [
            ("batches", batches, batches.c.device_id.in_(device_ids)),
            ("streams", streams, streams.c.device_id.in_(device_ids)),
            ("seq_gaps", seq_gaps, seq_gaps.c.device_id.in_(device_ids)),
            ("enrollment_codes", enrollment_codes, enrollment_codes.c.person_id == person_id),
            ("devices", devices, mine),
            ("consent_grants", consent_grants, consent_grants.c.person_id == person_id),
            ("person_state", person_state, person_state.c.person_id == person_id),
            ("portal_sessions", portal_sessions, portal_sessions.c.account_id.in_(account_ids)),
            ("api_tokens", api_tokens, api_tokens.c.account_id.in_(account_ids)),
            ("accounts", accounts, accounts.c.person_id == person_id),
            ("people", people, people.c.person_id == person_id),
        ]
        for name, table, where in steps:
            removed[name] = int(conn.execute(table.delete().where(where)).rowcount)
        marked, containing = _mark_datasets(conn, person_id)
        remaining = {
            "events": _count(conn, events, events.c.person_id == person_id),
            "quarantine": _count(conn, quarantine, quarantine.c.person_id == person_id),
            "devices": _count(conn, devices, mine),
            "consent_grants": _count(conn, consent_grants, consent_grants.c.person_id == person_id),
            "people": _count(conn, people, people.c.person_id == person_id),
        }
        report = ErasureReport(
            "erasure", person_id, now_ms, actor, reason, removed, remaining, marked, containing
        )
        digest = audit.append(
            conn,
            at_ms=now_ms,
            actor=actor,
            action="rights.erase",
            subject=person_id,
            reason=reason,
            details=_audit_details(report),
        )
    log.info(
        "person erased events=%d quarantine=%d datasets_stale=%d",
        removed["events"],
        removed["quarantine"],
        len(marked),
    )
    return dataclasses.replace(report, audit_hash=digest.hex())


def delete_range(
    engine: Engine,
    person_id: str,
    from_ms: int,
    to_ms: int,
    *,
    actor: str,
    reason: str | None,
    now_ms: int,
    chunk: int = DEFAULT_CHUNK,
) -> ErasureReport:
    """Delete the person's events that occurred in ``[from_ms, to_ms)`` and their quarantined
    events received in it; dataset versions containing them become stale."""
    if to_ms <= from_ms:
        raise RangeInvalid("the end of the range must be after its start")
    with read_tx(engine) as conn:
        if (
            conn.execute(sa.select(people.c.person_id).where(people.c.person_id == person_id))
        ).first() is None:
            raise UnknownPerson("no such person", person_id=person_id)

    def in_events() -> sa.ColumnElement[bool]:
        return (
            (events.c.person_id == person_id)
            & (events.c.occurred_at_ms >= from_ms)
            & (events.c.occurred_at_ms < to_ms)
        )

    def in_quarantine() -> sa.ColumnElement[bool]:
        return (
            (quarantine.c.person_id == person_id)
            & (quarantine.c.received_at_ms >= from_ms)
            & (quarantine.c.received_at_ms < to_ms)
        )

    removed = {
        "events": _delete_chunks(engine, events, in_events, chunk),
        "quarantine": _delete_chunks(engine, quarantine, in_quarantine, chunk),
    }
    with write_tx(engine) as conn:
        removed["events"] += int(conn.execute(events.delete().where(in_events())).rowcount)
        removed["quarantine"] += int(
            conn.execute(quarantine.delete().where(in_quarantine())).rowcount
        )
        marked, containing = _mark_datasets(conn, person_id)
        remaining = {
            "events": _count(conn, events, in_events()),
            "quarantine": _count(conn, quarantine, in_quarantine()),
        }
        report = ErasureReport(
            "range",
            person_id,
            now_ms,
            actor,
            reason,
            removed,
            remaining,
            marked,
            containing,
            from_ms,
            to_ms,
        )
        # What a range held, and when, is the person's activity: the audit log keeps only the
        # report's hash (their copy proves itself against it) and the dataset versions marked.
        digest = audit.append(
            conn,
            at_ms=now_ms,
            actor=actor,
            action="rights.delete_range",
            subject=person_id,
            reason=reason,
            details={
                "kind": "range",
                "report_sha256": report_sha256(report),
                "complete": not any(remaining.values()),
                "datasets_marked_stale": list(marked),
            },
        )
    log.info("range deleted events=%d quarantine=%d", removed["events"], removed["quarantine"])
    return dataclasses.replace(report, audit_hash=digest.hex())


def report_sha256(report: ErasureReport) -> str:
    """The SHA-256 of a report without its audit hash: what a range deletion's audit entry
    keeps, so the person's copy of the report can be checked against the log."""
    body = dict(report.to_dict(), audit_hash="")
    return hashlib.sha256(msgspec.json.encode(body, order="sorted")).hexdigest()


def _audit_details(report: ErasureReport) -> dict[str, Any]:
    details = report.to_dict()
    for key in ("person_id", "actor", "reason", "at_ms", "audit_hash"):
        details.pop(key)  # the entry's own columns say these
    return details
