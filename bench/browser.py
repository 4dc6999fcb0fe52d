"""The browser SDK against rrweb: bytes sent, page interaction overhead and leaked secrets,
on the same scripted work in Nexus CRM, in one run.

Run it from the repository root (rrweb is installed on first use by ``npm ci`` in
``bench/browser/``, pinned by its lock file)::

    .venv/bin/python bench/browser.py --repeats 1      # about 1.5 minutes
    .venv/bin/python bench/browser.py                  # 3 repeats, about 4 minutes
    .venv/bin/python bench/browser.py --write-docs     # the same, then rewrites docs/browser.md
    .venv/bin/python bench/browser.py --pace human     # people at a human tempo (4x longer)

The work is a fixed part of the simulated team's plan (:mod:`workprint.demo.team`): two people
sign in (typing their password) and do one task of each family (create a contact from an
email, move a deal, log a call whose note names an email address, update a contact), one
changes their password and one adds a payment card. The same flows run three ways, in
rotating order, each time against a fresh copy of the CRM's database: with no recorder, with
the Workprint SDK sending to a real collector through a recording proxy
(:mod:`workprint.demo._wiretap`: browser automation does not see ``sendBeacon`` requests),
and with rrweb (``rrweb.record`` injected at document start, every emitted event kept and
stored per page in session storage so that nothing is lost at navigation; its size is the
length of ``JSON.stringify`` of the events, what it would send).

Reported, with medians over the repeats:

* bytes sent per minute of work: Workprint's request bodies to the collector as on the wire
  (gzip where the SDK compresses, page-hide beacons included, split by endpoint) against
  rrweb's events (raw JSON); both also gzip-compressed, for reference; target: Workprint at
  most 1/10 of rrweb;
* page interaction overhead: the time the scripted flows take against no recorder (the
  bench's waits until the SDK records on a fresh page are left out: a person does not wait
  for them); target: within 5 % and below rrweb's;
* leaks: each typed secret (the password, the new password, the card number, the email in
  the note) found in what each recorder sends; target: none for Workprint (rrweb masks
  password fields by default and nothing else).

Everything runs on 127.0.0.1; every loop and wait is bounded; servers stop on every exit.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import gzip
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from workprint.collector.admin import enroll  # noqa: E402
from workprint.demo import team  # noqa: E402
from workprint.demo._wiretap import Wiretap  # noqa: E402
from workprint.demo.crm.config import CrmConfig  # noqa: E402
from workprint.demo.crm.seed import DEMO_PASSWORD  # noqa: E402
from workprint.demo.crm.server import running_crm  # noqa: E402
from workprint.demo.run import free_port, running_collector  # noqa: E402
from workprint.governance import policies  # noqa: E402
from workprint.governance.consent import Purpose  # noqa: E402
from workprint.store import migrate  # noqa: E402
from workprint.store.engine import create_engine  # noqa: E402
from workprint.store.schema import events  # noqa: E402

PEERS = ROOT / "bench" / "browser"
RRWEB_UMD = PEERS / "node_modules" / "rrweb" / "dist" / "rrweb.umd.min.cjs"
DOCS = ROOT / "docs" / "browser.md"
BEGIN, END = "<!-- browser-bench:begin -->", "<!-- browser-bench:end -->"
PEOPLE = ["alice", "bob"]
SEED = 21
NOTE_EMAIL = "jordan.vale@northwind-bench.example"
MODES = ("none", "workprint", "rrweb")
PACES = {"human": team.Pace(), "quick": team.QUICK}
RRWEB_GLUE = """
;(function () {
  if (!/^https?:$/.test(location.protocol)) return;   // rrweb on about:blank crashes the tab
  const buf = [];
  const key = "__rr_bench_";
  const ship = () => {
    if (!buf.length) return;
    const n = Number(sessionStorage.getItem(key + "n") || 0);
    sessionStorage.setItem(key + n, JSON.stringify(buf));
    sessionStorage.setItem(key + "n", String(n + 1));
    buf.length = 0;
  };
  rrweb.record({ emit(event) { buf.push(event); } });
  window.__rrShip = ship;
  window.__rrCollect = () => {
    ship();
    const n = Number(sessionStorage.getItem(key + "n") || 0);
    const out = [];
    for (let i = 0; i < n; i++) out.push(sessionStorage.getItem(key + i));
    return out;
  };
  addEventListener("pagehide", ship);
})();
"""


@dataclass
class Sent:
    """What one recorder sent during one flow: bodies as on the wire and as plain text."""

    wire_bytes: int = 0
    gzip_bytes: int = 0
    text: list[bytes] = field(default_factory=list)
    requests: dict[str, int] = field(default_factory=dict)
    """Requests by path (Workprint: batches and beacons)."""
    collector_cpu_s: float = 0.0
    """CPU seconds the collector's processes used during the run (on the same machine)."""
    by_path: dict[str, int] = field(default_factory=dict)
    """Bytes as sent, by path."""
    events: int = 0


