"""Group commit: concurrent batches share transactions, each gets its own outcome."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy.engine import Engine

from workprint.collector.admin import Enrollment
from workprint.core import events as ev
from workprint.demo.workload import WorkloadSpec, generate
from workprint.store.errors import StoreUnavailable
from workprint.store.events import BatchWrite, count_events
from workprint.store.group_commit import GroupCommitter
from workprint.store.rows import event_to_row


def _batch(enrolled: Enrollment, seed: int, n: int = 50, poison: bool = False) -> BatchWrite:
    spec = WorkloadSpec(device_id=enrolled.device_id, grant_id=enrolled.grants[0], seed=seed)
    events = list(generate(spec, n))
    rows = [
        event_to_row(
            e,
            person_id=enrolled.person_id,
            batch_id=f"b{seed}",
            received_at_ms=1,
            raw_index=i,
            raw=ev.encode(e),
        )
        for i, e in enumerate(events)
    ]
    if poison:  # a value no driver can bind: this batch alone must fail
        bad = rows[0]
        rows[0] = type(bad)((*bad.values[:-1], object()), bad.raw_index, bad.raw)
    return BatchWrite(
        batch_id=f"0190a6f2-1c2b-7d3e-8f4a-{seed:012d}",
        device_id=enrolled.device_id,
        person_id=enrolled.person_id,
        received_at_ms=1,
        sent_at_ms=1,
        agent_name="t",
        agent_version="1",
        events_total=n,
        rows=rows,
    )


def test_concurrent_batches_are_all_committed(engine: Engine, enrolled: Enrollment) -> None:
    committer = GroupCommitter(engine)
    batches = [_batch(enrolled, seed) for seed in range(24)]
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(committer.write, batches))
    committer.close()
    assert sum(r.accepted for r in results) == count_events(engine)
    assert 0 < committer.groups <= 24 and committer.batches == 24


def test_a_failing_batch_fails_alone(engine: Engine, enrolled: Enrollment) -> None:
    committer = GroupCommitter(engine)
    batches = [_batch(enrolled, seed, poison=(seed == 3)) for seed in range(8)]

    def attempt(batch: BatchWrite) -> int | str:
        try:
            return committer.write(batch).accepted
        except Exception as exc:  # noqa: BLE001
            return type(exc).__name__

    with ThreadPoolExecutor(8) as pool:
        outcomes = list(pool.map(attempt, batches))
    committer.close()
    assert all(isinstance(o, int) for i, o in enumerate(outcomes) if i != 3)
    assert isinstance(outcomes[3], str)
    accepted = sum(o for o in outcomes if isinstance(o, int))
    assert count_events(engine) == accepted


def test_closed_committer_refuses(engine: Engine, enrolled: Enrollment) -> None:
    committer = GroupCommitter(engine)
    committer.write(_batch(enrolled, 1))
    committer.close()
    with pytest.raises(StoreUnavailable):
        committer.write(_batch(enrolled, 2))
