"""The client side of ``bench/ingest.py``: the workload, its encoding, and the sender process.

The sender process generates the workload once (one event stream per sender), encodes every
batch body for the system under test before the clock starts, and then posts them with one
thread and one keep-alive connection per sender, released together. Running it in its own
process keeps the client off the parent's GIL, where the measurement runs.
"""

from __future__ import annotations

import contextlib
import math
import multiprocessing as mp
import signal
import threading
import time
import traceback
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from multiprocessing.connection import Connection
from typing import Any, Literal

import httpx
import msgspec

from workprint.core import events as ev
from workprint.core.ids import uuid7
from workprint.demo.workload import WorkloadSpec, batch_of, generate

System = Literal["workprint", "aw-server", "floor"]
"""``floor``: the bare store of ``_floor.py``, sent the same bodies as Workprint."""

MAX_TRIES = 30
"""Tries per batch on 429/503 before it counts as failed (each waits Retry-After, 5 s at most)."""


@dataclass(frozen=True, slots=True)
class Workload:
    """What every system receives: ``senders`` streams of ``events_per_sender`` events."""

    senders: int
    events_per_sender: int
    batch_size: int
    seed: int
    start: datetime

    @property
    def total(self) -> int:
        return self.senders * self.events_per_sender

    @property
    def batches(self) -> int:
        return self.senders * math.ceil(self.events_per_sender / self.batch_size)


@dataclass(frozen=True, slots=True)
class Credential:
    """One sender's identity at the system under test."""

    device_id: str
    grant_id: str = ""
    token: str = ""
    """Workprint: the device's bearer token."""
    bucket_id: str = ""
    """aw-server: the sender's bucket."""


@dataclass(frozen=True, slots=True)
class Target:
    system: System
    credentials: tuple[Credential, ...]


Body = tuple[bytes, int]
"""An encoded request body and the number of events in it."""


def placeholder_device(index: int) -> str:
    """The device id of sender ``index`` before enrollment (and at aw-server)."""
    return f"dev_bench{index:02d}"


def templates(workload: Workload) -> list[list[ev.EventBase]]:
    """The events of each sender, with placeholder device and grant ids."""
    return [
        list(
            generate(
                WorkloadSpec(
                    device_id=placeholder_device(i),
                    grant_id="grant_bench",
                    seed=workload.seed + i,
                    start=workload.start,
                ),
                workload.events_per_sender,
            )
        )
        for i in range(workload.senders)
    ]


def _stamped(events: Sequence[ev.EventBase], cred: Credential) -> list[ev.EventBase]:
    """The events as the enrolled device sends them: its device id and its capture grant."""
    consent = ev.Consent(grant_id=cred.grant_id, notice_version=events[0].consent.notice_version)
    return [msgspec.structs.replace(e, device_id=cred.device_id, consent=consent) for e in events]


def aw_event(event: ev.EventBase) -> dict[str, Any]:
    """The aw-server form of an event: timestamp, duration in seconds, every other field as
    ``data``."""
    data = msgspec.to_builtins(event)
    timestamp = data.pop("occurred_at")
    duration_ms = data.pop("duration_ms", 0)
    return {"timestamp": timestamp, "duration": duration_ms / 1000, "data": data}


def encode_bodies(
    target: Target, streams: list[list[ev.EventBase]], batch_size: int
) -> list[list[Body]]:
    """Every request body of every sender, in sending order."""
    bodies: list[list[Body]] = []
    for cred, events in zip(target.credentials, streams, strict=True):
        mine: list[Body] = []
        for start in range(0, len(events), batch_size):
            chunk = events[start : start + batch_size]
            if target.system != "aw-server":
                body = ev.encode(batch_of(_stamped(chunk, cred)))
            else:
                body = msgspec.json.encode([aw_event(e) for e in chunk])
            mine.append((body, len(chunk)))
        bodies.append(mine)
    return bodies