class Timed:
    """A recorder whose ``ready`` waits are measured, to be left out of the flow's time."""

    def __init__(self, inner: team.Recorder) -> None:
        self.inner = inner
        self.waited = 0.0

    def install(self, context: Any) -> None:
        self.inner.install(context)

    def ready(self, page: Any) -> None:
        started = time.perf_counter()
        self.inner.ready(page)
        self.waited += time.perf_counter() - started

    def task_start(self, page: Any, label: str) -> str:
        return self.inner.task_start(page, label)

    def task_end(self, page: Any, task_id: str, outcome: str) -> None:
        self.inner.task_end(page, task_id, outcome)

    def finish(self, page: Any) -> None:
        self.inner.finish(page)


class Rrweb:
    """rrweb's recorder; tasks become its custom events, as an integration would add them."""

    def __init__(self, umd: str, sent: Sent) -> None:
        self.script = umd + RRWEB_GLUE
        self.sent = sent

    def install(self, context: Any) -> None:
        context.add_init_script(script=self.script)

    def ready(self, page: Any) -> None:
        pass

    def task_start(self, page: Any, label: str) -> str:
        page.evaluate("l => rrweb.record.addCustomEvent('task_start', {label: l})", label)
        return "task"

    def task_end(self, page: Any, task_id: str, outcome: str) -> None:
        page.evaluate("o => rrweb.record.addCustomEvent('task_end', {outcome: o})", outcome)

    def finish(self, page: Any) -> None:
        for chunk in page.evaluate("() => window.__rrCollect()"):
            data = chunk.encode()
            self.sent.wire_bytes += len(data)
            self.sent.gzip_bytes += len(gzip.compress(data))
            self.sent.text.append(data)
            self.sent.events += len(json.loads(chunk))


def ensure_rrweb() -> str:
    """rrweb's UMD build, installed from the lock file on first use."""
    if not RRWEB_UMD.exists():
        npm = shutil.which("npm")
        if npm is None:
            sys.exit("npm is needed to install rrweb (bench/browser/package-lock.json)")
        subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=PEERS, check=True, timeout=300)
    return RRWEB_UMD.read_text(encoding="utf-8")


def rrweb_version() -> str:
    meta = json.loads((PEERS / "node_modules" / "rrweb" / "package.json").read_text())
    return str(meta["version"])


def bench_plan(template: Path) -> dict[str, list[team.TaskSpec]]:
    """Each person's fixed flow: one task per family, chores, a note with an email address."""
    plan = team.plan_tasks(SEED, PEOPLE, len(team.FAMILIES), crm_db=template)
    out: dict[str, list[team.TaskSpec]] = {}
    for user, tasks in plan.items():
        fixed = []
        for task in tasks:
            params = {**task.params, "abandon": "no"}
            if task.family == "log_call":
                params["notes"] = (
                    f"{params['notes'].split('.')[0]}. Send the quote to {NOTE_EMAIL}."
                )
            fixed.append(dataclasses.replace(task, params=params))
        out[user] = fixed
    return out


