"""The results of ``bench/ingest.py``: what one run measured, the table, the targets, the page.

:func:`write_docs` writes ``docs/benchmarks.md`` from one invocation's measurements only, so
the page never quotes a figure that the script did not produce.
"""

from __future__ import annotations

import contextlib
import math
import os
import platform
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import psutil
from _load import SendStats, System, Workload
from _servers import AW_REQUIREMENTS, TreeSample

MB = 2**20
TARGET_EPS = 50_000.0
TARGET_VS_AW = 15.0
TARGET_P99_MS = 250.0
TARGET_PG_VS_SQLITE = 0.5
TARGET_RSS_MB = 300.0
FLAT_MB = 30.0
"""Growth past the settled RSS, over a soak, that still counts as flat."""


# ----------------------------------------------------------------------------- results


@dataclass(frozen=True, slots=True)
class RunResult:
    system: System
    backend: str
    workers: int | None
    sent: int
    stored: int
    stats: SendStats
    peak_rss: int
    peak_pss: int
    server_cpu_s: float
    client_cpu_s: float
    db_cpu_s: float | None
    """PostgreSQL's own processes (a separate server, so not in ``server_cpu_s``)."""
    body_bytes: int
    worker_cpu_s: tuple[float, ...] = ()
    """CPU seconds of each collector worker process (several workers only), busiest first."""

    @property
    def events_per_s(self) -> float:
        return self.stats.accepted / self.stats.wall_s if self.stats.wall_s else 0.0

    def latency_ms(self, q: float) -> float:
        """The ``q`` quantile of batch latency (nearest rank)."""
        values = sorted(self.stats.latencies_ms)
        if not values:
            return math.nan
        return values[max(0, math.ceil(q * len(values)) - 1)]

    @property
    def verified(self) -> bool:
        """Every batch answered 200 and the store holds exactly the events sent."""
        return (
            self.stats.failed == 0
            and self.stats.accepted == self.sent
            and self.stored == self.sent
            and self.stats.quarantined == 0
        )

    @property
    def label(self) -> str:
        if self.system == "aw-server":
            return "aw-server"
        if self.system == "floor":
            return f"floor (bare store), {self.workers} worker{'s' if self.workers != 1 else ''}"
        return f"Workprint, {self.workers} worker{'s' if self.workers != 1 else ''}"


@dataclass(frozen=True, slots=True)
class SoakResult:
    seconds: float
    rate: float
    workers: int
    samples: list[TreeSample]
    stats: SendStats
    stored: int
    db_bytes: int
    """Size of the SQLite database (and its WAL) at the end."""

    def _mb(self, sample: TreeSample) -> float:
        return sample.rss / MB

    @property
    def start_mb(self) -> float:
        return self._mb(self.samples[0])

    @property
    def peak_mb(self) -> float:
        return max(self._mb(s) for s in self.samples)

    @property
    def end_mb(self) -> float:
        return self._mb(self.samples[-1])

    @property
    def settled_mb(self) -> float:
        """RSS once the first tenth of the soak is over (caches and pools filled)."""
        cut = self.samples[-1].at_s / 10
        return self._mb(next((s for s in self.samples if s.at_s >= cut), self.samples[-1]))

    @property
    def flat(self) -> bool:
        return self.peak_mb - self.settled_mb <= FLAT_MB

    @property
    def ok(self) -> bool:
        return self.stats.failed == 0 and self.stored == self.stats.accepted


# ----------------------------------------------------------------------------- report


@dataclass(frozen=True, slots=True)
class Machine:
    cpu: str
    cores: int
    memory_gib: float
    os: str
    python: str
    sqlite: str
    postgres: str | None
    aw: str | None

    @classmethod
    def describe(cls, postgres: str | None, aw: str | None) -> Machine:
        cpu = platform.processor() or "unknown CPU"
        with contextlib.suppress(OSError):
            for line in Path("/proc/cpuinfo").read_text().splitlines():
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
        return cls(
            cpu=cpu,
            cores=os.cpu_count() or 0,
            memory_gib=psutil.virtual_memory().total / 2**30,
            os=f"{platform.system()} {platform.release()}",
            python=platform.python_version(),
            sqlite=sqlite3.sqlite_version,
            postgres=postgres,
            aw=aw,
        )

    def lines(self) -> list[str]:
        return [
            f"{self.cpu}, {self.cores} cores, {self.memory_gib:.0f} GiB, {self.os}",
            f"Python {self.python}, SQLite {self.sqlite}, "
            f"PostgreSQL {self.postgres or 'not run'}, aw-server {self.aw or 'not run'}",
        ]


