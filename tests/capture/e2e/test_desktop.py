"""The desktop agent on a real X display (Xvfb + openbox) driving real apps with xdotool,
against a real collector: what is recorded, what never is, and what survives outages and
crashes."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.capture._collector import Live
from tests.capture.e2e._agentproc import AgentProcess
from tests.capture.e2e._xdesktop import XDesktop, missing_tools
from workprint.core import events as ev

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

SECRETS = {
    "askpass": "Askpass-Secret-7341",
    "grab": "Grabbed-Secret-5512",
    "hotkey": "Hotkey-Paused-9023",
    "command": "Command-Paused-6648",
}
HOTKEY = "ctrl+alt+shift+p"


@pytest.fixture
def x(tmp_path: Path) -> Iterator[XDesktop]:
    missing = missing_tools()
    if missing:
        if os.environ.get("WORKPRINT_TEST_STRICT") == "1":
            pytest.fail(f"desktop tests need {', '.join(missing)} (apt-get install them)")
        pytest.skip(f"not installed: {', '.join(missing)}")
    (tmp_path / "x").mkdir()
    desktop = XDesktop(tmp_path / "x")
    yield desktop
    desktop.close()


@pytest.fixture
def live(tmp_path: Path) -> Iterator[Live]:
    (tmp_path / "collector").mkdir()
    collector = Live(tmp_path / "collector")
    collector.start()
    yield collector
    collector.close()


@pytest.fixture
def agent(tmp_path: Path, x: XDesktop, live: Live) -> Iterator[AgentProcess]:
    proc = AgentProcess(x, live, tmp_path)
    yield proc
    proc.close()


def _store_bytes(live: Live) -> bytes:
    files = sorted(live.folder.glob("collector.db*"))
    return b"".join(f.read_bytes() for f in files)


def _texts(events: list[ev.Event]) -> list[str]:
    return [e.payload.text for e in events if isinstance(e, ev.TypeEvent)]


def _keys(events: list[ev.Event]) -> list[str]:
    return [e.payload.keys for e in events if isinstance(e, ev.KeyEvent)]


def test_a_working_day_is_recorded_and_secrets_never_are(
    x: XDesktop, live: Live, agent: AgentProcess
) -> None:
    editor = x.start_app(["xedit"], "Xedit", "xedit")
    term = x.start_app(["xterm", "-T", "shell"], "XTerm", "xterm")
    agent.start()

    agent.focus(editor, "xedit")
    x.type("meeting notes for the quarterly review")
    x.key("Return")
    x.type("second line here")
    x.key("Return", "ctrl+e")
    x.click(editor, repeat=2)

    agent.focus(term, "xterm")
    x.type("ls -la")
    x.key("Return", "ctrl+l")
    x.click(term)

    askpass = x.spawn(["ssh-askpass"], name="askpass", stdout=-1)
    x.window("SshAskpass")
    agent.wait_for(lambda s: s["blocked"] == "secure_input", "the prompt to be recognised")
    x.type(SECRETS["askpass"])
    x.key("Return")
    out, _ = askpass.communicate(timeout=30)
    assert out.decode().strip() == SECRETS["askpass"]  # the keys really went to the prompt
    # Two separate secure episodes: on a busy machine the prompt's end and the next grab can
    # otherwise fall into one probe interval and read as one.
    agent.wait_for(lambda s: s["blocked"] != "secure_input", "the prompt's end to be noticed")

    grab = x.grabber()  # class "testbed", allowed in full mode: only the grab protects it
    x.type(SECRETS["grab"])
    x.key("Return")
    x.release(grab)
    agent.wait_for(lambda s: s["blocked"] != "secure_input", "the grab's end to be noticed")

    agent.focus(editor, "xedit")
    x.key(HOTKEY)
    agent.wait_for(lambda s: s["paused"], "the hotkey pause")
    x.type(SECRETS["hotkey"])
    x.key("Return")
    x.key(HOTKEY)
    agent.wait_for(lambda s: not s["paused"], "the hotkey resume")
    x.type("after pause")
    x.key("Return")

    assert agent.cli("pause").returncode == 0
    agent.wait_for(lambda s: s["paused"], "the command pause")
    x.type(SECRETS["command"])
    x.key("Return")
    assert agent.cli("resume").returncode == 0
    agent.wait_for(lambda s: not s["paused"], "the command resume")
    x.type("after command")
    x.key("Return")

    agent.settle()
    assert agent.stop() == 0
    events = live.stored_events()

    focus_apps = [e.context.app for e in events if isinstance(e, ev.FocusEvent)]
    assert focus_apps[:3] == ["xterm", "xedit", "xterm"]  # xterm had the focus at start
    assert "xedit" in focus_apps[3:]
    texts = _texts(events)
    for typed in (
        "meeting notes for the quarterly review",
        "second line here",
        "ls -la",
        "after pause",
        "after command",
    ):
        assert typed in texts
    keys = _keys(events)
    assert keys.count("Enter") >= 5
    assert "ctrl+e" in keys
    assert "ctrl+l" in keys
    kinds = [e.kind for e in events]
    assert "double_click" in kinds
    clicks = [e for e in events if isinstance(e, ev.ClickEvent)]
    assert any(c.context.app == "xterm" for c in clicks)
    reasons = [e.payload.reason for e in events if isinstance(e, ev.PauseEvent)]
    assert reasons.count("secure_input") >= 2
    assert reasons.count("user") == 2
    assert kinds.count("resume") == len(reasons)
    # the grabbing window's focus came before its grab; nothing typed into it is kept
    assert all(e.context.app in (None, "xedit", "xterm", "testbed") for e in events)
    assert not [e for e in events if e.context.app == "testbed" and e.kind != "focus"]

    stored, spooled = _store_bytes(live), agent.private_bytes()
    for name, secret in SECRETS.items():
        for part in (secret, secret[:8], secret[-6:]):
            assert part.encode() not in stored, f"{name} secret reached the collector"
            assert part.encode() not in spooled, f"{name} secret reached the agent's disk"
    ids = [e.event_id for e in events]
    assert len(ids) == len(set(ids))


def test_collector_down_all_along_loses_nothing(
    x: XDesktop, live: Live, agent: AgentProcess
) -> None:
    editor = x.start_app(["xedit"], "Xedit", "xedit")
    agent.start()  # first run: learns the device and the policy
    agent.stop()
    live.stop()
    agent.start()
    agent.focus(editor, "xedit")
    lines = [f"offline line number {n}" for n in range(1, 6)]
    for line in lines:
        x.type(line)
        x.key("Return")
    status = agent.wait_for(lambda s: s["queue_depth"] >= 10, "the work to be spooled")
    assert status["last_error"] == "collector_unreachable"
    live.start()
    agent.settle()
    agent.stop()
    events = live.stored_events()
    assert [t for t in _texts(events) if t.startswith("offline")] == lines
    assert _keys(events).count("Enter") == len(lines)
    assert len({e.event_id for e in events}) == len(events)


def test_sigkill_mid_work_loses_at_most_the_last_second_and_never_duplicates(
    x: XDesktop, live: Live, agent: AgentProcess
) -> None:
    editor = x.start_app(["xedit"], "Xedit", "xedit")
    agent.start()
    agent.focus(editor, "xedit")
    lines = [f"before the crash {n}" for n in range(1, 9)]
    for line in lines:
        x.type(line, delay_ms=5)
        x.key("Return")
    committed_at = time.monotonic()
    x.type("still typing when killed", delay_ms=5)
    while time.monotonic() - committed_at < 1.0:  # the last completed run is a second old
        time.sleep(0.05)
    agent.kill()
    agent.start()  # same data folder: sends what the killed run left in the spool
    agent.focus(editor, "xedit")
    x.type("after restart")
    x.key("Return")
    agent.settle()
    agent.stop()
    events = live.stored_events()
    texts = _texts(events)
    assert [t for t in texts if t.startswith("before the crash")] == lines
    assert "after restart" in texts
    assert len({e.event_id for e in events}) == len(events)
    seqs = [e.seq for e in events]
    assert len(set(seqs)) == len(seqs)
    runs = [e.session_id for e in sorted(events, key=lambda e: e.seq)]
    assert len(set(runs)) == 2  # two agent runs
    assert runs == sorted(runs, key=runs.index)  # one run after the other
