"""``workprint demo``: the whole capture loop on one machine, in a real browser.

It starts the collector (SQLite by default) and Nexus CRM on loopback ports, applies a policy
that records the CRM's origin in mode ``redacted`` (with the CRM's people and customers as
the name deny-list), enrolls the CRM's team with consent to capture and training, lets the
simulated team work in Chromium through the browser SDK, and prints what was stored: totals
by kind and tasks by family, never anything per person.

```python
from rich.console import Console
from workprint.demo.run import run_demo

result = run_demo(Console(), quick=True)    # ~12 people x 2 tasks, a minute or two
print(result.db_url, result.crm_db, sum(len(t) for t in result.plan.values()))
```

:func:`running_collector` and :func:`free_port` are the loopback collector that tests and
benchmarks start too.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Final

import httpx
import msgspec
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlalchemy.engine import Engine

from workprint.collector.admin import enroll
from workprint.core.config import default_data_dir
from workprint.demo import team
from workprint.demo._catalogue import directory_names
from workprint.demo.crm.config import CrmConfig
from workprint.demo.crm.seed import usernames
from workprint.demo.crm.server import running_crm
from workprint.governance import policies
from workprint.governance.consent import Purpose
from workprint.privacy.policy import DenyList, parse
from workprint.store import migrate
from workprint.store.engine import create_engine
from workprint.store.events import iter_event_rows
from workprint.store.rows import row_to_wire

log = logging.getLogger(__name__)

QUICK_TASKS: Final = 2
FULL_TASKS: Final = 4
ACTOR: Final = "demo"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextlib.contextmanager
def running_collector(
    db_url: str, port: int, workers: int = 1, *, log_path: Path | None = None
) -> Iterator[str]:
    """A real ``workprint serve`` process on 127.0.0.1; yields its base URL.

    Its log (stderr) goes to ``log_path`` when given, else to a temporary file: a pipe
    nobody reads would fill and stall the server.
    """
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
    log: IO[bytes] = (
        log_path.open("ab") if log_path is not None else tempfile.TemporaryFile()  # noqa: SIM115 - closed in the finally below
    )
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


@dataclass(frozen=True)
class DemoResult:
    """What a demo run left behind, for the steps that follow it (datasets, training)."""

    db_url: str
    """The Workprint store the team's events went to."""
    crm_db: Path
    """Nexus CRM's database after the team's work: the ground truth of task success."""
    plan: dict[str, list[team.TaskSpec]]
    """Each person's tasks (``team.judge(crm_db, task)`` says whether one was done)."""
    team: team.TeamResult
    events_by_kind: dict[str, int]
    out: Path
    """The folder holding the CRM database, the collector's log (and the store by default)."""
    crm_url: str
    """Where the CRM ran (the policy allows this origin; the agent's CRM runs here again)."""
    redactions: dict[str, int]
    """Placeholders in the stored events, by entity, whole team."""


