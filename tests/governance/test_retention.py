"""Retention: what expires is deleted, in chunks, beside live ingest, on every backend."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from tests.governance import _seed
from tests.governance._seed import DAY_MS, T0_MS
from workprint.governance import approvals, audit, retention, rights
from workprint.governance.config import RetentionConfig
from workprint.governance.errors import RetentionInvalid
from workprint.store.engine import read_tx, write_tx
from workprint.store.schema import dataset_exports, events, login_failures, quarantine


def _count(engine: Engine, table: sa.Table, where: sa.ColumnElement[bool] | None = None) -> int:
    query = sa.select(sa.func.count()).select_from(table)
    if where is not None:
        query = query.where(where)
    with read_tx(engine) as conn:
        return int(conn.execute(query).scalar_one())


def test_expired_events_and_quarantine_are_deleted(engine: Engine) -> None:
    jane = _seed.person(engine, "emp001")
    old, recent = T0_MS - 100 * DAY_MS, T0_MS - DAY_MS
    _seed.store(
        engine, jane, _seed.spread(jane, 5, start_ms=old), received_at_ms=old, quarantined=2
    )
    _seed.store(
        engine, jane, _seed.spread(jane, 4, start_ms=recent), received_at_ms=recent, quarantined=1
    )
    report = retention.run(engine, RetentionConfig(chunk_rows=2), now_ms=T0_MS)
    assert report.deleted["events"] == 5
    assert report.deleted["quarantine"] == 2
    assert report.complete
    assert _count(engine, events) == 4
    assert _count(engine, quarantine) == 1
    with read_tx(engine) as conn:
        entry = audit.search(conn, action="retention.run")[0]
    assert entry.details is not None and entry.details["deleted"]["events"] == 5
    again = retention.run(engine, now_ms=T0_MS)
    assert again.deleted["events"] == 0


@pytest.mark.parametrize(
    ("occurred", "received"),
    [(-100, -1), (-1, -100)],
    ids=["occurred-long-ago-uploaded-late", "device-clock-behind"],
)
def test_an_event_expires_by_the_earlier_of_its_times(
    engine: Engine, occurred: int, received: int
) -> None:
    jane = _seed.person(engine, "emp001")
    _seed.store(
        engine,
        jane,
        [_seed.event(jane, at_ms=T0_MS + occurred * DAY_MS)],
        received_at_ms=T0_MS + received * DAY_MS,
    )
    assert retention.run(engine, now_ms=T0_MS).deleted["events"] == 1


def test_the_privacy_officer_setting_wins(engine: Engine) -> None:
    jane = _seed.person(engine, "emp001")
    _seed.store(
        engine,
        jane,
        [_seed.event(jane, at_ms=T0_MS - 2 * DAY_MS)],
        received_at_ms=T0_MS - 2 * DAY_MS,
    )
    with write_tx(engine) as conn:
        retention.set_ttl(conn, "events", 1, at_ms=T0_MS, actor="po")
        found = retention.settings(conn, RetentionConfig())
    assert found["events"].ttl_days == 1 and found["events"].source == "portal"
    assert found["quarantine"].source == "default"
    assert retention.run(engine, now_ms=T0_MS).deleted["events"] == 1


@pytest.mark.parametrize(
    ("target", "days"),
    [("events", 0), ("events", 3651), ("audit", 30)],
    ids=["zero", "above-ten-years", "unknown-target"],
)
def test_retention_settings_are_validated(engine: Engine, target: str, days: int) -> None:
    with pytest.raises(RetentionInvalid), write_tx(engine) as conn:
        retention.set_ttl(conn, target, days, at_ms=T0_MS, actor="po")


def test_max_chunks_bounds_one_run(engine: Engine) -> None:
    jane = _seed.person(engine, "emp001")
    old = T0_MS - 200 * DAY_MS
    _seed.store(engine, jane, _seed.spread(jane, 25, start_ms=old), received_at_ms=old)
    cfg = RetentionConfig(chunk_rows=10)
    first = retention.run(engine, cfg, now_ms=T0_MS, max_chunks=1)
    assert (first.deleted["events"], first.chunks, first.complete) == (10, 1, False)
    rest = retention.run(engine, cfg, now_ms=T0_MS)
    assert rest.deleted["events"] == 15 and rest.complete


def test_retention_runs_beside_ingest_and_another_run(engine: Engine) -> None:
    """A writer keeps committing fresh batches while two retention runs delete old events."""
    writer_person = _seed.person(engine, "emp001")
    old_person = _seed.person(engine, "emp002")
    old = T0_MS - 120 * DAY_MS
    for start in range(0, 300, 100):
        _seed.store(
            engine,
            old_person,
            _seed.spread(old_person, 100, start_ms=old + start * 1000),
            received_at_ms=old,
        )
    batches, per_batch = 30, 10
    errors: list[BaseException] = []
    started = threading.Event()

    def write() -> None:
        try:
            for i in range(batches):
                _seed.store(
                    engine,
                    writer_person,
                    _seed.spread(writer_person, per_batch, start_ms=T0_MS + i * 10_000),
                    received_at_ms=T0_MS,
                )
                started.set()
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
            started.set()

    reports: list[retention.RetentionReport] = []

    def expire() -> None:
        try:
            reports.append(retention.run(engine, RetentionConfig(chunk_rows=7), now_ms=T0_MS))
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [
        threading.Thread(target=write),
        threading.Thread(target=expire),
        threading.Thread(target=expire),
    ]
    threads[0].start()
    assert started.wait(60)
    for t in threads[1:]:
        t.start()
    for t in threads:
        t.join(timeout=120)
        assert not t.is_alive()
    assert errors == []
    assert sum(r.deleted["events"] for r in reports) == 300
    assert _count(engine, events, events.c.person_id == "emp002") == 0
    assert _count(engine, events, events.c.person_id == "emp001") == batches * per_batch
    assert audit.verify(engine) > 0


def test_stragglers_of_an_erased_person_are_swept(engine: Engine) -> None:
    jane = _seed.person(engine, "emp001")
    rights.erase_person(engine, "emp001", actor="po", reason=None, now_ms=T0_MS)
    # A batch that passed authentication before the erasure commits after it.
    _seed.store(engine, jane, _seed.spread(jane, 4), received_at_ms=T0_MS, quarantined=1)
    report = retention.run(engine, now_ms=T0_MS + 1000)
    assert report.deleted["erased_stragglers"] == 5
    assert _count(engine, events) == 0 and _count(engine, quarantine) == 0


def test_export_approvals_and_stale_records_expire(engine: Engine) -> None:
    _seed.dataset(engine, "v1", [])
    with write_tx(engine) as conn:
        approved = approvals.request(
            conn, "v1", "train the next-action model", requested_by="res", at_ms=T0_MS
        )
        approvals.decide(conn, approved.export_id, True, actor="po", at_ms=T0_MS, ttl_days=1)
        waiting = approvals.request(
            conn, "v1", "evaluate the agent runner", requested_by="res", at_ms=T0_MS
        )
        conn.execute(login_failures.insert().values(key_hash=b"k" * 32, at_ms=T0_MS))
    report = retention.run(engine, RetentionConfig(exports_ttl_days=30), now_ms=T0_MS + 2 * DAY_MS)
    assert report.exports_expired == 1
    assert report.deleted["login_failures"] == 1
    later = retention.run(engine, RetentionConfig(exports_ttl_days=30), now_ms=T0_MS + 31 * DAY_MS)
    assert later.exports_expired == 1
    with read_tx(engine) as conn:
        statuses = dict(
            conn.execute(sa.select(dataset_exports.c.export_id, dataset_exports.c.status)).all()
        )
    assert statuses == {approved.export_id: "expired", waiting.export_id: "expired"}