@dataclass(frozen=True, slots=True)
class Summary:
    """The runs the ratios and targets are computed from: the fastest of each backend."""

    sqlite: RunResult | None
    postgres: RunResult | None
    aw: RunResult | None
    floor: RunResult | None = None

    @classmethod
    def of(cls, results: Sequence[RunResult]) -> Summary:
        def best(system: System, backend: str) -> RunResult | None:
            runs = [r for r in results if r.system == system and r.backend == backend]
            return max(runs, key=lambda r: r.events_per_s, default=None)

        aw = next((r for r in results if r.system == "aw-server"), None)
        return cls(
            best("workprint", "SQLite"),
            best("workprint", "PostgreSQL"),
            aw,
            best("floor", "SQLite"),
        )

    def floor_sentence(self) -> str | None:
        """What the floor says about the targets, when it ran."""
        f = self.floor
        if f is None or not f.events_per_s:
            return None
        text = f"The floor committed **{f.events_per_s:,.0f}** events/s"
        if self.aw is not None and self.aw.events_per_s:
            vs_aw = f.events_per_s / self.aw.events_per_s
            text += (
                f", **{vs_aw:.2f}x** aw-server: storing each event's id and bytes and nothing "
                f"else reaches {vs_aw / TARGET_VS_AW:.0%} of the {TARGET_VS_AW:.0f}x target here"
            )
        if self.sqlite is not None:
            text += (
                f". Workprint on SQLite runs at {self.sqlite.events_per_s / f.events_per_s:.0%} "
                f"of the floor while it authenticates, validates, checks consent, redacts "
                f"again, fills typed columns and indexes, and answers per event; "
                f"{TARGET_EPS:,.0f} events/s would be {TARGET_EPS / f.events_per_s:.0%} of it"
            )
        return text + "."

    @property
    def vs_aw(self) -> float | None:
        if self.sqlite is None or self.aw is None or not self.aw.events_per_s:
            return None
        return self.sqlite.events_per_s / self.aw.events_per_s

    @property
    def pg_vs_sqlite(self) -> float | None:
        if self.sqlite is None or self.postgres is None or not self.sqlite.events_per_s:
            return None
        return self.postgres.events_per_s / self.sqlite.events_per_s


def _ratio(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}x"