def _fresh(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-wplock"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _directory_file(crm_db: Path, out: Path) -> Path:
    """The names the collector redacts wherever they appear: the team and the customers,
    as the CRM knows them now (replaced whole, so a reader never sees half a file)."""
    path = out / "directory.txt"
    text = "".join(f"{n}\n" for n in directory_names(crm_db))
    with contextlib.suppress(OSError):
        if path.read_text(encoding="utf-8") == text:
            return path  # unchanged: the collector sees no change and reads nothing
    fresh = path.with_suffix(".txt.new")
    fresh.write_text(text, encoding="utf-8")
    os.replace(fresh, path)
    return path


DIRECTORY_SYNC_S: Final = 5.0
"""How often the demo's directory follows the CRM while the team works."""


@contextlib.contextmanager
def directory_sync(crm_db: Path, out: Path, every_s: float = DIRECTORY_SYNC_S) -> Iterator[None]:
    """Keep ``OUT/directory.txt`` in step with the CRM while the team works, as a deployment
    syncs its deny-list from the directory of employees and customers: a contact the team
    creates is redacted from then on (the collector reads the file within a second of a
    change), as the agent later reads it. The file is rewritten only when the names changed.
    A failed sync is logged by type and retried at the next tick."""
    stop = threading.Event()

    def loop() -> None:
        while not stop.wait(every_s):
            try:
                _directory_file(crm_db, out)
            except Exception as exc:  # noqa: BLE001 - the next tick retries
                log.warning("directory sync failed (%s)", type(exc).__name__)

    worker = threading.Thread(target=loop, name="directory-sync", daemon=True)
    worker.start()
    try:
        yield
    finally:
        stop.set()
        worker.join(timeout=30)
        _directory_file(crm_db, out)


def _apply_policy(engine: Engine, crm_url: str, directory: Path) -> int:
    allowed = policies.allow(engine, crm_url, "redacted", actor=ACTOR)
    doc = msgspec.structs.replace(
        allowed.document,
        version=allowed.version + 1,
        deny_list=DenyList(sources=["store:people", f"file:{directory}"]),
    )
    text = "# Workprint demo policy: Nexus CRM in mode redacted, all else off.\n"
    policy = parse(text + msgspec.toml.encode(doc).decode(), name="demo policy")
    policies.apply(engine, policy, actor=ACTOR, reason="demo directory")
    return policy.version


def run_demo(
    console: Console,
    *,
    db: str | None = None,
    people: int = 12,
    tasks_per_person: int | None = None,
    quick: bool = False,
    out: Path | None = None,
    headless: bool = True,
    seed: int = 1,
) -> DemoResult:
    """Run the loop: collector, CRM, consenting team, the team's work, what was stored.

    ``out`` holds the CRM database, the collector's log and (without ``db``) the store; by
    default ``demo/`` under the data directory, started afresh each run. ``quick`` means
    2 tasks a person at a brisk pace, else 4 at a human one.
    """
    out = out if out is not None else default_data_dir() / "demo"
    out.mkdir(parents=True, exist_ok=True)
    if db is None:
        store = out / "workprint.db"
        _fresh(store)
        db = f"sqlite:///{store}"
    crm_db = out / "crm.db"
    _fresh(crm_db)
    tasks = tasks_per_person or (QUICK_TASKS if quick else FULL_TASKS)
    engine = create_engine(db)
    migrate.upgrade(engine)
    console.print(f"[bold]Workprint demo[/] store: {db.split('///')[-1]}")
    with running_crm(CrmConfig(db_path=crm_db, users=max(people, 12))) as crm_url:
        console.print(f"Nexus CRM on {crm_url} ({crm_db})")
        version = _apply_policy(engine, crm_url, _directory_file(crm_db, out))
        console.print(f"policy v{version}: Nexus CRM recorded in mode redacted, all else off")
        names = usernames(people)
        tokens = {
            u: enroll(engine, u, purposes=[Purpose.CAPTURE, Purpose.TRAINING], actor=ACTOR).token
            for u in names
        }
        console.print(f"enrolled {len(tokens)} consenting people (capture + training)")
        plan = team.plan_tasks(seed, names, tasks, crm_db=crm_db)
        total = sum(len(t) for t in plan.values())
        with running_collector(db, free_port(), log_path=out / "collector.log") as collector:
            console.print(f"collector listening on {collector}")
            with Progress(
                TextColumn("[bold]simulated team"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("tasks"),
                TimeElapsedColumn(),
                console=console,
            ) as bar:
                job = bar.add_task("team", total=total)
                with directory_sync(crm_db, out):
                    result = team.run_team(
                        crm_url,
                        collector,
                        tokens,
                        plan,
                        headless=headless,
                        pace=team.QUICK if quick else team.Pace(),
                        progress=lambda finished, _total: bar.update(job, completed=finished),
                        workers=2,
                    )
    by_kind, redactions = _report(console, engine, result)
    planned = [t for tasks in plan.values() for t in tasks if t.params["abandon"] == "no"]
    judged = sum(team.judge(crm_db, t) for t in planned)
    console.print(f"the CRM's database shows {judged} of {len(planned)} planned tasks done")
    engine.dispose()
    return DemoResult(db, crm_db, plan, result, by_kind, out, crm_url, redactions)


def _report(
    console: Console, engine: Engine, result: team.TeamResult
) -> tuple[dict[str, int], dict[str, int]]:
    tasks = Table("task family", "done", "abandoned", "failed", title="Tasks, whole team")
    for family in (*team.FAMILIES, *team.CHORES):
        counts = (result.done.get(family, 0), result.abandoned.get(family, 0))
        tasks.add_row(family, *(str(n) for n in (*counts, result.failed.get(family, 0))))
    console.print(tasks)
    by_kind: Counter[str] = Counter()
    redacted: Counter[str] = Counter()
    for row in iter_event_rows(engine):
        by_kind[row["kind"]] += 1
        redacted.update(row_to_wire(row)["privacy"].get("redactions") or {})
    table = Table("kind", "events stored", title=f"Stored events, all {result.people} people")
    for kind, n in by_kind.most_common():
        table.add_row(kind, str(n))
    table.add_row("[bold]total", f"[bold]{by_kind.total()}")
    console.print(table)
    # What was replaced, by entity over the whole team: never an event, a value or a person.
    entities = Table("entity", "placeholders", title="Redacted before storage, whole team")
    for entity, n in redacted.most_common():
        entities.add_row(entity, str(n))
    console.print(entities)
    return dict(by_kind), dict(redacted)