def soak_stream(
    events: list[ev.EventBase],
    cred: Credential,
    batch_size: int,
    rate: float,
    deadline: float,
) -> Iterator[Body]:
    """Fresh Workprint batches until ``deadline``: the sender's events again and again, with
    new event ids and rising seqs, at ``rate`` events/s (0: as fast as they are answered)."""
    consent = ev.Consent(grant_id=cred.grant_id, notice_version=events[0].consent.notice_version)
    interval = batch_size / rate if rate > 0 else 0.0
    next_at = time.monotonic()
    seq = 0
    while time.monotonic() < deadline:
        chunk: list[ev.EventBase] = []
        for _ in range(batch_size):
            template = events[seq % len(events)]
            seq += 1
            chunk.append(
                msgspec.structs.replace(
                    template, event_id=uuid7(), seq=seq, device_id=cred.device_id, consent=consent
                )
            )
        yield ev.encode(batch_of(chunk)), len(chunk)
        if interval:
            next_at += interval
            time.sleep(max(0.0, min(next_at - time.monotonic(), deadline - time.monotonic())))


# ----------------------------------------------------------------------------- sending


@dataclass(slots=True)
class SendStats:
    """What the senders saw in one run."""

    accepted: int = 0
    batches: int = 0
    failed: int = 0
    retries: int = 0
    duplicates: int = 0
    quarantined: int = 0
    wall_s: float = 0.0
    latencies_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def merge(self, other: SendStats) -> None:
        self.accepted += other.accepted
        self.batches += other.batches
        self.failed += other.failed
        self.retries += other.retries
        self.duplicates += other.duplicates
        self.quarantined += other.quarantined
        self.latencies_ms.extend(other.latencies_ms)
        self.errors.extend(other.errors[:3])


class _Answer(msgspec.Struct):
    accepted: int
    duplicates: list[str]
    quarantined: list[msgspec.Raw]


_decode_answer = msgspec.json.Decoder(_Answer).decode


def _route(system: System, cred: Credential) -> tuple[str, dict[str, str]]:
    if system != "aw-server":
        return "/v1/ingest/batch", {
            "Authorization": f"Bearer {cred.token}",
            "Content-Type": "application/json",
        }
    return f"/api/0/buckets/{cred.bucket_id}/events", {"Content-Type": "application/json"}


def _send_stream(
    system: System,
    base_url: str,
    cred: Credential,
    bodies: Iterator[Body],
    deadline: float,
    progress: Any,
) -> SendStats:
    """Post one sender's bodies in order on one connection; 429/503 are retried after
    Retry-After, as an agent does."""
    stats = SendStats()
    path, headers = _route(system, cred)
    with httpx.Client(base_url=base_url, headers=headers, timeout=120.0) as client:
        for body, n in bodies:
            if time.monotonic() > deadline:
                stats.errors.append("deadline reached")
                break
            started = time.perf_counter()
            for attempt in range(MAX_TRIES):
                try:
                    answer = client.post(path, content=body)
                except httpx.HTTPError as exc:
                    stats.failed += 1
                    stats.errors.append(f"{type(exc).__name__}: {exc}")
                    return stats
                if answer.status_code not in (429, 503) or attempt + 1 == MAX_TRIES:
                    break
                stats.retries += 1
                time.sleep(min(float(answer.headers.get("retry-after", "1")), 5.0))
            stats.latencies_ms.append((time.perf_counter() - started) * 1000)
            if answer.status_code != 200:
                stats.failed += 1
                stats.errors.append(f"HTTP {answer.status_code}: {answer.text[:200]}")
                continue
            stats.batches += 1
            if system != "aw-server":
                result = _decode_answer(answer.content)
                accepted = result.accepted
                stats.duplicates += len(result.duplicates)
                stats.quarantined += len(result.quarantined)
            else:
                accepted = n  # aw-server answers null to a bulk insert; 200 means all stored
            stats.accepted += accepted
            with progress.get_lock():
                progress.value += accepted
    return stats


def _run_senders(
    system: System,
    base_url: str,
    credentials: Sequence[Credential],
    streams: Sequence[Iterator[Body]],
    seconds: float,
    progress: Any,
) -> SendStats:
    """All senders at once: threads released together, wall time to the last answer."""
    results: list[SendStats | None] = [None] * len(streams)
    go = threading.Event()
    deadline = time.monotonic() + seconds

    def sender(i: int) -> None:
        go.wait()
        try:
            results[i] = _send_stream(
                system, base_url, credentials[i], streams[i], deadline, progress
            )
        except Exception as exc:  # recorded for the parent, then shown by the thread
            results[i] = SendStats(failed=1, errors=[f"{type(exc).__name__}: {exc}"])
            raise

    threads = [
        threading.Thread(target=sender, args=(i,), name=f"sender-{i}", daemon=True)
        for i in range(len(streams))
    ]
    for t in threads:
        t.start()
    started = time.perf_counter()
    go.set()
    for t in threads:
        t.join(max(1.0, deadline + 180 - time.monotonic()))
    total = SendStats(wall_s=time.perf_counter() - started)
    for i, result in enumerate(results):
        if result is None:
            total.failed += 1
            total.errors.append(f"sender {i} did not finish")
        else:
            total.merge(result)
    return total


