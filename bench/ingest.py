"""Ingest throughput of the Workprint collector against ActivityWatch's aw-server, same events.

Run it from the repository root::

    .venv/bin/python bench/ingest.py --quick        # about 30 s
    .venv/bin/python bench/ingest.py                # the full comparison (about 2 minutes)
    .venv/bin/python bench/ingest.py --write-docs   # the same, then rewrites docs/benchmarks.md
    .venv/bin/python bench/ingest.py --soak 600     # the SQLite collector's memory over 10 min

One run generates one workload with :mod:`workprint.demo.workload` (small click, type and key
events, and ``observe`` snapshots of 20-60 elements), one stream per sender. A separate sender
process (``_load.py``) encodes every batch body before the clock starts and then posts them
over loopback, one thread and one keep-alive connection per sender. The same events go to:

* the real collector (``workprint serve`` as a subprocess, through
  :func:`workprint.demo.run.running_collector`) on SQLite and on PostgreSQL, once for each
  ``--workers`` value, every sender an enrolled device with a capture grant;
* aw-server from PyPI, in its own virtual environment ``.venv-bench-aw`` (made on first use),
  one bucket per sender, through its REST bulk insert.

Each run reports committed events per second (the ``accepted`` counts of 200 answers over the
wall time from the first request to the last answer), the p50 and p99 batch latency, the peak
memory and the CPU time of the server's process tree and of the senders, and then checks that
the store holds exactly the events sent. The ratios (Workprint over aw-server on SQLite,
PostgreSQL over SQLite) come from runs made in the same invocation, on the same machine.

All traffic goes to 127.0.0.1; every loop is bounded in count and time; the servers and the
sender process are stopped on every exit path.
"""

from __future__ import annotations

import argparse
import contextlib
import sqlite3
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import sqlalchemy as sa
from _load import (
    Credential,
    SenderProcess,
    SendStats,
    System,
    Target,
    Workload,
    placeholder_device,
)
from _report import MB, Machine, RunResult, SoakResult, Summary, print_report, write_docs
from _servers import (
    TreeSample,
    TreeWatch,
    aw_version,
    child_serving,
    cpu_seconds,
    cpu_since,
    ensure_aw_venv,
    postgres_cpu,
    postgres_schema,
    postgres_version,
    running_aw_server,
    running_floor,
    sqlite_database,
)

from workprint.collector.admin import enroll
from workprint.demo.run import free_port, running_collector
from workprint.demo.workload import WORKLOAD_ORIGIN, WorkloadSpec
from workprint.governance import policies
from workprint.governance.consent import Purpose
from workprint.store import migrate
from workprint.store.engine import create_engine
from workprint.store.events import count_events, count_quarantined

ROOT = Path(__file__).resolve().parents[1]
DOCS_PAGE = ROOT / "docs" / "benchmarks.md"
AW_VENV = ROOT / ".venv-bench-aw"
DEFAULT_PG_URL = "postgresql://postgres@127.0.0.1:5432/test"
DEFAULT_WORKERS = 2
"""Collector worker processes where one setting is run (``--quick``, a soak alone): one per
core of the 2-core reference machine, as a deployment runs it. Since the workers even out
their connections, two commit 1.8x the events per second of one there, at a lower p99."""


# ----------------------------------------------------------------------------- runs


def _enroll_all(engine: sa.Engine, senders: int) -> tuple[Credential, ...]:
    """The senders' devices, under a policy that records the workload's tool in mode
    ``redacted`` (the collector stores nothing of an origin the policy does not allow, and
    redacts what it stores again: the run measures that pass too)."""
    policies.allow(engine, WORKLOAD_ORIGIN, "redacted", actor="bench")
    creds = []
    for i in range(senders):
        e = enroll(engine, f"bench{i:02d}", purposes=[Purpose.CAPTURE], actor="bench")
        creds.append(Credential(device_id=e.device_id, grant_id=e.grants[0], token=e.token))
    return tuple(creds)


@dataclass(frozen=True, slots=True)
class _Measured:
    stats: SendStats
    watch: TreeWatch
    client_cpu_s: float
    db_cpu_s: float | None


