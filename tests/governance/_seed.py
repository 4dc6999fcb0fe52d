"""Seeding the store for governance and portal tests: people, devices and stored events."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.engine import Engine

from workprint.collector.admin import Enrollment, enroll
from workprint.core import events as ev
from workprint.core.clock import FakeClock, from_epoch_ms, to_epoch_ms
from workprint.core.ids import uuid7
from workprint.governance.consent import Purpose
from workprint.store.engine import write_tx
from workprint.store.events import BatchWrite, QuarantineRow, write_batch
from workprint.store.rows import event_to_row
from workprint.store.schema import dataset_members, dataset_versions

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
T0_MS = to_epoch_ms(T0)
_TYPES: dict[str, type[ev.EventBase]] = {k.value: t for k, t in ev.EVENT_TYPES.items()}
_seq = itertools.count(1)


def person(engine: Engine, person_id: str, *purposes: Purpose) -> Enrollment:
    """A person with one device and the given live grants (capture by default)."""
    return enroll(
        engine,
        person_id,
        purposes=purposes or (Purpose.CAPTURE,),
        actor="test",
        clock=FakeClock(T0 - timedelta(days=7)),
    )


def event(
    who: Enrollment,
    kind: str = "click",
    at_ms: int = T0_MS,
    *,
    app: str | None = "crm",
    url: str | None = "https://crm.example.test/deals",
    title: str | None = None,
    text: str | None = None,
    mode: str = "redacted",
    redactions: dict[str, int] | None = None,
) -> ev.EventBase:
    fields: dict[str, Any] = {
        "event_id": uuid7(),
        "seq": next(_seq),
        "stream": "web",
        "device_id": who.device_id,
        "session_id": uuid7(),
        "occurred_at": from_epoch_ms(at_ms),
        "context": ev.Context(app=app, url=url, window_title=title, tab_id=1),
        "privacy": ev.Privacy(
            mode=mode,  # type: ignore[arg-type]
            policy_version="1",
            redactions=redactions or {},
        ),
        "consent": ev.Consent(grant_id=who.grants[0] if who.grants else "g", notice_version="n1"),
    }
    if kind == "type":
        fields["payload"] = ev.TypePayload(text=text or "hello")
    elif kind == "key":
        fields["payload"] = ev.KeyPayload(keys="Enter")
    return _TYPES[kind](**fields)


def store(
    engine: Engine,
    who: Enrollment,
    events: Sequence[ev.EventBase],
    *,
    received_at_ms: int | None = None,
    quarantined: int = 0,
) -> None:
    """Write events (and ``quarantined`` quarantine rows) as one batch of ``who``'s device."""
    batch_id = uuid7()
    received = received_at_ms if received_at_ms is not None else T0_MS
    rows = [
        event_to_row(
            e,
            person_id=who.person_id,
            batch_id=batch_id,
            received_at_ms=received,
            raw_index=i,
            raw=ev.encode(e),
        )
        for i, e in enumerate(events)
    ]
    write_batch(
        engine,
        BatchWrite(
            batch_id=batch_id,
            device_id=who.device_id,
            person_id=who.person_id,
            received_at_ms=received,
            sent_at_ms=received,
            agent_name="test",
            agent_version="1",
            events_total=len(events) + quarantined,
            rows=rows,
            quarantined=[
                QuarantineRow(i, None, "schema_violation", "bad", b'{"secret": "raw bytes"}')
                for i in range(quarantined)
            ],
        ),
    )


def spread(
    who: Enrollment,
    count: int,
    *,
    start_ms: int = T0_MS,
    step_ms: int = 60_000,
    kind: str = "click",
    app: str | None = "crm",
) -> list[ev.EventBase]:
    return [event(who, kind, start_ms + i * step_ms, app=app) for i in range(count)]


def dataset(
    engine: Engine,
    version_id: str,
    members: Sequence[str],
    *,
    status: str = "current",
    out_dir: str = "/nonexistent",
    created_at_ms: int = T0_MS,
) -> None:
    """Register a dataset version with ``members`` (as the dataset builder would)."""
    with write_tx(engine) as conn:
        conn.execute(
            dataset_versions.insert().values(
                version_id=version_id,
                name=f"tasks-{version_id}",
                spec_hash="0" * 64,
                spec="{}",
                key_fingerprint="0" * 16,
                created_at_ms=created_at_ms,
                out_dir=out_dir,
                manifest_sha256="0" * 64,
                status=status,
            )
        )
        if members:
            conn.execute(
                dataset_members.insert(),
                [
                    {
                        "version_id": version_id,
                        "person_id": p,
                        "split": "train" if i % 2 else "test",
                    }
                    for i, p in enumerate(members)
                ],
            )


DAY_MS = int(timedelta(days=1) / timedelta(milliseconds=1))
