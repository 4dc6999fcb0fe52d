"""The uploader: the spool's events to the collector, in batches, until each is acknowledged.

One thread runs :meth:`Uploader.run`. Each round peeks the oldest events, posts them as one v1
batch and deletes from the spool only what the answer acknowledges: accepted, duplicates and
quarantined events (a quarantined event will not be taken on a second try either). Then:

* connection errors and 5xx: wait with exponential backoff and full jitter, up to
  ``retry_max_s``, and try again, forever: only the spool's disk quota bounds what is kept;
* 429 and 503: wait at least ``Retry-After`` seconds (plus jitter);
* 413: halve the batch and resend at once (a single event too large for any batch becomes a
  ``gap`` with reason ``dropped``, so nothing is silently lost);
* 415: resend uncompressed;
* 401, 403, 410: stop sending, keep the spool, report the code in status until the agent
  learns the device is accepted again;
* the hints of a 200 answer (``max_batch_events``, ``flush_interval_ms``) are followed.

A retried batch keeps its ``batch_id``; the collector deduplicates by ``event_id`` in any case.
"""

from __future__ import annotations

import email.utils
import logging
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Final, Literal

import httpx
import msgspec

from workprint.capture.errors import CollectorUnreachable
from workprint.capture.remote import REFUSALS, Collector, Hints, error_code
from workprint.capture.spool import Spool, SpoolRow
from workprint.core import events as ev
from workprint.core.clock import Clock, SystemClock
from workprint.core.ids import IdFactory

log = logging.getLogger(__name__)

State = Literal["idle", "sending", "backoff", "refused"]
_RETRY_AFTER_CAP_S: Final = 3600.0


class _Quarantined(msgspec.Struct, frozen=True):
    index: int | None = None
    event_id: str | None = None
    code: str = ""


class _Answer(msgspec.Struct, frozen=True):
    batch_id: str = ""
    accepted: int = 0
    duplicates: list[str] = []
    quarantined: list[_Quarantined] = []
    hints: Hints | None = None


@dataclass(frozen=True, slots=True)
class UploaderConfig:
    max_batch_events: int = 500
    flush_interval_s: float = 3.0
    retry_base_s: float = 0.5
    retry_max_s: float = 60.0
    compress_over_bytes: int = 4096


@dataclass(frozen=True, slots=True)
class UploadStatus:
    state: State = "idle"
    last_upload: datetime | None = None
    """When the collector last acknowledged a batch."""
    last_error: str | None = None
    """The last failure's code (``collector_unreachable``, ``overloaded``, ``consent_missing``)."""
    retry_in_s: float = 0.0
    acknowledged: int = 0


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one attempt did: how many events were acknowledged and how long to wait now."""

    acknowledged: int
    wait_s: float
    status: int | None = None


GapMaker = Callable[[int, int, int, int, str], ev.GapEvent | None]
"""``(from_seq, to_seq, count, seq, reason) -> gap event`` (``None`` when the device is not
known yet); the pipeline's :meth:`~workprint.capture.pipeline.Pipeline.make_gap`."""