def _measured_send(
    senders: SenderProcess, port: int, base: str, seconds: float, *, postgres: bool = False
) -> _Measured:
    """Send the prepared bodies to the server on ``port``, watching it and the senders."""
    client_before = cpu_seconds(senders.pid)
    db_before = postgres_cpu() if postgres else {}
    with TreeWatch(child_serving(port)) as watch:
        stats = senders.send(base, seconds)
    db_cpu = cpu_since(db_before, postgres_cpu()) if postgres else None
    return _Measured(stats, watch, cpu_seconds(senders.pid) - client_before, db_cpu)


def _result(
    system: System,
    backend: str,
    workers: int | None,
    workload: Workload,
    stored: int,
    m: _Measured,
    body_bytes: int,
) -> RunResult:
    return RunResult(
        system=system,
        backend=backend,
        workers=workers,
        sent=workload.total,
        stored=stored,
        stats=m.stats,
        peak_rss=m.watch.peak_rss,
        peak_pss=m.watch.peak_pss,
        server_cpu_s=m.watch.cpu_s,
        client_cpu_s=m.client_cpu_s,
        db_cpu_s=m.db_cpu_s,
        body_bytes=body_bytes,
        # The supervisor of several workers only waits: its CPU is not a worker's.
        worker_cpu_s=tuple(c for c in m.watch.cpu_by_process if c >= 0.01 * m.stats.wall_s)
        if workers is not None and workers > 1
        else (),
    )


def run_workprint(
    senders: SenderProcess,
    workload: Workload,
    backend: str,
    db_url: str,
    workers: int,
    seconds: float,
) -> RunResult:
    """One run against ``workprint serve`` on ``db_url``; the store is counted afterwards."""
    engine = create_engine(db_url)
    try:
        migrate.upgrade(engine)
        size = senders.prepare(Target("workprint", _enroll_all(engine, workload.senders)))
        port = free_port()
        with running_collector(db_url, port, workers=workers) as base:
            m = _measured_send(senders, port, base, seconds, postgres=backend == "PostgreSQL")
        stored = count_events(engine)
        m.stats.quarantined += count_quarantined(engine)
    finally:
        engine.dispose()
    return _result("workprint", backend, workers, workload, stored, m, size)


def run_floor(
    senders: SenderProcess, workload: Workload, workers: int, seconds: float
) -> RunResult:
    """One run against the floor (``_floor.py`` under uvicorn): the same bodies as Workprint,
    stored as id and bytes only."""
    creds = tuple(
        Credential(device_id=placeholder_device(i), token="floor") for i in range(workload.senders)
    )
    size = senders.prepare(Target("floor", creds))
    port = free_port()
    with (
        tempfile.TemporaryDirectory(prefix="floor-bench-") as home,
        running_floor(Path(home) / "floor.db", port, workers) as base,
    ):
        m = _measured_send(senders, port, base, seconds)
        with contextlib.closing(sqlite3.connect(Path(home) / "floor.db")) as db:
            stored = int(db.execute("SELECT COUNT(*) FROM events").fetchone()[0])
    return _result("floor", "SQLite", workers, workload, stored, m, size)


def run_aw(senders: SenderProcess, workload: Workload, exe: Path, seconds: float) -> RunResult:
    """One run against aw-server: a bucket per sender, then the same batches."""
    creds = tuple(
        Credential(device_id=placeholder_device(i), bucket_id=f"workprint-bench-{i:02d}")
        for i in range(workload.senders)
    )
    size = senders.prepare(Target("aw-server", creds))
    port = free_port()
    with (
        tempfile.TemporaryDirectory(prefix="aw-bench-") as home,
        running_aw_server(exe, port, Path(home)) as base,
        httpx.Client(base_url=base, timeout=60) as client,
    ):
        for cred in creds:
            client.post(
                f"/api/0/buckets/{cred.bucket_id}",
                json={"client": "workprint-bench", "type": "workprint.event", "hostname": "bench"},
            ).raise_for_status()
        m = _measured_send(senders, port, base, seconds)
        stored = 0
        for cred in creds:
            answer = client.get(f"/api/0/buckets/{cred.bucket_id}/events/count")
            answer.raise_for_status()
            stored += int(answer.json())
    return _result("aw-server", "SQLite (peewee)", None, workload, stored, m, size)


