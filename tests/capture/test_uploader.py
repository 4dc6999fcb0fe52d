"""The uploader against a real collector on a loopback port: nothing lost while it is down,
413 split, Retry-After honoured, quota gaps delivered, refusals stop sending and keep the
spool, duplicates acknowledged."""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from tests.capture._collector import Live
from tests.capture._policies import pipeline
from workprint.capture.pipeline import Identity, Pipeline
from workprint.capture.remote import Collector
from workprint.capture.sources.fake import FakeSource, Script
from workprint.capture.uploader import Uploader, UploaderConfig
from workprint.core import events as ev
from workprint.core.clock import to_epoch_ms
from workprint.core.config import Secret
from workprint.core.ids import uuid7
from workprint.governance import consent
from workprint.governance.consent import Purpose
from workprint.store.engine import write_tx

pytestmark = pytest.mark.slow  # each test starts a real collector process

AGENT = ev.Agent(name="workprint-desktop", version="test", os="linux-x11")
FAST = UploaderConfig(
    max_batch_events=50, flush_interval_s=0.05, retry_base_s=0.05, retry_max_s=0.3
)
DEADLINE_S = 60.0


@pytest.fixture
def clients() -> Iterator[list[Collector]]:
    """Collector clients made by a test, closed after it whatever happens."""
    made: list[Collector] = []
    yield made
    for client in made:
        client.close()


@pytest.fixture
def live(tmp_path: Path) -> Iterator[Live]:
    (tmp_path / "collector").mkdir()
    collector = Live(tmp_path / "collector")
    yield collector
    collector.close()


def _identity(live: Live) -> Identity:
    client = Collector(live.base, Secret(live.enrollment.token))
    try:
        return client.device().identity
    finally:
        client.close()


def _spooled(tmp: Path, identity: Identity, clicks: int, **kw: object) -> Pipeline:
    p = pipeline(tmp / "agent", **kw)  # type: ignore[arg-type]
    p.identity = identity
    script = Script().allow().focus(1, "testbed", "notes")
    for i in range(clicks):
        script.click(i, i).wait(1)
    FakeSource(script.tick().records).start(p.feed)
    return p


class Recording(Collector):
    """The real client, remembering the status and time of every answer."""

    def __init__(self, base: str, token: str) -> None:
        super().__init__(base, Secret(token), timeout_s=10)
        self.answers: list[tuple[float, int | None, int]] = []

    def post_batch(self, body: bytes, *, compress: bool) -> httpx.Response:
        count = body.count(b'"event_id"')
        try:
            response = super().post_batch(body, compress=compress)
        except Exception:
            self.answers.append((time.monotonic(), None, count))
            raise
        self.answers.append((time.monotonic(), response.status_code, count))
        return response


def _uploader(p: Pipeline, client: Collector, config: UploaderConfig = FAST) -> Uploader:
    return Uploader(p.spool, client, agent=AGENT, ids=uuid7, config=config, make_gap=p.make_gap)


def _drain(uploader: Uploader, during: threading.Event | None = None) -> None:
    """Run the uploader's own loop until the spool is empty (bounded)."""
    stop = threading.Event()
    thread = threading.Thread(target=uploader.run, args=(stop,), daemon=True)
    thread.start()
    deadline = time.monotonic() + DEADLINE_S
    try:
        while uploader.spool.depth() and time.monotonic() < deadline:
            time.sleep(0.05)  # bounded wait on a real server
    finally:
        stop.set()
        uploader.wake.set()
        thread.join(30)
    assert uploader.spool.depth() == 0, "the spool did not drain in time"


def _spooled_ids(p: Pipeline) -> set[str]:
    return {r.event_id for r in p.spool.peek(100_000)}


def test_collector_down_then_up_loses_nothing(
    tmp_path: Path, live: Live, clients: list[Collector]
) -> None:
    live.start()
    identity = _identity(live)
    live.stop()
    p = _spooled(tmp_path, identity, 30)
    ids = _spooled_ids(p)
    client = Recording(live.base, live.enrollment.token)
    clients.append(client)
    uploader = _uploader(p, client)
    outcome = uploader.send_once()
    assert outcome.wait_s > 0 and outcome.acknowledged == 0
    assert uploader.status.state == "backoff"
    assert uploader.status.last_error == "collector_unreachable"
    assert p.spool.depth() == 31
    starter = threading.Timer(1.0, live.start)
    starter.start()
    try:
        _drain(uploader)
    finally:
        starter.join()
    assert live.count() == (31, 31)
    assert {e.event_id for e in live.stored_events()} == ids
    assert any(status is None for _, status, _ in client.answers)


