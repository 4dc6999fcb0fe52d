"""``workprint demo``: the loop on one machine, with a real collector on a loopback port.

Today it starts the collector, enrolls a simulated team with consent, sends each person's
generated CRM activity over HTTP (including a repeated batch and a malformed event, to show
deduplication and quarantine), and prints what was stored: totals by kind, never per person.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import msgspec
from rich.console import Console
from rich.table import Table

from workprint.collector.admin import enroll
from workprint.core.config import default_data_dir
from workprint.core.events import encode
from workprint.demo.workload import WORKLOAD_ORIGIN, WorkloadSpec, batch_of, generate
from workprint.governance import policies
from workprint.governance.consent import Purpose
from workprint.store import migrate
from workprint.store.engine import create_engine
from workprint.store.events import iter_event_rows
from workprint.store.rows import row_to_wire


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextlib.contextmanager
def running_collector(db_url: str, port: int, workers: int = 1) -> Iterator[str]:
    """A real ``workprint serve`` process on 127.0.0.1; yields its base URL."""
    cmd = [
        sys.executable,
        "-m",
        "workprint",
        "serve",
        "--db",
        db_url,
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
    ]
    # The server's log goes to a file: a pipe nobody reads would fill and stall the server.
    log = tempfile.TemporaryFile()  # noqa: SIM115 - closed in the finally below
    proc = subprocess.Popen(  # noqa: S603 - our own interpreter and module
        cmd,
        stdout=subprocess.DEVNULL,
        stderr=log,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                log.seek(0)
                stderr = log.read().decode(errors="replace")
                raise RuntimeError(f"collector exited at start: {stderr.strip()[-500:]}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{base}/readyz", timeout=1).status_code == 200:
                    break
            if time.monotonic() > deadline:
                raise RuntimeError("collector did not become ready in 60 s")
            time.sleep(0.1)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def run_demo(console: Console, *, db: str | None, people: int, events_per_person: int) -> None:
    if db is None:
        path = default_data_dir() / "demo" / "workprint.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        path.parent.mkdir(parents=True, exist_ok=True)
        db = f"sqlite:///{path}"
    engine = create_engine(db)
    migrate.upgrade(engine)
    team = [
        enroll(engine, f"emp{n:03d}", purposes=[Purpose.CAPTURE, Purpose.TRAINING], actor="demo")
        for n in range(1, people + 1)
    ]
    console.print(f"[bold]Workprint demo[/] database: {db.split('///')[-1]}")
    console.print(f"enrolled {len(team)} consenting people (capture + training)")
    policy = policies.allow(engine, WORKLOAD_ORIGIN, "redacted", actor="demo")
    console.print(f"policy v{policy.version}: Nexus CRM recorded in mode redacted, all else off")
    totals = {"accepted": 0, "duplicates": 0, "quarantined": 0, "batches": 0}
    codes: dict[str, int] = {}
    with (
        running_collector(db, free_port()) as base,
        httpx.Client(base_url=base, timeout=30) as client,
    ):
        console.print(f"collector listening on {base}")
        started = time.perf_counter()
        for i, member in enumerate(team):
            spec = WorkloadSpec(device_id=member.device_id, grant_id=member.grants[0], seed=i)
            evs = list(generate(spec, events_per_person))
            bodies = [encode(batch_of(evs[j : j + 200])) for j in range(0, len(evs), 200)]
            if i == 0:
                bodies.append(bodies[0])  # a retried batch: acknowledged, stored once
                bad = msgspec.json.decode(encode(batch_of(evs[:2])))
                bad["events"][1]["seq"] = "not-a-number"
                bodies.append(msgspec.json.encode(bad))
            for body in bodies:
                r = client.post(
                    "/v1/ingest/batch",
                    content=body,
                    headers={
                        "Authorization": f"Bearer {member.token}",
                        "Content-Type": "application/json",
                    },
                )
                r.raise_for_status()
                answer = r.json()
                totals["batches"] += 1
                totals["accepted"] += answer["accepted"]
                totals["duplicates"] += len(answer["duplicates"])
                totals["quarantined"] += len(answer["quarantined"])
                for q in answer["quarantined"]:
                    codes[q["code"]] = codes.get(q["code"], 0) + 1
        elapsed = time.perf_counter() - started
        metrics = client.get("/metrics").text
    console.print(
        f"sent {totals['batches']} batches in {elapsed:.1f} s: {totals['accepted']} accepted, "
        f"{totals['duplicates']} duplicates acknowledged, {totals['quarantined']} quarantined "
        f"({', '.join(f'{k}: {v}' for k, v in codes.items()) or 'none'})"
    )
    by_kind: dict[str, int] = {}
    sample = None
    for row in iter_event_rows(engine):
        by_kind[row["kind"]] = by_kind.get(row["kind"], 0) + 1
        if sample is None and row["kind"] == "type":
            sample = row_to_wire(row)
    table = Table("kind", "events stored", title=f"Stored events, all {len(team)} people")
    for kind, n in sorted(by_kind.items(), key=lambda kv: -kv[1]):
        table.add_row(kind, str(n))
    table.add_row("[bold]total", f"[bold]{sum(by_kind.values())}")
    console.print(table)
    if sample is not None:
        console.print("one stored 'type' event, as the dataset builder will read it:")
        console.print_json(msgspec.json.encode(sample).decode())
    ingested = [
        line for line in metrics.splitlines() if line.startswith("workprint_ingest_events_total")
    ]
    console.print("collector metrics: " + "; ".join(ingested))
    engine.dispose()