def secrets(plan: dict[str, list[team.TaskSpec]]) -> dict[str, list[str]]:
    """What must never be sent, by name, with the spellings the flows may type."""
    out: dict[str, list[str]] = {"password (sign-in)": [DEMO_PASSWORD], "email in a note": []}
    for task in (t for tasks in plan.values() for t in tasks):
        if task.family == "change_password":
            out["new password"] = [task.params["new_password"]]
        elif task.family == "add_card":
            number = task.params["number"]
            out["card number"] = [number, " ".join(number[i : i + 4] for i in range(0, 16, 4))]
        elif task.family == "log_call" and NOTE_EMAIL in task.params["notes"]:
            out["email in a note"] = [NOTE_EMAIL]
    return out


@dataclass
class Run:
    mode: str
    seconds: float
    sent: Sent
    outcomes: list[str]


@contextmanager
def fresh_crm(template: Path, work: Path, port: int, n: int) -> Iterator[tuple[str, Path]]:
    db = work / f"crm-{n}.db"
    shutil.copyfile(template, db)
    with running_crm(CrmConfig(db_path=db), port=port) as url:
        yield url, db


def one_run(mode: str, n: int, env: dict[str, Any], plan: dict[str, list[team.TaskSpec]]) -> Run:
    sent = Sent()
    seconds = 0.0
    outcomes: list[str] = []
    devices: list[str] = []
    tap: Wiretap = env["tap"]
    tap.clear()
    cpu_before = _tree_cpu(env["collector_proc"])
    with fresh_crm(env["template"], env["work"], env["crm_port"], n) as (crm, _db):
        for user, tasks in plan.items():
            inner: team.Recorder
            if mode == "workprint":
                device = enroll(env["engine"], f"bench-{n}-{user}", purposes=[Purpose.CAPTURE])
                devices.append(device.device_id)
                inner = team.WorkprintRecorder(env["sdk"], endpoint=tap.url, token=device.token)
            elif mode == "rrweb":
                inner = Rrweb(env["rrweb"], sent)
            else:
                inner = team.NoRecorder()
            recorder = Timed(inner)
            started = time.perf_counter()
            done_at: list[float] = []

            def on_task(_task: team.TaskSpec, outcome: str, done_at: list[float] = done_at) -> None:
                outcomes.append(outcome)
                done_at.append(time.perf_counter())

            team.run_person(
                env["browser"], crm, user, tasks, recorder, pace=env["pace"], on_task=on_task
            )
            seconds += done_at[-1] - started - recorder.waited
    _quiet(tap)
    sent.collector_cpu_s = _tree_cpu(env["collector_proc"]) - cpu_before
    for request in tap.requests():
        if request.method == "POST":
            sent.wire_bytes += len(request.body)
            plain_gzip = len(gzip.compress(request.plain))
            sent.gzip_bytes += plain_gzip if request.body == request.plain else len(request.body)
            sent.text.append(request.plain)
            sent.requests[request.path] = sent.requests.get(request.path, 0) + 1
            sent.by_path[request.path] = sent.by_path.get(request.path, 0) + len(request.body)
    if devices:
        with env["engine"].connect() as conn:
            query = sa.select(sa.func.count()).where(events.c.device_id.in_(devices))
            sent.events = int(conn.execute(query).scalar_one())
    return Run(mode, seconds, sent, outcomes)


