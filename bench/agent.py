"""The desktop agent's cost and yield against a bare pynput listener, on one scripted workload.

Run it from the repository root (needs Xvfb, openbox, xdotool, xterm, x11-apps)::

    .venv/bin/python bench/agent.py                # about three minutes
    .venv/bin/python bench/agent.py --quick        # about a minute and a half, same table
    .venv/bin/python bench/agent.py --write-docs   # and put the table in docs/desktop.md

One run starts a private X display (Xvfb + openbox), a real collector, the Workprint agent
(``python -m workprint.capture``, as a person runs it) and, beside it, a bare pynput listener
that only appends every raw keyboard and mouse event to a list. Both watch the same xdotool
script at once: focus switches between an editor and a terminal, typed lines at an ordinary
typing speed, shortcuts and clicks. The script then compares:

* CPU time of each process over the scripted work, and the agent's share of one core;
* the agent's peak resident memory;
* raw input events (as the bare listener counted them) against events the collector stored;
* whether every focus switch, shortcut and typed line of the script came back, and the
  character error rate of the typed text.
"""

from __future__ import annotations

import argparse
import os
import platform
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.capture._collector import Live  # noqa: E402 - after the path set-up
from tests.capture.e2e._agentproc import AgentProcess  # noqa: E402
from tests.capture.e2e._xdesktop import XDesktop, missing_tools  # noqa: E402
from workprint.core import events as ev  # noqa: E402

DOCS = ROOT / "docs" / "desktop.md"
BEGIN, END = "<!-- agent-bench:begin -->", "<!-- agent-bench:end -->"
TARGET_CPU_RATIO = 2.0
TARGET_CORE_SHARE = 0.01
TARGET_RSS_MB = 80.0
TARGET_REDUCTION = 20.0
TARGET_CER = 0.02
TYPING_DELAY_MS = 300
"""xdotool's delay per character: about five characters a second, ordinary typing."""

LINES = [
    "update the quarterly report draft with the new figures",
    "check whether the staging deploy finished without errors",
    "send the meeting summary to the whole project team today",
    "the invoice total matches the purchase order amount now",
    "rename the old configuration file before the next release",
    "book the large room for the planning meeting on thursday",
    "write release notes covering the import and export fixes",
    "ask support to reopen the ticket about slow page loads",
]
COMMANDS = ["ls -la", "git status", "make test", "df -h"]

BASELINE = """
import signal, sys, threading
from pynput import keyboard, mouse
events = []
done = threading.Event()
signal.signal(signal.SIGTERM, lambda *a: done.set())
k = keyboard.Listener(on_press=lambda key: events.append(("p", key)),
                      on_release=lambda key: events.append(("r", key)))
m = mouse.Listener(on_move=lambda x, y: events.append(("m", x, y)),
                   on_click=lambda x, y, b, p: events.append(("c", x, y, b, p)),
                   on_scroll=lambda x, y, dx, dy: events.append(("s", x, y, dx, dy)))
k.start(); m.start(); k.wait(); m.wait()
print("ready", flush=True)
done.wait()
open(sys.argv[1], "w").write(str(len(events)))
"""


@dataclass
class Truth:
    focus: list[str]
    shortcuts: list[str]
    typed: list[str]
    typing_s: float = 0.0
    """Time spent typing the lines (for the characters per second actually typed)."""


def _script(x: XDesktop, agent: AgentProcess, editor: str, term: str, rounds: int) -> Truth:
    truth = Truth([], [], [])
    for n in range(rounds):
        agent.focus(editor, "xedit")
        truth.focus.append("xedit")
        for line in (LINES[(2 * n) % len(LINES)], LINES[(2 * n + 1) % len(LINES)]):
            began = time.monotonic()
            x.type(line, delay_ms=TYPING_DELAY_MS)
            truth.typing_s += time.monotonic() - began
            x.key("Return")
            truth.typed.append(line)
            truth.shortcuts.append("Enter")
        x.key("ctrl+e")
        truth.shortcuts.append("ctrl+e")
        x.click(editor)
        agent.focus(term, "xterm")
        truth.focus.append("xterm")
        command = COMMANDS[n % len(COMMANDS)]
        x.type(command, delay_ms=TYPING_DELAY_MS)
        x.key("Return", "ctrl+l")
        truth.typed.append(command)
        truth.shortcuts += ["Enter", "ctrl+l"]
    return truth


def _rate(truth: Truth) -> float:
    lines = [t for t in truth.typed if t in LINES]
    return sum(map(len, lines)) / truth.typing_s if truth.typing_s else 0.0


