"""The collector as a real server on a loopback port: HTTP round trip, a SIGKILL in the middle
of a concurrent load, and one batch sent twice at the same moment (over both backends)."""

from __future__ import annotations

import json
import queue
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from starlette.testclient import TestClient

from tests.collector._live import LiveCollector
from tests.conftest import auth
from workprint.collector.admin import Enrollment
from workprint.core import events as ev
from workprint.demo.workload import WorkloadSpec, batch_of, generate
from workprint.store.schema import events

URL = "/v1/ingest/batch"
HTTP_TIMEOUT_S = 60.0
JOIN_TIMEOUT_S = 120.0


@dataclass(frozen=True)
class SentBatch:
    body: bytes
    event_ids: tuple[str, ...]


def _batches(enrolled: Enrollment, batches: int, size: int, seed: int = 3) -> list[SentBatch]:
    spec = WorkloadSpec(device_id=enrolled.device_id, grant_id=enrolled.grants[0], seed=seed)
    evs = list(generate(spec, batches * size))
    out = []
    for start in range(0, len(evs), size):
        chunk = evs[start : start + size]
        out.append(SentBatch(ev.encode(batch_of(chunk)), tuple(e.event_id for e in chunk)))
    return out


def _stored_ids(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        return [r.event_id for r in conn.execute(sa.select(events.c.event_id))]


def _count_and_distinct(engine: Engine) -> tuple[int, int]:
    with engine.connect() as conn:
        row = conn.execute(
            sa.select(sa.func.count(), sa.func.count(sa.distinct(events.c.event_id)))
        ).one()
    return int(row[0]), int(row[1])


@pytest.fixture
def collector(db_url: str, engine: Engine, tmp_path: Path) -> Iterator[LiveCollector]:
    """A real ``workprint serve`` on the test's database (migrated by ``engine``), not yet
    started; always stopped afterwards."""
    live = LiveCollector(db_url, tmp_path)
    try:
        yield live
    finally:
        live.stop()


def test_real_server_commits_a_batch_and_the_cli_counts_it(
    collector: LiveCollector, enrolled: Enrollment, db_url: str
) -> None:
    base = collector.start()
    [batch] = _batches(enrolled, 1, 25)
    with httpx.Client(base_url=base, timeout=HTTP_TIMEOUT_S) as http:
        r = http.post(
            URL,
            content=batch.body,
            headers={**auth(enrolled), "Content-Type": "application/json"},
        )
    assert r.status_code == 200, r.text
    answer = r.json()
    assert answer["accepted"] == 25
    assert answer["duplicates"] == [] and answer["quarantined"] == []

    cli = subprocess.run(
        [sys.executable, "-m", "workprint", "events", "count", "--db", db_url],
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert cli.returncode == 0, cli.stderr.decode(errors="replace")
    assert json.loads(cli.stdout) == {"events": 25, "quarantined": 0}


# ------------------------------------------------------------------- SIGKILL mid-load

SENDERS = 4
BATCHES = 120
BATCH_EVENTS = 100
KILL_AFTER_ACKS = 30


@dataclass
class LoadLog:
    """What the senders saw; guarded by ``lock``."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    acked: dict[int, dict[str, Any]] = field(default_factory=dict)
    unanswered: list[int] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    enough: threading.Event = field(default_factory=threading.Event)
    killing: threading.Event = field(default_factory=threading.Event)


def _sender(
    base: str,
    token_headers: dict[str, str],
    todo: queue.Queue[int],
    sent: list[SentBatch],
    log: LoadLog,
) -> None:
    with httpx.Client(base_url=base, timeout=HTTP_TIMEOUT_S, headers=token_headers) as http:
        for _ in range(len(sent)):  # bounded: each turn takes one batch off the queue
            try:
                index = todo.get_nowait()
            except queue.Empty:
                return
            try:
                r = http.post(URL, content=sent[index].body)
            except httpx.TransportError as exc:
                with log.lock:
                    log.unanswered.append(index)
                    if not log.killing.is_set():
                        log.problems.append(f"batch {index}: {type(exc).__name__} before the kill")
                return
            with log.lock:
                if r.status_code != 200:
                    log.unanswered.append(index)
                    log.problems.append(f"batch {index}: {r.status_code} {r.text[:200]}")
                    return
                log.acked[index] = r.json()
                if len(log.acked) >= KILL_AFTER_ACKS:
                    log.enough.set()


def _run_threads(target: Callable[[], None], n: int) -> None:
    threads = [threading.Thread(target=target, daemon=True) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=JOIN_TIMEOUT_S)
    assert not any(t.is_alive() for t in threads), "a sender thread did not finish"


@pytest.mark.slow
def test_sigkill_mid_load_loses_no_acknowledged_event_and_stores_none_twice(
    collector: LiveCollector, engine: Engine, enrolled: Enrollment
) -> None:
    sent = _batches(enrolled, BATCHES, BATCH_EVENTS)
    all_ids = {i for b in sent for i in b.event_ids}
    assert len(all_ids) == BATCHES * BATCH_EVENTS

    base = collector.start()
    todo: queue.Queue[int] = queue.Queue()
    for i in range(len(sent)):
        todo.put(i)
    log = LoadLog()
    threads = [
        threading.Thread(target=_sender, args=(base, auth(enrolled), todo, sent, log), daemon=True)
        for _ in range(SENDERS)
    ]
    for t in threads:
        t.start()
    reached = log.enough.wait(timeout=JOIN_TIMEOUT_S)
    log.killing.set()
    rc = collector.sigkill()
    for t in threads:
        t.join(timeout=JOIN_TIMEOUT_S)
    assert not any(t.is_alive() for t in threads), "a sender thread did not finish"
    assert reached, f"only {len(log.acked)} batches acknowledged: {log.problems[:3]}"
    assert rc == -9
    assert log.problems == []
    assert log.unanswered or not todo.empty(), "the kill came after the load: nothing at stake"

    for index, answer in log.acked.items():
        assert answer["accepted"] == BATCH_EVENTS, (index, answer)
    acked_ids = {i for index in log.acked for i in sent[index].event_ids}

    collector.start()  # same database, after the crash: recovery must not lose anything
    stored = _stored_ids(engine)
    stored_set = set(stored)
    assert len(stored) == len(stored_set), "an event_id is stored twice"
    assert _count_and_distinct(engine) == (len(stored), len(stored))
    assert acked_ids <= stored_set, f"{len(acked_ids - stored_set)} acknowledged events lost"
    assert stored_set <= all_ids
    for index, batch in enumerate(sent):  # a batch is committed whole or not at all
        kept = stored_set.intersection(batch.event_ids)
        assert len(kept) in (0, BATCH_EVENTS), f"batch {index}: {len(kept)} events stored"

    answers: list[dict[str, Any]] = []
    with httpx.Client(
        base_url=collector.base, timeout=HTTP_TIMEOUT_S, headers=auth(enrolled)
    ) as http:
        for batch in sent:
            r = http.post(URL, content=batch.body)
            assert r.status_code == 200, r.text
            answers.append(r.json())
    for batch, answer in zip(sent, answers, strict=True):
        before = stored_set.intersection(batch.event_ids)
        assert answer["quarantined"] == []
        assert sorted(answer["duplicates"]) == sorted(before)
        assert answer["accepted"] == BATCH_EVENTS - len(before)
    after = _stored_ids(engine)
    assert len(after) == len(all_ids) and set(after) == all_ids
    assert _count_and_distinct(engine) == (len(all_ids), len(all_ids))


# ------------------------------------------------------------ one batch, twice at once


def _twice_at_once(post: Callable[[], Any]) -> list[Any]:
    """Two threads meet at a barrier, then each calls ``post``; both responses."""
    barrier = threading.Barrier(2, timeout=30)
    results: list[Any] = []
    lock = threading.Lock()

    def send() -> None:
        try:
            barrier.wait()
            r = post()
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            r = exc
        with lock:
            results.append(r)

    _run_threads(send, 2)
    for r in results:
        if isinstance(r, BaseException):
            raise r
    return results


@pytest.mark.parametrize("transport", ["live", "in-process"])
def test_same_batch_twice_at_once_is_stored_once(
    transport: str,
    collector: LiveCollector,
    client: TestClient,
    engine: Engine,
    enrolled: Enrollment,
) -> None:
    [batch] = _batches(enrolled, 1, 200, seed=11)
    headers = {**auth(enrolled), "Content-Type": "application/json"}
    if transport == "live":
        base = collector.start()
        with httpx.Client(base_url=base, timeout=HTTP_TIMEOUT_S) as http:
            responses = _twice_at_once(lambda: http.post(URL, content=batch.body, headers=headers))
    else:
        responses = _twice_at_once(lambda: client.post(URL, content=batch.body, headers=headers))

    assert [r.status_code for r in responses] == [200, 200], [r.text for r in responses]
    a, b = (r.json() for r in responses)
    assert a["quarantined"] == [] and b["quarantined"] == []
    assert a["accepted"] + b["accepted"] == 200
    for answer in (a, b):
        assert answer["accepted"] + len(answer["duplicates"]) == 200
    duplicates = a["duplicates"] + b["duplicates"]
    assert sorted(duplicates) == sorted(batch.event_ids)  # each id a duplicate exactly once
    assert sorted(_stored_ids(engine)) == sorted(batch.event_ids)
    assert _count_and_distinct(engine) == (200, 200)