def run_soak(
    senders: SenderProcess, workload: Workload, seconds: float, rate: float, workers: int
) -> SoakResult:
    """Fresh events to the SQLite collector for ``seconds``, its memory sampled throughout."""
    with sqlite_database() as db_url:
        engine = create_engine(db_url)
        try:
            migrate.upgrade(engine)
            target = Target("workprint", _enroll_all(engine, workload.senders))
            port = free_port()
            every = max(1.0, min(10.0, seconds / 60))
            printed = TreeSample(-every, 0, 0)
            committed = 0

            def report(sample: TreeSample) -> None:
                nonlocal printed, committed
                if sample.at_s - printed.at_s < every - 0.25:
                    return
                done = senders.progress.value
                eps = (done - committed) / (sample.at_s - max(0.0, printed.at_s))
                printed, committed = sample, done
                print(
                    f"  {sample.at_s:6.0f} s  RSS {sample.rss / MB:6.1f} MB  "
                    f"PSS {sample.pss / MB:6.1f} MB  {done:>11,} events  {eps:>7,.0f}/s",
                    flush=True,
                )

            with (
                running_collector(db_url, port, workers=workers) as base,
                TreeWatch(child_serving(port), 1.0, report) as watch,
            ):
                stats = senders.soak(target, base, seconds, rate)
            stored = count_events(engine)
            database = Path(str(engine.url.database))
            size = sum(p.stat().st_size for p in database.parent.iterdir())
        finally:
            engine.dispose()
    return SoakResult(
        seconds=seconds,
        rate=rate,
        workers=workers,
        samples=watch.samples,
        stats=stats,
        stored=stored,
        db_bytes=size,
    )