def _levenshtein(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def _subsequence(wanted: list[str], got: list[str]) -> int:
    """How many of ``wanted`` appear in ``got`` in order."""
    found, position = 0, 0
    for item in wanted:
        while position < len(got) and got[position] != item:
            position += 1
        if position < len(got):
            found += 1
            position += 1
    return found


class Peak(threading.Thread):
    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.proc = psutil.Process(pid)
        self.rss = 0
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.wait(0.2):
            try:
                self.rss = max(self.rss, self.proc.memory_info().rss)
            except psutil.Error:
                return


def _cpu(proc: psutil.Process) -> float:
    times = proc.cpu_times()
    return float(times.user + times.system)


def _machine() -> str:
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = psutil.virtual_memory().total / 2**30
    return (
        f"{model}, {psutil.cpu_count()} cores, {memory:.0f} GiB, {platform.system()} "
        f"{platform.release()}; Python {platform.python_version()}; Xvfb + openbox"
    )


def run(rounds: int) -> str:
    with tempfile.TemporaryDirectory(prefix="wp-bench-agent-") as tmp:
        folder = Path(tmp)
        (folder / "x").mkdir()
        (folder / "collector").mkdir()
        x = XDesktop(folder / "x")
        live = Live(folder / "collector")
        agent = AgentProcess(x, live, folder, {"WORKPRINT_AGENT__NOTIFY": "false"}, poll_s=0.5)
        baseline: subprocess.Popen[str] | None = None
        try:
            live.start()
            editor = x.start_app(["xedit"], "Xedit", "xedit")
            term = x.start_app(["xterm", "-T", "shell"], "XTerm", "xterm")
            agent.start()
            count_file = folder / "baseline-count"
            baseline = subprocess.Popen(
                [sys.executable, "-c", BASELINE, str(count_file)],
                env=x.env,
                stdout=subprocess.PIPE,
                text=True,
            )
            assert baseline.stdout is not None
            assert baseline.stdout.readline().strip() == "ready"
            assert agent.proc is not None
            agent_ps, base_ps = psutil.Process(agent.proc.pid), psutil.Process(baseline.pid)
            peak = Peak(agent.proc.pid)
            peak.start()
            cpu0 = (_cpu(agent_ps), _cpu(base_ps))
            started = time.monotonic()
            truth = _script(x, agent, editor, term, rounds)
            agent.settle()
            wall = time.monotonic() - started
            cpu1 = (_cpu(agent_ps), _cpu(base_ps))
            peak.stop.set()
            peak.join()
            baseline.send_signal(signal.SIGTERM)
            baseline.wait(timeout=30)
            raw_events = int(count_file.read_text())
            agent.stop()
            stored = live.stored_events()
        finally:
            if baseline is not None and baseline.poll() is None:
                baseline.kill()
                baseline.wait()
            if baseline is not None and baseline.stdout is not None:
                baseline.stdout.close()
            agent.close()
            live.close()
            x.close()
    return _table(truth, stored, raw_events, cpu1[0] - cpu0[0], cpu1[1] - cpu0[1], wall, peak.rss)


def _table(
    truth: Truth,
    stored: list[ev.Event],
    raw_events: int,
    agent_cpu: float,
    base_cpu: float,
    wall: float,
    rss: int,
) -> str:
    focus = [e.context.app or "" for e in stored if isinstance(e, ev.FocusEvent)]
    keys = [e.payload.keys for e in stored if isinstance(e, ev.KeyEvent)]
    typed = [e.payload.text for e in stored if isinstance(e, ev.TypeEvent)]
    found = (
        _subsequence(truth.focus, focus),
        _subsequence(truth.shortcuts, keys),
        _subsequence(truth.typed, typed),
    )
    wanted_text, got_text = "\n".join(truth.typed), "\n".join(typed)
    cer = _levenshtein(wanted_text, got_text) / max(1, len(wanted_text))
    ratio_cpu = agent_cpu / base_cpu if base_cpu else float("inf")
    share = agent_cpu / wall
    reduction = raw_events / max(1, len(stored))
    rss_mb = rss / 2**20
    recovered = found == (len(truth.focus), len(truth.shortcuts), len(truth.typed))

    def mark(ok: bool) -> str:
        return "met" if ok else "**missed**"

    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    rows = [
        f"Measured by `bench/agent.py` on {stamp}: {wall:.0f} s of scripted work "
        f"({len(truth.typed)} typed lines at {_rate(truth):.1f} characters/s, "
        f"{len(truth.focus)} focus switches, {len(truth.shortcuts)} shortcuts and special keys, "
        f"clicks) on {_machine()}.",
        "",
        "| measure | bare pynput listener | Workprint agent | ratio | target | |",
        "|---|---:|---:|---:|---|---|",
        f"| CPU time over the scripted work | {base_cpu:.2f} s | {agent_cpu:.2f} s | "
        f"{ratio_cpu:.2f}x | <= {TARGET_CPU_RATIO:.0f}x | {mark(ratio_cpu <= TARGET_CPU_RATIO)} |",
        f"| share of one core while typing | {base_cpu / wall:.2%} | {share:.2%} | | "
        f"< {TARGET_CORE_SHARE:.0%} | {mark(share < TARGET_CORE_SHARE)} |",
        f"| peak resident memory | | {rss_mb:.0f} MB | | < {TARGET_RSS_MB:.0f} MB | "
        f"{mark(rss_mb < TARGET_RSS_MB)} |",
        f"| events | {raw_events} raw input events | {len(stored)} stored | "
        f"{reduction:.0f}x fewer | >= {TARGET_REDUCTION:.0f}x | "
        f"{mark(reduction >= TARGET_REDUCTION)} |",
        f"| recovered: focus switches, shortcuts, typed lines | | {found[0]}/{len(truth.focus)}, "
        f"{found[1]}/{len(truth.shortcuts)}, {found[2]}/{len(truth.typed)} | | all | "
        f"{mark(recovered)} |",
        f"| typed-text character error rate | | {cer:.2%} | | < {TARGET_CER:.0%} | "
        f"{mark(cer < TARGET_CER)} |",
    ]
    return "\n".join(rows) + "\n"


def write_docs(table: str) -> None:
    text = DOCS.read_text()
    head, _, rest = text.partition(BEGIN)
    _, _, tail = rest.partition(END)
    DOCS.write_text(f"{head}{BEGIN}\n{table}{END}{tail}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="two rounds instead of four")
    parser.add_argument("--write-docs", action="store_true", help="update docs/desktop.md")
    args = parser.parse_args()
    missing = missing_tools()
    if missing:
        sys.exit(f"error: install {', '.join(missing)} (apt-get install xvfb openbox ...)")
    os.environ.pop("WAYLAND_DISPLAY", None)
    table = run(2 if args.quick else 4)
    sys.stdout.write(table)
    if args.write_docs:
        write_docs(table)


if __name__ == "__main__":
    main()