def test_batch_too_large_is_split(tmp_path: Path, live: Live, clients: list[Collector]) -> None:
    live.start(WORKPRINT_COLLECTOR__MAX_BATCH_EVENTS="7")
    p = _spooled(tmp_path, _identity(live), 40)
    client = Recording(live.base, live.enrollment.token)
    clients.append(client)
    _drain(_uploader(p, client))
    statuses = [s for _, s, _ in client.answers]
    assert 413 in statuses
    assert all(n <= 7 for _, s, n in client.answers if s == 200)
    assert live.count() == (41, 41)


def test_retry_after_is_honoured(tmp_path: Path, live: Live, clients: list[Collector]) -> None:
    live.start(WORKPRINT_COLLECTOR__MAX_INFLIGHT_BATCHES="0")  # drain mode: 429 + Retry-After
    p = _spooled(tmp_path, _identity(live), 5)
    client = Recording(live.base, live.enrollment.token)
    clients.append(client)
    uploader = _uploader(p, client)
    outcome = uploader.send_once()
    assert outcome.status == 429
    assert 1.0 <= outcome.wait_s <= 1.25
    stop = threading.Event()
    thread = threading.Thread(target=uploader.run, args=(stop,), daemon=True)
    thread.start()
    deadline = time.monotonic() + DEADLINE_S
    while len(client.answers) < 4 and time.monotonic() < deadline:
        time.sleep(0.05)  # bounded: three more answers take about three seconds
    stop.set()
    uploader.wake.set()
    thread.join(30)
    times = [t for t, s, _ in client.answers if s == 429]
    assert len(times) >= 3
    assert all(b - a >= 1.0 for a, b in itertools.pairwise(times))
    live.stop()
    live.start()
    _drain(uploader)
    assert live.count() == (6, 6)


def test_quota_overflow_reaches_the_collector_as_a_gap(
    tmp_path: Path, live: Live, clients: list[Collector]
) -> None:
    live.start()
    p = _spooled(tmp_path, _identity(live), 60, quota_bytes=8_000)
    client = Collector(live.base, Secret(live.enrollment.token))
    clients.append(client)
    _drain(_uploader(p, client))
    stored = live.stored_events()
    gaps = [e for e in stored if isinstance(e, ev.GapEvent)]
    assert len(gaps) == 1
    gap = gaps[0].payload
    assert gap.reason == "quota_evicted"
    kept = [e for e in stored if not isinstance(e, ev.GapEvent)]
    assert len(kept) + gap.count == 61
    assert {e.seq for e in kept}.isdisjoint(range(gap.from_seq, gap.to_seq + 1))


def _withdraw(live: Live) -> None:
    with write_tx(live.engine) as conn:
        now_ms = to_epoch_ms(datetime.now(UTC))
        consent.withdraw(conn, "emp001", Purpose.CAPTURE, now_ms, "test")


@pytest.mark.parametrize(
    ("setup", "code"),
    [("bad-token", "token_invalid"), ("withdrawn", "consent_missing")],
    ids=["bad-token", "consent-withdrawn"],
)
def test_refusal_stops_sending_and_keeps_the_spool(
    tmp_path: Path, live: Live, clients: list[Collector], setup: str, code: str
) -> None:
    live.start()
    p = _spooled(tmp_path, _identity(live), 3)
    token = "wpd_not-a-real-token" if setup == "bad-token" else live.enrollment.token
    if setup == "withdrawn":
        _withdraw(live)
    refused: list[str] = []
    client = Recording(live.base, token)
    clients.append(client)
    uploader = Uploader(
        p.spool, client, agent=AGENT, ids=uuid7, config=FAST, on_refused=refused.append
    )
    uploader.send_once()
    assert refused == [code]
    assert uploader.status.state == "refused"
    assert uploader.status.last_error == code
    assert p.spool.depth() == 4
    assert live.count() == (0, 0)
    assert uploader.drain(1.0) is False
    assert len(client.answers) == 1  # nothing more was sent once refused
    uploader.accepted_again()
    assert uploader.status.state == "idle"


def test_duplicates_are_acknowledged_and_stored_once(
    tmp_path: Path, live: Live, clients: list[Collector]
) -> None:
    live.start()
    p = _spooled(tmp_path, _identity(live), 10)
    client = Collector(live.base, Secret(live.enrollment.token))
    clients.append(client)
    uploader = _uploader(p, client)
    rows = p.spool.peek(100)
    p.spool.unpin()
    # A send whose answer never came back (an agent killed right after the collector
    # committed): the events stay in the spool and go again.
    assert client.post_batch(uploader._body(rows), compress=False).status_code == 200
    assert live.count() == (11, 11)
    outcome = uploader.send_once()
    assert outcome.acknowledged == 11
    assert p.spool.depth() == 0
    assert live.count() == (11, 11)