def _sender_main(conn: Connection, workload: Workload, progress: Any) -> None:
    """The sender process: generates the workload once, then serves the parent's commands.

    ``("prepare", Target)`` encodes every body; ``("go", (base_url, seconds))`` sends them;
    ``("soak", (Target, base_url, seconds, rate))`` sends fresh events for ``seconds``; anything
    else ends the process. Each answer is ``("ok", value)`` or ``("error", traceback)``.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and stops us
    try:
        streams = templates(workload)
        conn.send(("ok", None))
        target: Target | None = None
        bodies: list[list[Body]] = []
        while True:
            command, arg = conn.recv()
            if command == "prepare":
                target = arg
                bodies = encode_bodies(arg, streams, workload.batch_size)
                conn.send(("ok", sum(len(b) for mine in bodies for b, _ in mine)))
            elif command == "go" and target is not None:
                base_url, seconds = arg
                progress.value = 0
                its = [iter(mine) for mine in bodies]
                stats = _run_senders(
                    target.system, base_url, target.credentials, its, seconds, progress
                )
                bodies = []
                conn.send(("ok", stats))
            elif command == "soak":
                soak_target, base_url, seconds, rate = arg
                progress.value = 0
                until = time.monotonic() + seconds
                per_sender = rate / len(soak_target.credentials)
                its = [
                    soak_stream(mine, cred, workload.batch_size, per_sender, until)
                    for mine, cred in zip(streams, soak_target.credentials, strict=True)
                ]
                stats = _run_senders(
                    "workprint", base_url, soak_target.credentials, its, seconds + 60, progress
                )
                conn.send(("ok", stats))
            else:
                return
    except Exception:
        conn.send(("error", traceback.format_exc()))
        raise


class SenderProcess:
    """The parent's handle on the sender process; stopped on every exit path."""

    def __init__(self, workload: Workload) -> None:
        ctx = mp.get_context("spawn")
        self.progress = ctx.Value("q", 0)
        """Events committed so far in the current run (read by the parent's soak report)."""
        self._conn, child = ctx.Pipe()
        self._proc = ctx.Process(
            target=_sender_main,
            args=(child, workload, self.progress),
            name="bench-senders",
            daemon=True,
        )
        self._proc.start()
        child.close()
        try:
            self._answer(300)
        except BaseException:
            self.close()
            raise

    @property
    def pid(self) -> int:
        assert self._proc.pid is not None
        return self._proc.pid

    def __enter__(self) -> SenderProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _answer(self, timeout: float) -> Any:
        deadline = time.monotonic() + timeout
        while not self._conn.poll(1.0):
            if not self._proc.is_alive():
                raise RuntimeError("the sender process died")
            if time.monotonic() > deadline:
                raise RuntimeError(f"the sender process did not answer in {timeout:.0f} s")
        status, value = self._conn.recv()
        if status == "error":
            raise RuntimeError(f"the sender process failed:\n{value}")
        return value

    def prepare(self, target: Target) -> int:
        """Encode every body for ``target``; returns their total size in bytes."""
        self._conn.send(("prepare", target))
        return int(self._answer(600))

    def send(self, base_url: str, seconds: float) -> SendStats:
        """Send the prepared bodies; ``seconds`` bounds the sending."""
        self._conn.send(("go", (base_url, seconds)))
        stats: SendStats = self._answer(seconds + 300)
        return stats

    def soak(self, target: Target, base_url: str, seconds: float, rate: float) -> SendStats:
        """Send fresh events to a Workprint collector for ``seconds``."""
        self._conn.send(("soak", (target, base_url, seconds, rate)))
        stats: SendStats = self._answer(seconds + 300)
        return stats

    def close(self) -> None:
        with contextlib.suppress(OSError, ValueError):
            self._conn.send(("stop", None))
        self._proc.join(10)
        if self._proc.is_alive():
            self._proc.terminate()
            self._proc.join(5)
        if self._proc.is_alive():
            self._proc.kill()
            self._proc.join()
        self._conn.close()