def _collector_process(port: int) -> psutil.Process:
    """Our child process that serves ``port`` (bounded wait)."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        for child in psutil.Process().children():
            with contextlib.suppress(psutil.Error):
                if str(port) in child.cmdline():
                    return child
        time.sleep(0.1)
    sys.exit(f"no child process serves port {port}")


def _tree_cpu(proc: psutil.Process) -> float:
    total = 0.0
    for p in [proc, *proc.children(recursive=True)]:
        with contextlib.suppress(psutil.Error):
            cpu = p.cpu_times()
            total += cpu.user + cpu.system
    return total


def _quiet(tap: Wiretap, quiet_s: float = 0.5, limit_s: float = 5.0) -> None:
    """Wait (bounded) until the last page-hide beacons of closed pages have arrived."""
    deadline = time.monotonic() + limit_s
    seen = -1
    while time.monotonic() < deadline and seen != len(tap.requests()):
        seen = len(tap.requests())
        time.sleep(quiet_s)


def leaks(sent: Sent, table: dict[str, list[str]]) -> list[str]:
    blob = b"\n".join(sent.text)
    return [name for name, spellings in table.items() if any(s.encode() in blob for s in spellings)]


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    chromium = subprocess.run(
        [team.CHROMIUM, "--version"], capture_output=True, text=True, timeout=30, check=False
    ).stdout.strip()
    return (
        f"{cpu}, {os.cpu_count()} cores, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}, {chromium or 'Chromium'} (headless), "
        f"rrweb {rrweb_version()}"
    )


def _per_minute(path: str) -> Callable[[Run], float]:
    return lambda run: run.sent.by_path.get(path, 0) / (run.seconds / 60)


def report(
    runs: list[Run], table: dict[str, list[str]], repeats: int, tasks: int, pace: str
) -> list[str]:
    """The results as Markdown lines (printed, and written into the docs)."""

    def med(mode: str, value: Callable[[Run], float]) -> float:
        return float(statistics.median(value(r) for r in runs if r.mode == mode))

    seconds = {m: med(m, lambda r: r.seconds) for m in MODES}
    per_min = {m: med(m, lambda r: r.sent.wire_bytes / (r.seconds / 60)) for m in MODES}
    gz_min = {m: med(m, lambda r: r.sent.gzip_bytes / (r.seconds / 60)) for m in MODES}
    leaked = {
        m: sorted({x for r in runs if r.mode == m for x in leaks(r.sent, table)}) for m in MODES
    }
    over = {m: seconds[m] / seconds["none"] - 1 for m in MODES}
    ratio = per_min["workprint"] / per_min["rrweb"] if per_min["rrweb"] else float("nan")
    ok_bytes = ratio <= 0.1
    ok_time = over["workprint"] <= 0.05 and over["workprint"] < over["rrweb"]
    ok_leaks = not leaked["workprint"]
    kib = 1024
    lines = [
        "| recorder | flow time (s) | overhead | events | sent KiB/min | gzip KiB/min "
        "| secrets leaked |",
        "|---|---:|---:|---:|---:|---:|---|",
        f"| no recorder | {seconds['none']:.1f} | – | – | – | – | – |",
    ]
    for m, name in (("workprint", "Workprint SDK"), ("rrweb", f"rrweb {rrweb_version()}")):
        leak = ", ".join(leaked[m]) or "none"
        lines.append(
            f"| {name} | {seconds[m]:.1f} | {over[m]:+.1%} | {med(m, lambda r: r.sent.events):.0f} "
            f"| {per_min[m] / kib:,.1f} | "
            f"{gz_min[m] / kib:,.1f} | {len(leaked[m])} of {len(table)}: {leak} |"
        )
    paths = sorted({p for r in runs for p in r.sent.requests if r.mode == "workprint"})
    split = ", ".join(f"`{p}` {med('workprint', _per_minute(p)) / kib:,.1f}" for p in paths)
    cpu = med("workprint", lambda r: r.sent.collector_cpu_s)
    lines += [
        "",
        f"Workprint's bytes per minute by endpoint (KiB as sent): {split}. The collector ran "
        f"on the same machine and used {cpu:.1f} CPU-seconds per Workprint run (median), CPU "
        "the browser did not have; rrweb's runs had no server side.",
    ]
    verdict = {True: "met", False: "NOT met"}
    lines += [
        "",
        "| target | measured | |",
        "|---|---|---|",
        f"| Workprint sends at most 1/10 of rrweb's bytes | {ratio:.3f} of rrweb's "
        f"(gzip: {gz_min['workprint'] / gz_min['rrweb']:.3f}) | {verdict[ok_bytes]} |",
        f"| overhead within 5 % of no recorder, below rrweb's | Workprint "
        f"{over['workprint']:+.1%}, rrweb {over['rrweb']:+.1%} | {verdict[ok_time]} |",
        f"| no typed secret in what Workprint sends | {len(leaked['workprint'])} of "
        f"{len(table)} | {verdict[ok_leaks]} |",
        "",
        f"Medians of {repeats} repeat(s) of the same flows ({len(PEOPLE)} people, "
        f"{tasks} tasks, the team's {pace} pace), "
        f"on {machine()}. Generated by `.venv/bin/python bench/browser.py --write-docs`.",
    ]
    return lines


def write_docs(lines: list[str]) -> None:
    text = DOCS.read_text(encoding="utf-8")
    if BEGIN not in text or END not in text:
        sys.exit(f"{DOCS} has no {BEGIN} ... {END} markers")
    head, rest = text.split(BEGIN, 1)
    _old, tail = rest.split(END, 1)
    DOCS.write_text(head + BEGIN + "\n" + "\n".join(lines) + "\n" + END + tail, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=3, help="runs of each recorder (1-10)")
    parser.add_argument("--write-docs", action="store_true", help="rewrite docs/browser.md")
    parser.add_argument("--headed", action="store_true", help="show the browser")
    parser.add_argument(
        "--pace",
        choices=sorted(PACES),
        default="quick",
        help="the simulated people's tempo (quick: the demo's --quick pace)",
    )
    args = parser.parse_args()
    repeats = max(1, min(10, args.repeats))
    rrweb = ensure_rrweb()
    sdk = team.sdk_source()
    with tempfile.TemporaryDirectory(prefix="workprint-bench-browser-") as tmp:
        work = Path(tmp)
        template = work / "template.db"
        crm_port = free_port()
        with running_crm(CrmConfig(db_path=template), port=crm_port):
            pass  # seeds the template once
        plan = bench_plan(template)
        table = secrets(plan)
        db_url = f"sqlite:///{work / 'workprint.db'}"
        engine = create_engine(db_url)
        migrate.upgrade(engine)
        policies.allow(engine, f"http://127.0.0.1:{crm_port}", "redacted", actor="bench")
        runs: list[Run] = []
        collector_port = free_port()
        with (
            running_collector(db_url, collector_port) as collector,
            Wiretap(collector) as tap,
            team.chromium(headless=not args.headed) as browser,
        ):
            env = {
                "template": template,
                "work": work,
                "crm_port": crm_port,
                "engine": engine,
                "tap": tap,
                "collector_proc": _collector_process(collector_port),
                "sdk": sdk,
                "rrweb": rrweb,
                "browser": browser,
                "pace": PACES[args.pace],
            }
            n = 0
            for r in range(repeats):
                for mode in MODES[r % 3 :] + MODES[: r % 3]:
                    n += 1
                    run = one_run(mode, n, env, plan)
                    runs.append(run)
                    print(
                        f"  {mode:<9} run {r + 1}: {run.seconds:5.1f} s, "
                        f"{run.sent.wire_bytes / 1024:8.1f} KiB sent, "
                        f"{run.outcomes.count('done')}/{len(run.outcomes)} tasks done, "
                        f"{run.sent.events} events, collector CPU {run.sent.collector_cpu_s:.1f} s "
                        f"{run.sent.requests or ''}",
                        file=sys.stderr,
                    )
        engine.dispose()
    lines = report(runs, table, repeats, sum(len(t) for t in plan.values()), args.pace)
    print("\n".join(lines))
    if args.write_docs:
        write_docs(lines)
        print(f"wrote {DOCS.relative_to(ROOT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
