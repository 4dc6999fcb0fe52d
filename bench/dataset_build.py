"""Dataset build throughput and memory: steps per second, and peak memory as history grows.

Run it from the repository root::

    .venv/bin/python bench/dataset_build.py                    # 8 people, 2,000 events each
    .venv/bin/python bench/dataset_build.py --people 4 --events 500 --ray

The script fills a fresh SQLite store with the demo workload (fixed seeds; the policy allows
the demo origin in mode ``redacted``), then builds the dataset twice in this process: once
with ``--events`` per person and once with four times as many. It prints, for each, the
wall time, stored events and steps per second, and the peak of Python's traced heap
(``tracemalloc``, in a second, traced build, since tracing slows the build), then the ratio of
the two peaks: the builder reads a person's history in bounded chunks and holds one episode
(at most 500 events here), one chunk of 500 rows per stream and one row group per file at a
time, so four times the history should cost about the same
memory, not four times as much. With ``--ray`` it also builds the smaller store on a local
Ray (one CPU per core) and prints the ratio of its wall time to the local engine's, after
checking that both wrote the same bytes.
"""

from __future__ import annotations

import argparse
import platform
import sys
import tempfile
import time
import tracemalloc
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from workprint.collector.admin import enroll
from workprint.core.clock import to_epoch_ms
from workprint.core.ids import uuid7
from workprint.dataset.build import build_dataset
from workprint.dataset.episodes import EpisodeRules
from workprint.dataset.spec import DatasetSpec, ExportSpec
from workprint.demo.workload import WorkloadSpec, generate
from workprint.governance import policies
from workprint.governance.consent import Purpose
from workprint.privacy.policy import parse
from workprint.store import migrate
from workprint.store.engine import create_engine
from workprint.store.events import BatchWrite, write_batch
from workprint.store.rows import event_to_row

KEY = bytes(range(32))
POLICY = 'version = 2\n[[origins]]\norigin = "http://127.0.0.1:8788"\nmode = "redacted"\n'


def fill(url: str, people: int, events: int) -> None:
    engine = create_engine(url, synchronous="NORMAL")
    migrate.upgrade(engine)
    policies.apply(engine, parse(POLICY), actor="bench")
    for n in range(people):
        person = f"bench{n:04d}"
        enrolled = enroll(engine, person, purposes=[Purpose.CAPTURE, Purpose.TRAINING])
        spec = WorkloadSpec(device_id=enrolled.device_id, grant_id=enrolled.grants[0], seed=n)
        spec.start += timedelta(days=n)
        batch: list = []  # type: ignore[type-arg]
        for event in generate(spec, events):
            batch.append(event)
            if len(batch) == 500:
                _write(engine, person, enrolled.device_id, batch)
                batch = []
        if batch:
            _write(engine, person, enrolled.device_id, batch)
    engine.dispose()


def _write(engine: object, person: str, device: str, batch: list) -> None:  # type: ignore[type-arg]
    sent = to_epoch_ms(batch[-1].occurred_at)
    batch_id = uuid7()
    write_batch(
        engine,  # type: ignore[arg-type]
        BatchWrite(
            batch_id=batch_id,
            device_id=device,
            person_id=person,
            received_at_ms=sent + 25,
            sent_at_ms=sent,
            agent_name="bench",
            agent_version="1",
            events_total=len(batch),
            rows=[
                event_to_row(e, person_id=person, batch_id=batch_id, received_at_ms=sent + 25)
                for e in batch
            ],
        ),
    )


SPEC = DatasetSpec(
    episodes=EpisodeRules(max_events=500), export=ExportSpec(row_group_rows=500, shard_rows=50_000)
)
"""Episodes of at most 500 events and row groups of 500 rows: what the builder holds."""


def measure(
    url: str, out: Path, engine_kind: str = "local", *, trace: bool = False
) -> tuple[float, int, int, int]:
    """(seconds, events read, steps, peak traced bytes or 0) of one build."""
    engine = create_engine(url)
    if trace:
        tracemalloc.start()
    started = time.perf_counter()
    manifest = build_dataset(
        engine,
        out,
        SPEC,
        key=KEY,
        engine_kind=engine_kind,  # type: ignore[arg-type]
        register=False,
        chunk=500,
    )
    seconds = time.perf_counter() - started
    peak = 0
    if trace:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    engine.dispose()
    return seconds, manifest.counts["events_read"], manifest.counts["steps"], peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=8)
    parser.add_argument("--events", type=int, default=2000, help="events per person")
    parser.add_argument("--ray", action="store_true", help="also build on a local Ray")
    args = parser.parse_args()
    print(
        f"machine: {platform.machine()} {platform.processor() or ''} python "
        f"{platform.python_version()}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        peaks = []
        for factor in (1, 4):
            url = f"sqlite:///{root / f'x{factor}.db'}"
            fill(url, args.people, args.events * factor)
            seconds, read, steps, _ = measure(url, root / f"out{factor}")
            peak = measure(url, root / f"traced{factor}", trace=True)[3]
            peaks.append(peak)
            print(
                f"{args.people} people x {args.events * factor} events: {seconds:.2f} s, "
                f"{read / seconds:,.0f} events/s, {steps / seconds:,.0f} steps/s, "
                f"peak heap {peak / 2**20:.1f} MiB"
            )
        print(f"peak heap at 4x history / 1x: {peaks[1] / peaks[0]:.2f}")
        if args.ray:
            url = f"sqlite:///{root / 'x1.db'}"
            local_s = measure(url, root / "local")[0]
            ray_s = measure(url, root / "ray", "ray")[0]
            same = all(
                (root / "local" / p.relative_to(root / "ray")).read_bytes() == p.read_bytes()
                for p in (root / "ray").rglob("*")
                if p.is_file()
            )
            print(f"ray / local wall time: {ray_s / local_s:.2f} (identical bytes: {same})")


if __name__ == "__main__":
    main()