def results_table(results: Sequence[RunResult]) -> list[str]:
    """The runs as a Markdown table (the terminal shows the same)."""
    lines = [
        "| system | backend | events/s | p50 ms | p99 ms | peak RSS (PSS) MB "
        "| server cores | sender cores | retries | stored |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in results:
        wall = r.stats.wall_s or math.nan
        stored = "all" if r.verified else f"**{r.stored:,} of {r.sent:,}**"
        lines.append(
            f"| {r.label} | {r.backend} | {r.events_per_s:,.0f} | {r.latency_ms(0.5):.0f} "
            f"| {r.latency_ms(0.99):.0f} | {r.peak_rss / MB:.0f} ({r.peak_pss / MB:.0f}) "
            f"| {_cores(r.server_cpu_s, r.db_cpu_s, wall, r.worker_cpu_s)} "
            f"| {r.client_cpu_s / wall:.2f} "
            f"| {r.stats.retries} | {stored} |"
        )
    return lines


def _cores(server_s: float, db_s: float | None, wall: float, workers: Sequence[float] = ()) -> str:
    text = f"{server_s / wall:.2f}"
    if len(workers) > 1:
        text += " (" + " + ".join(f"{w / wall:.2f}" for w in workers) + ")"
    return text if db_s is None else f"{text} + {db_s / wall:.2f} PostgreSQL"


def _verdict(ok: bool | None) -> str:
    return "not measured" if ok is None else ("met" if ok else "**missed**")


def target_table(summary: Summary, soak: SoakResult | None, senders: int, batch: int) -> list[str]:
    """Each target of the collector against what this invocation measured."""
    s, pg = summary.sqlite, summary.postgres
    p99 = {r.backend: r.latency_ms(0.99) for r in (s, pg) if r is not None}
    rss = [r.peak_rss / MB for r in (s, pg) if r is not None]
    memory = f"peak {max(rss):.0f} MB in the runs above" if rss else "n/a"
    memory_ok: bool | None = max(rss) < TARGET_RSS_MB if rss else None
    if soak is not None:
        memory = (
            f"{soak.seconds:.0f} s soak: settled {soak.settled_mb:.0f} MB, "
            f"peak {soak.peak_mb:.0f} MB, end {soak.end_mb:.0f} MB"
        )
        memory_ok = soak.peak_mb < TARGET_RSS_MB and soak.flat
    rows = [
        (
            f"committed events/s on SQLite, {senders} senders",
            f">= {TARGET_EPS:,.0f}",
            f"{s.events_per_s:,.0f}" if s else "n/a",
            _verdict(s.events_per_s >= TARGET_EPS if s else None),
        ),
        (
            "throughput vs aw-server (SQLite)",
            f">= {TARGET_VS_AW:.0f}x",
            _ratio(summary.vs_aw),
            _verdict(None if summary.vs_aw is None else summary.vs_aw >= TARGET_VS_AW),
        ),
        (
            f"p99 latency of a {batch}-event batch",
            f"< {TARGET_P99_MS:.0f} ms",
            ", ".join(f"{v:.0f} ms ({k})" for k, v in p99.items()) or "n/a",
            _verdict(max(p99.values()) < TARGET_P99_MS if p99 else None),
        ),
        (
            "PostgreSQL throughput vs SQLite",
            "within 2x",
            _ratio(summary.pg_vs_sqlite),
            _verdict(
                None
                if summary.pg_vs_sqlite is None
                else summary.pg_vs_sqlite >= TARGET_PG_VS_SQLITE
            ),
        ),
        (
            "collector memory (RSS of its processes)",
            f"flat, < {TARGET_RSS_MB:.0f} MB",
            memory,
            _verdict(memory_ok),
        ),
    ]
    return [
        "| target | wanted | measured | |",
        "|---|---|---|---|",
        *(f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows),
    ]


def print_report(
    workload: Workload,
    machine: Machine,
    results: Sequence[RunResult],
    soak: SoakResult | None,
) -> None:
    print()
    if results:
        print(
            f"{workload.total:,} events ({workload.senders} senders x "
            f"{workload.events_per_sender:,}), batches of {workload.batch_size}"
        )
    for line in machine.lines():
        print(line)
    summary = Summary.of(results)
    if results:
        print()
        print("\n".join(results_table(results)))
        print()
        print(f"Workprint / aw-server (SQLite): {_ratio(summary.vs_aw)}")
        print(f"Workprint PostgreSQL / SQLite:  {_ratio(summary.pg_vs_sqlite)}")
        if summary.floor_sentence():
            print(str(summary.floor_sentence()).replace("**", ""))
        for r in results:
            if r.stats.errors:
                print(f"{r.label} on {r.backend}: {r.stats.failed} failed, {r.stats.errors[0]}")
    if soak is not None:
        print()
        print(_soak_sentence(soak))
    print()
    table = target_table(summary, soak, workload.senders, workload.batch_size)
    print("\n".join(line for line in table if not line.endswith("| not measured |")))


def _soak_sentence(soak: SoakResult) -> str:
    cap = f"{soak.rate:,.0f} events/s" if soak.rate else "none"
    return (
        f"Soak: {soak.seconds:.0f} s of fresh events to the SQLite collector "
        f"({soak.workers} worker{'s' if soak.workers != 1 else ''}, rate cap {cap}), "
        f"{soak.stats.accepted:,} events committed and {soak.stored:,} stored "
        f"({soak.db_bytes / 2**30:.1f} GiB of database). "
        f"RSS of the collector's processes: start {soak.start_mb:.0f} MB, settled "
        f"{soak.settled_mb:.0f} MB, peak {soak.peak_mb:.0f} MB, end {soak.end_mb:.0f} MB "
        f"({'flat' if soak.flat else 'growing'})."
    )


FLOOR_TEXT = (
    "The floor (`bench/_floor.py`) is the least any collector that stores every event "
    "durably must do, and no more: a bare ASGI application under the same uvicorn reads the "
    "body, decodes the batch, and inserts each event's id and bytes under a unique key in "
    "SQLite (WAL, `synchronous=FULL`, one transaction per batch), then answers how many "
    "were new. No authentication, validation, consent check, redaction, typed columns, "
    "further indexes, quarantine, sequence tracking or log line. It gets the same bodies "
    "from the same senders; what it commits bounds what a collector keeping the contract can "
    "commit on this machine with this Python, HTTP server and SQLite."
)


def write_docs(
    path: Path,
    workload: Workload,
    machine: Machine,
    results: Sequence[RunResult],
    soak: SoakResult | None,
    command: str,
) -> None:
    """Rewrite the benchmarks page from this invocation's measurements."""
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    summary = Summary.of(results)
    kib = results[0].body_bytes / workload.batches / 1024 if results else 0.0
    parts = [
        "# Benchmarks",
        "",
        "```bash",
        ".venv/bin/python bench/ingest.py --write-docs   # the full run; rewrites this page",
        ".venv/bin/python bench/ingest.py --quick        # about 30 s, same table, page untouched",
        ".venv/bin/python bench/ingest.py --soak 600     # collector memory over 10 minutes",
        "```",
        "",
        "Every figure on this page is written by `bench/ingest.py`: never edit them by hand.",
        f"These come from `{command}`, run on {when}.",
        "",
        "## Ingest throughput",
        "",
        f"{workload.total:,} events from {workload.senders} concurrent senders, batches of "
        f"{workload.batch_size}, on one machine: {machine.lines()[0]}; {machine.lines()[1]}.",
        "",
        *results_table(results),
        "",
        f"Workprint / aw-server on SQLite: **{_ratio(summary.vs_aw)}** the committed events "
        f"per second. Workprint on PostgreSQL / on SQLite: **{_ratio(summary.pg_vs_sqlite)}**.",
        "",
        "## Targets",
        "",
        *target_table(summary, soak, workload.senders, workload.batch_size),
        "",
    ]
    if summary.floor_sentence():
        parts += [
            "## The floor of this machine",
            "",
            FLOOR_TEXT,
            "",
            str(summary.floor_sentence()),
            "",
        ]
    if soak is not None:
        parts += ["## Memory soak", "", _soak_sentence(soak), ""]
    parts += [
        "## How it is measured",
        "",
        f"- **Workload**: `workprint.demo.workload.generate`, seed {workload.seed}, one stream "
        "per sender: mostly small `click`, `type`, `key`, `scroll`, `navigate`, `select` and "
        "`focus` events of a CRM session, and an `observe` snapshot of 20-60 interactive "
        f"elements every 8th event; about {kib:.0f} KiB of JSON per batch.",
        "- **The same events for both systems.** For Workprint each sender is an enrolled "
        "device with a capture grant, and its events carry that device id and grant. "
        "aw-server gets each event as `{timestamp, duration, data}` with every other field "
        "(kind, ids, context, target, payload, privacy, consent) in `data`, one bucket per "
        "sender, through `POST /api/0/buckets/<id>/events`, in the same batches.",
        "- **Client**: a separate process encodes every body before the clock starts; then "
        "one thread per sender, each on one keep-alive connection, posts its batches in "
        "order, all senders at once. 429 and 503 answers are retried after `Retry-After`, as "
        "agents do (the retries column counts them).",
        "- **events/s**: events committed (the `accepted` counts of 200 answers; for "
        "aw-server, the events of each 200 batch) over the wall time from the first request "
        "to the last answer. **p50, p99**: one batch, request to answer, retries included.",
        "- **stored**: the store is counted afterwards (`count_events`, aw-server's "
        "`/events/count`); `all` means exactly the events sent, none quarantined or lost.",
        "- **peak RSS (PSS)**: the server's processes (uvicorn's supervisor and workers), "
        "sampled every 0.5 s; RSS counts shared pages once per process, PSS splits them. "
        "**server cores, sender cores**: CPU time over the wall time, of the server's "
        "processes (plus, on PostgreSQL, the database's own processes) and of the sender "
        "process; with several workers, each worker's share in brackets (how evenly the "
        "workers share the senders' connections). Client and server share the machine's "
        "cores, as a fleet of agents never would.",
        "- **Workprint**: `workprint serve` in a subprocess (`running_collector`), default "
        "settings (SQLite in WAL mode with `synchronous=FULL`: an answered batch survives "
        "power loss; the log at INFO, one line per batch); SQLite in a temporary file, "
        "PostgreSQL in a fresh schema dropped afterwards; one run per `--workers` value. "
        "The ratios use the fastest run of each backend.",
        f"- **aw-server**: the PyPI release in `.venv-bench-aw` ({', '.join(AW_REQUIREMENTS)}), "
        "its peewee storage (SQLite in WAL mode, default `synchronous`), data folders in a "
        "temporary directory. Not `--testing`, which turns on Flask's debug mode.",
        "",
    ]
    path.write_text("\n".join(parts))
