"""The store contract, run over every backend (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime

import msgspec
import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import Engine

from workprint.collector.admin import Enrollment
from workprint.core import events as ev
from workprint.core.clock import to_epoch_ms
from workprint.demo.workload import WorkloadSpec, generate
from workprint.governance import audit, consent
from workprint.governance.errors import AuditChainBroken
from workprint.store import migrate
from workprint.store.engine import read_tx, write_tx
from workprint.store.events import (
    BatchWrite,
    count_events,
    iter_event_rows,
    list_gaps,
    write_batch,
)
from workprint.store.rows import event_to_row, row_to_wire
from workprint.store.schema import audit_log, batches, devices, metadata, quarantine


def _rows(events: list[ev.EventBase], enrolled: Enrollment, batch_id: str = "b") -> list:
    return [
        event_to_row(
            event,
            person_id=enrolled.person_id,
            batch_id=batch_id,
            received_at_ms=1_000,
            raw_index=i,
            raw=ev.encode(event),
        )
        for i, event in enumerate(events)
    ]


def _write(
    engine: Engine,
    enrolled: Enrollment,
    events: list[ev.EventBase],
    batch_id: str = "0190a6f2-1c2b-7d3e-8f4a-5b6c7d8e9f00",
    sent_at_ms: int = 400,
):
    return write_batch(
        engine,
        BatchWrite(
            batch_id=batch_id,
            device_id=enrolled.device_id,
            person_id=enrolled.person_id,
            received_at_ms=1_000,
            sent_at_ms=sent_at_ms,
            agent_name="t",
            agent_version="1",
            events_total=len(events),
            rows=_rows(events, enrolled, batch_id),
        ),
    )


def _events(enrolled: Enrollment, n: int, seed: int = 1) -> list[ev.EventBase]:
    spec = WorkloadSpec(device_id=enrolled.device_id, grant_id=enrolled.grants[0], seed=seed)
    return list(generate(spec, n))


def test_migrations_match_the_schema_module(engine: Engine) -> None:
    with engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diffs == []
    assert migrate.current_revision(engine) == migrate.head_revision()


def test_upgrade_is_idempotent(engine: Engine) -> None:
    assert migrate.upgrade(engine) == migrate.head_revision()


def test_new_events_are_stored_and_read_back_as_sent(engine: Engine, enrolled: Enrollment) -> None:
    events = _events(enrolled, 120)
    result = _write(engine, enrolled, events)
    assert result.accepted == 120
    assert result.duplicates == []
    assert count_events(engine) == 120
    stored = {r["event_id"]: r for r in iter_event_rows(engine, chunk=7)}
    for event in events:
        wire = row_to_wire(stored[event.event_id])
        again = ev.decode_event(msgspec.json.encode(wire))
        # Stored times have the contract's millisecond precision.
        assert to_epoch_ms(again.occurred_at) == to_epoch_ms(event.occurred_at)
        assert msgspec.structs.replace(again, occurred_at=event.occurred_at) == event


def test_duplicates_are_acknowledged_and_never_stored_twice(
    engine: Engine, enrolled: Enrollment
) -> None:
    events = _events(enrolled, 50)
    _write(engine, enrolled, events[:30])
    result = _write(engine, enrolled, events, batch_id="0190a6f2-1c2b-7d3e-8f4a-5b6c7d8e9f01")
    assert result.accepted == 20
    assert sorted(result.duplicates) == sorted(e.event_id for e in events[:30])
    assert count_events(engine) == 50


def test_same_id_with_other_content_is_quarantined_as_collision(
    engine: Engine, enrolled: Enrollment
) -> None:
    events = _events(enrolled, 5)
    _write(engine, enrolled, events)
    changed = msgspec.structs.replace(events[2], seq=999)
    result = _write(engine, enrolled, [changed], batch_id="0190a6f2-1c2b-7d3e-8f4a-5b6c7d8e9f02")
    assert result.accepted == 0
    assert [q.code for q in result.quarantined] == ["id_collision"]
    with read_tx(engine) as conn:
        row = conn.execute(sa.select(quarantine)).one()
    assert row.event_id == events[2].event_id
    assert bytes(row.raw) == ev.encode(changed)
    assert count_events(engine) == 5


def test_sequence_gaps_are_recorded_and_closed(engine: Engine, enrolled: Enrollment) -> None:
    events = _events(enrolled, 10)
    _write(engine, enrolled, events[:3] + events[6:])
    assert list_gaps(engine, enrolled.device_id) == [("web", 4, 6)]
    _write(engine, enrolled, events[4:5], batch_id="0190a6f2-1c2b-7d3e-8f4a-5b6c7d8e9f03")
    assert list_gaps(engine, enrolled.device_id) == [("web", 4, 4), ("web", 6, 6)]


def test_clock_skew_is_recorded_per_batch_and_device(engine: Engine, enrolled: Enrollment) -> None:
    _write(engine, enrolled, _events(enrolled, 2), sent_at_ms=400)
    with read_tx(engine) as conn:
        assert conn.execute(sa.select(batches.c.skew_ms)).scalar_one() == 600
        assert (
            conn.execute(
                sa.select(devices.c.last_skew_ms).where(devices.c.device_id == enrolled.device_id)
            ).scalar_one()
            == 600
        )


def test_audit_chain_verifies_and_detects_tampering(engine: Engine, enrolled: Enrollment) -> None:
    with write_tx(engine) as conn:
        for n in range(5):
            audit.append(
                conn,
                at_ms=n,
                actor="po",
                action="events.read",
                subject="emp001",
                reason="subject request",
            )
    count = audit.verify(engine)
    assert count >= 6  # enrollment + grant + the five above
    with write_tx(engine) as conn:
        conn.execute(audit_log.update().where(audit_log.c.seq == 3).values(actor="mallory"))
    with pytest.raises(AuditChainBroken):
        audit.verify(engine)


def test_consent_withdrawal_keeps_history(engine: Engine, enrolled: Enrollment) -> None:
    now = to_epoch_ms(datetime.now(UTC))
    with write_tx(engine) as conn:
        assert len(consent.live_grants(conn, "emp001", consent.Purpose.CAPTURE)) == 1
        assert consent.withdraw(conn, "emp001", consent.Purpose.CAPTURE, now, "emp001") == 1
        assert consent.live_grants(conn, "emp001", consent.Purpose.CAPTURE) == []
        history = conn.execute(sa.text("SELECT count(*) FROM consent_grants")).scalar_one()
    assert history == 1