class Uploader:
    def __init__(
        self,
        spool: Spool,
        collector: Collector,
        *,
        agent: ev.Agent,
        ids: IdFactory,
        config: UploaderConfig | None = None,
        clock: Clock | None = None,
        rng: random.Random | None = None,
        on_refused: Callable[[str], None] | None = None,
        make_gap: GapMaker | None = None,
    ) -> None:
        self.spool = spool
        self.collector = collector
        self.config = config or UploaderConfig()
        self._agent = msgspec.json.encode(agent)
        self._ids = ids
        self._clock = clock or SystemClock()
        self._rng = rng or random.Random()
        self._on_refused = on_refused
        self._make_gap = make_gap
        self._batch_size = self.config.max_batch_events
        self._hint_size = self.config.max_batch_events
        self._flush_s = self.config.flush_interval_s
        self._failures = 0
        self._compress = True
        self._pending: tuple[tuple[int, ...], str] | None = None
        self._lock = threading.Lock()
        self._status = UploadStatus()
        self._not_before = 0.0
        """Monotonic time before which the loop does not try again (backoff, Retry-After)."""
        self.wake = threading.Event()
        """Set to send now (events appended, flush asked, device accepted again)."""
        self.waits: list[float] = []
        """Every wait the uploader chose, in order (for status and tests)."""

    # ------------------------------------------------------------------ status

    @property
    def status(self) -> UploadStatus:
        with self._lock:
            return self._status

    def _set(self, **changes: object) -> None:
        with self._lock:
            self._status = replace(self._status, **changes)  # type: ignore[arg-type]

    def accepted_again(self) -> None:
        """The collector accepts the device again (consent re-granted): resume sending."""
        if self.status.state == "refused":
            self._set(state="idle", last_error=None)
            self.wake.set()

    # ------------------------------------------------------------------ loop

    def run(self, stop: threading.Event) -> None:
        """Send until ``stop`` is set; never gives up on time or count."""
        while not stop.is_set():
            if self.status.state == "refused":
                self._wait(stop, self.config.retry_max_s)
                continue
            if self.spool.depth() == 0:
                self._wait(stop, self._flush_s)
                continue
            early = self._not_before - time.monotonic()
            if early > 0:
                self._wait(stop, early)
                continue
            outcome = self.send_once()
            if outcome.wait_s > 0:
                self._wait(stop, outcome.wait_s)
            elif outcome.acknowledged and self.spool.depth() < self._batch_size:
                self._wait(stop, self._flush_s)  # caught up: let events gather

    def _wait(self, stop: threading.Event, seconds: float) -> None:
        """Sleep ``seconds`` unless woken (whoever sets ``stop`` sets :attr:`wake` too)."""
        if not stop.is_set():
            self.wake.wait(seconds)
        self.wake.clear()

    def drain(self, timeout_s: float) -> bool:
        """Send until the spool is empty or ``timeout_s`` passes (at shutdown); True if empty."""
        deadline = time.monotonic() + timeout_s
        while self.spool.depth() and time.monotonic() < deadline:
            if self.status.state == "refused" or self.send_once().wait_s > 0:
                return False
        return self.spool.depth() == 0

    # ------------------------------------------------------------------ one attempt

    def send_once(self) -> Outcome:
        rows = self.spool.peek(self._batch_size)
        if not rows:
            return Outcome(0, 0.0)
        try:
            return self._send(rows)
        finally:
            self.spool.unpin()

    def _batch_id(self, rows: list[SpoolRow]) -> str:
        key = tuple(r.rowid for r in rows)
        if self._pending is not None and self._pending[0] == key:
            return self._pending[1]
        batch_id = self._ids()
        self._pending = (key, batch_id)
        return batch_id

    def _body(self, rows: list[SpoolRow]) -> bytes:
        sent_at = msgspec.json.encode(self._clock.now())
        head = b'{"batch_id":"%s","sent_at":%s,"agent":%s,"events":[' % (
            self._batch_id(rows).encode(),
            sent_at,
            self._agent,
        )
        return head + b",".join(r.body for r in rows) + b"]}"

    def _send(self, rows: list[SpoolRow]) -> Outcome:
        body = self._body(rows)
        self._set(state="sending")
        compress = self._compress and len(body) > self.config.compress_over_bytes
        try:
            response = self.collector.post_batch(body, compress=compress)
        except CollectorUnreachable:
            return self._backoff("collector_unreachable", None)
        status = response.status_code
        if status == 200:
            return self._acknowledge(rows, response)
        if status == 413:
            return self._too_large(rows)
        if status == 415:
            self._compress = False
            return Outcome(0, 0.0, status)
        if status in REFUSALS:
            code = error_code(response)
            self._set(state="refused", last_error=code, retry_in_s=0.0)
            log.warning("collector refused the device (%s); sending stopped, spool kept", code)
            if self._on_refused is not None:
                self._on_refused(code)
            return Outcome(0, 0.0, status)
        code = error_code(response) if status < 500 or status == 503 else f"http_{status}"
        return self._backoff(code, _retry_after(response), status)

    def _backoff(self, code: str, retry_after: float | None, status: int | None = None) -> Outcome:
        self._failures += 1
        cfg = self.config
        ceiling = min(cfg.retry_max_s, cfg.retry_base_s * 2 ** min(self._failures, 30))
        wait = self._rng.uniform(0, ceiling)  # full jitter
        if retry_after is not None:
            wait = retry_after + self._rng.uniform(0, min(1.0, retry_after / 4))
        self.waits.append(wait)
        self._not_before = time.monotonic() + wait
        self._set(state="backoff", last_error=code, retry_in_s=round(wait, 3))
        log.info("batch not delivered (%s); next try in %.1f s", code, wait)
        return Outcome(0, wait, status)

    def _too_large(self, rows: list[SpoolRow]) -> Outcome:
        if len(rows) > 1:
            self._batch_size = max(1, len(rows) // 2)
            log.info("batch too large; splitting to %d events", self._batch_size)
            return Outcome(0, 0.0, 413)
        row = rows[0]
        make = self._make_gap
        gap = make(row.seq, row.seq, 1, self.spool.allocate_seq(), "dropped") if make else None
        if make is not None and gap is not None:

            def evicted(from_seq: int, to_seq: int, count: int, seq: int) -> ev.GapEvent:
                made = make(from_seq, to_seq, count, seq, "quota_evicted")
                assert made is not None
                return made

            self.spool.append([gap], evicted)
        self.spool.delete([row.rowid])
        log.error("one event is too large for any batch; replaced by a gap (seq %d)", row.seq)
        return Outcome(1, 0.0, 413)

    def _acknowledge(self, rows: list[SpoolRow], response: httpx.Response) -> Outcome:
        try:
            answer = msgspec.json.decode(response.content, type=_Answer)
        except msgspec.DecodeError:
            return self._backoff("answer_invalid", None, 200)
        by_id = {r.event_id: r.rowid for r in rows}
        acked_ids = set(answer.duplicates)
        for q in answer.quarantined:
            if q.event_id is not None:
                acked_ids.add(q.event_id)
            elif q.index is not None and 0 <= q.index < len(rows):
                acked_ids.add(rows[q.index].event_id)
        total = answer.accepted + len(answer.duplicates) + len(answer.quarantined)
        if total == len(rows):
            gone = [r.rowid for r in rows]
        else:  # unexpected: keep what is not named; a resend comes back as duplicates
            gone = [by_id[i] for i in acked_ids if i in by_id]
        deleted = self.spool.delete(gone)
        self._failures = 0
        self._pending = None
        if answer.hints is not None:
            self._follow(answer.hints)
        if self._batch_size < self._hint_size:
            self._batch_size = min(self._hint_size, self._batch_size * 2)
        status = self.status
        self._set(
            state="idle",
            last_upload=self._clock.now(),
            last_error=None,
            retry_in_s=0.0,
            acknowledged=status.acknowledged + deleted,
        )
        log.info(
            "batch delivered: %d events (%d accepted, %d duplicates, %d quarantined)",
            len(rows),
            answer.accepted,
            len(answer.duplicates),
            len(answer.quarantined),
        )
        return Outcome(deleted, 0.0, 200)

    def _follow(self, hints: Hints) -> None:
        if hints.max_batch_events > 0:
            self._hint_size = min(self.config.max_batch_events, hints.max_batch_events)
            self._batch_size = min(self._batch_size, self._hint_size)
        if hints.flush_interval_ms > 0:
            self._flush_s = hints.flush_interval_ms / 1000


def _retry_after(response: httpx.Response) -> float | None:
    """``Retry-After`` in seconds (delta or HTTP date), capped; ``None`` when absent."""
    value = response.headers.get("retry-after")
    if not value:
        return None
    try:
        return min(_RETRY_AFTER_CAP_S, max(0.0, float(value)))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    delta = when.timestamp() - time.time()
    return min(_RETRY_AFTER_CAP_S, max(0.0, delta))
