"""The spool: durable appends, sequence numbers across restarts, the quota and its gaps,
and a writer killed with SIGKILL."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.capture._policies import IDENTITY, pipeline
from workprint.capture.errors import AgentAlreadyRunning
from workprint.capture.sources.fake import FakeSource, Script
from workprint.capture.spool import Spool
from workprint.core import events as ev

ROOT = Path(__file__).resolve().parents[2]


def _clicks(tmp: Path, n: int, *, quota_bytes: int = 10_000_000) -> Spool:
    p = pipeline(tmp, quota_bytes=quota_bytes)
    script = Script().allow().focus(1, "testbed", "notes")
    for i in range(n):
        script.click(i, i).wait(1)
    script.tick()
    FakeSource(script.records).start(p.feed)
    return p.spool


def _events(spool: Spool) -> list[ev.Event]:
    return [ev.decode_event(r.body) for r in spool.peek(100_000)]


def test_rows_come_back_in_order_and_go_when_acknowledged(tmp_path: Path) -> None:
    spool = _clicks(tmp_path, 5)
    rows = spool.peek(3)
    assert [r.seq for r in rows] == [1, 2, 3]
    assert spool.depth() == 6  # the focus and five clicks
    assert spool.delete([r.rowid for r in rows]) == 3
    assert spool.delete([rows[0].rowid]) == 0
    assert [r.seq for r in spool.peek(10)] == [4, 5, 6]
    assert spool.depth() == 3


def test_sequence_numbers_survive_a_restart(tmp_path: Path) -> None:
    spool = _clicks(tmp_path, 3)
    spool.delete([r.rowid for r in spool.peek(10)])
    spool.close()
    reopened = Spool(tmp_path / "spool.db", quota_bytes=10_000_000)
    assert reopened.depth() == 0
    assert reopened.allocate_seq() == 5


def test_one_agent_per_spool(tmp_path: Path) -> None:
    spool = Spool(tmp_path / "spool.db", quota_bytes=1000)
    with pytest.raises(AgentAlreadyRunning):
        Spool(tmp_path / "spool.db", quota_bytes=1000)
    spool.close()
    Spool(tmp_path / "spool.db", quota_bytes=1000).close()


def test_spool_files_are_private(tmp_path: Path) -> None:
    _clicks(tmp_path / "agent", 2)
    folder = tmp_path / "agent"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    for f in folder.iterdir():
        assert stat.S_IMODE(f.stat().st_mode) & 0o077 == 0, f.name


def test_quota_evicts_the_oldest_into_one_gap(tmp_path: Path) -> None:
    spool = _clicks(tmp_path, 60, quota_bytes=8_000)
    events = _events(spool)
    gaps = [e for e in events if isinstance(e, ev.GapEvent)]
    kept = [e for e in events if not isinstance(e, ev.GapEvent)]
    assert gaps, "the quota was exceeded, a gap must say so"
    assert spool.size_bytes() <= 8_000 + 1024
    last_gap = gaps[-1].payload
    assert last_gap.reason == "quota_evicted"
    assert last_gap.from_seq == 1
    assert last_gap.count == 61 - len(kept)
    own = 1 if last_gap.from_seq <= gaps[0].seq <= last_gap.to_seq else 0
    assert last_gap.to_seq - last_gap.from_seq + 1 == last_gap.count + own
    # every event is either kept or counted in the gap, and the gap names them exactly
    kept_seqs = {e.seq for e in kept}
    assert all(s not in kept_seqs for s in range(1, last_gap.to_seq + 1))
    assert kept_seqs | set(range(1, last_gap.to_seq + 1)) | {gaps[0].seq} == set(
        range(1, max(kept_seqs) + 1)
    )
    assert len(gaps) == 1  # one gap, widened at each eviction
    assert gaps[0].device_id == IDENTITY.device_id


def test_events_in_flight_are_not_evicted(tmp_path: Path) -> None:
    p = pipeline(tmp_path, quota_bytes=6_000)
    script = Script().allow().focus(1, "testbed", "notes")
    FakeSource(script.records).start(p.feed)
    pinned = p.spool.peek(1)
    more = Script(start=script.now)
    for i in range(40):
        more.click(i, i).wait(1)
    FakeSource(more.tick().records).start(p.feed)
    assert p.spool.peek(1)[0].rowid == pinned[0].rowid
    p.spool.unpin()


def test_sigkill_mid_write_loses_nothing_committed(tmp_path: Path) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.capture._spool_writer", str(tmp_path)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert proc.stdout is not None
    committed = 0
    deadline = time.monotonic() + 60
    for line in proc.stdout:  # bounded by the count below and the deadline
        committed = int(line)
        if committed >= 150 or time.monotonic() > deadline:
            break
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    proc.stdout.close()
    assert committed >= 150
    spool = Spool(tmp_path / "spool.db", quota_bytes=10_000_000)
    events = _events(spool)
    seqs = [e.seq for e in events]
    assert len(events) >= committed
    assert seqs == list(range(1, len(seqs) + 1))  # nothing lost in between, nothing twice
    assert len({e.event_id for e in events}) == len(events)
    assert spool.allocate_seq() == len(seqs) + 1