# ----------------------------------------------------------------------------- main


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Ingest throughput of Workprint's collector against aw-server, same events.",
    )
    parser.add_argument("--quick", action="store_true", help="a run of about 30 s")
    parser.add_argument("--senders", type=int, default=8, help="concurrent senders (devices)")
    parser.add_argument(
        "--events", type=int, help="events in all (default 200,000; --quick 64,000)"
    )
    parser.add_argument("--batch", type=int, default=500, help="events per batch")
    parser.add_argument("--seed", type=int, default=7, help="seed of the workload")
    parser.add_argument(
        "--workers",
        type=int,
        nargs="+",
        help=f"collector worker processes, one run each (default 1 2; --quick and a soak "
        f"alone {DEFAULT_WORKERS}; a soak uses the fastest)",
    )
    parser.add_argument("--pg-url", default=DEFAULT_PG_URL, help="PostgreSQL database URL")
    parser.add_argument("--no-postgres", action="store_true", help="skip PostgreSQL")
    parser.add_argument("--no-aw", action="store_true", help="skip aw-server")
    parser.add_argument("--no-floor", action="store_true", help="skip the floor (bench/_floor.py)")
    parser.add_argument(
        "--run-seconds", type=float, default=600, help="bound on the sending of one run"
    )
    parser.add_argument(
        "--soak",
        type=float,
        metavar="SECONDS",
        help="soak mode: only a memory soak of the SQLite collector (with --write-docs, "
        "after the comparison, and the page carries both)",
    )
    parser.add_argument(
        "--soak-rate",
        type=float,
        default=10_000,
        help="events/s cap during the soak, which bounds its disk use (0: none; default 10,000)",
    )
    parser.add_argument(
        "--write-docs", action="store_true", help=f"rewrite {DOCS_PAGE.relative_to(ROOT)}"
    )
    args = parser.parse_args(argv)
    if args.events is None:
        args.events = 64_000 if args.quick else 200_000
    if args.workers is None:
        only_soak = args.soak is not None and not args.write_docs
        args.workers = [DEFAULT_WORKERS] if args.quick or only_soak else [1, 2]
    if args.soak is not None and not 1 <= args.soak <= 3600:
        parser.error("--soak takes 1 to 3600 seconds")
    if args.senders < 1 or args.batch < 1 or args.events < args.senders:
        parser.error("needs a sender, a batch size >= 1 and an event per sender")
    if min(args.workers) < 1:
        parser.error("--workers takes counts >= 1")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    per_sender = args.events // args.senders
    workload = Workload(
        senders=args.senders,
        events_per_sender=per_sender,
        batch_size=args.batch,
        seed=args.seed,
        # In the past, or aw-server logs a warning per event that "reaches into the future".
        start=min(
            WorkloadSpec(device_id="", grant_id="").start,
            datetime.now(UTC) - timedelta(days=1, seconds=4 * per_sender),
        ),
    )
    compare = args.soak is None or args.write_docs
    pg = postgres_version(args.pg_url) if compare and not args.no_postgres else None
    if compare and not args.no_postgres and pg is None:
        print(f"PostgreSQL at {args.pg_url} is not reachable: its runs are skipped")
    aw_exe = ensure_aw_venv(AW_VENV) if compare and not args.no_aw else None
    machine = Machine.describe(pg, aw_version(AW_VENV) if aw_exe else None)
    print(
        f"workload: {workload.total:,} events, {workload.senders} senders, batches of "
        f"{workload.batch_size}; generating ...",
        flush=True,
    )
    results: list[RunResult] = []
    soak: SoakResult | None = None
    with SenderProcess(workload) as senders:
        if compare:
            for workers in args.workers:
                _announce("SQLite", workers)
                with sqlite_database() as url:
                    results.append(
                        run_workprint(senders, workload, "SQLite", url, workers, args.run_seconds)
                    )
                _progress(results[-1])
            for workers in args.workers if pg else []:
                _announce("PostgreSQL", workers)
                with postgres_schema(args.pg_url) as url:
                    results.append(
                        run_workprint(
                            senders, workload, "PostgreSQL", url, workers, args.run_seconds
                        )
                    )
                _progress(results[-1])
            if not args.no_floor:
                for workers in args.workers:
                    print(f"floor (bare ASGI + SQLite), {workers} worker(s) ...", flush=True)
                    results.append(run_floor(senders, workload, workers, args.run_seconds))
                    _progress(results[-1])
            if aw_exe is not None:
                print("aw-server ...", flush=True)
                results.append(run_aw(senders, workload, aw_exe, args.run_seconds))
                _progress(results[-1])
        if args.soak is not None:
            best = Summary.of(results).sqlite
            workers = args.workers[0] if best is None else (best.workers or DEFAULT_WORKERS)
            cap = f"{args.soak_rate:,.0f} events/s" if args.soak_rate else "none"
            print(
                f"soak: {args.soak:.0f} s to the SQLite collector, {workers} worker(s), "
                f"rate cap {cap} ...",
                flush=True,
            )
            soak = run_soak(senders, workload, args.soak, args.soak_rate, workers)
    print_report(workload, machine, results, soak)
    if args.write_docs:
        command = " ".join(["bench/ingest.py", *(sys.argv[1:] if argv is None else argv)])
        write_docs(DOCS_PAGE, workload, machine, results, soak, command)
        print(f"\nwrote {DOCS_PAGE.relative_to(ROOT)}")
    broken = [f"{r.label} on {r.backend}" for r in results if not r.verified]
    if soak is not None and not soak.ok:
        broken.append("the soak")
    if broken:
        print(
            "NOT VERIFIED (failed batches, or the store does not hold exactly the events "
            "sent): " + "; ".join(broken)
        )
        return 1
    return 0


def _announce(backend: str, workers: int) -> None:
    print(f"Workprint on {backend}, {workers} worker{'s' if workers != 1 else ''} ...", flush=True)


def _progress(r: RunResult) -> None:
    print(
        f"  {r.events_per_s:,.0f} events/s, p50 {r.latency_ms(0.5):.0f} ms, p99 "
        f"{r.latency_ms(0.99):.0f} ms, peak RSS {r.peak_rss / MB:.0f} MB, stored "
        f"{r.stored:,} of {r.sent:,}",
        flush=True,
    )


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        print("interrupted; servers stopped, temporary data removed", file=sys.stderr)
        sys.exit(130)
