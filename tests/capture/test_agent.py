"""The agent in one process with scripted sources and a real collector: recording, the
control socket (pause, resume, status from the command line), offline starts, shutdown."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.capture._collector import Live
from workprint.capture.agent import Agent
from workprint.capture.config import AgentConfig
from workprint.capture.sources.fake import FakeSource, Script
from workprint.core import events as ev
from workprint.core.config import Secret

pytestmark = pytest.mark.slow  # a real collector process per test
ROOT = Path(__file__).resolve().parents[2]
DEADLINE_S = 60.0


@pytest.fixture
def live(tmp_path: Path) -> Iterator[Live]:
    (tmp_path / "collector").mkdir()
    collector = Live(tmp_path / "collector")
    yield collector
    collector.close()


def _config(tmp: Path) -> AgentConfig:
    return AgentConfig(
        data_dir=tmp / "agent",
        runtime_dir=tmp / "run",
        flush_interval_s=0.2,
        retry_max_s=0.5,
        policy_refresh_s=1.0,
        notify=False,
    )


def _agent(tmp: Path, live: Live, script: Script | None = None) -> Agent:
    sources = [FakeSource(script.records)] if script is not None else []
    return Agent(
        _config(tmp),
        collector_url=live.base,
        token=Secret(live.enrollment.token),
        sources=sources,
        notice=lambda _line: None,
    )


def _until(check: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + DEADLINE_S
    while not check():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)  # bounded wait on real threads and a real server


def _cli(tmp: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "workprint.capture", "--runtime-dir", str(tmp / "run"), *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )


def _now() -> Script:
    """A script that starts now: the agent ticks by the real clock."""
    return Script(start=datetime.now(UTC))


def _work() -> Script:
    return _now().focus(1, "testbed", "notes").type("hello agent").key("Enter").click(9, 9)


def test_records_spools_and_delivers(tmp_path: Path, live: Live) -> None:
    live.start()
    agent = _agent(tmp_path, live, _work())
    agent.start()
    try:
        _until(lambda: live.count()[0] >= 4, "the scripted work to arrive")
    finally:
        agent.stop()
    stored = live.stored_events()
    assert [e.kind for e in stored] == ["focus", "type", "key", "click"]
    assert isinstance(stored[1], ev.TypeEvent) and stored[1].payload.text == "hello agent"
    assert {e.session_id for e in stored} == {agent.session_id}
    cached = tmp_path / "agent" / "state.json"
    assert stat.S_IMODE(cached.stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "run").stat().st_mode) == 0o700


def test_pause_resume_status_from_the_command_line(tmp_path: Path, live: Live) -> None:
    live.start()
    agent = _agent(tmp_path, live, _now().focus(1, "testbed", "notes"))
    agent.start()
    try:
        paused = _cli(tmp_path, "pause")
        assert paused.returncode == 0, paused.stderr
        assert paused.stdout.strip() == "recording paused"
        _until(lambda: agent.status()["paused"], "the pause to apply")
        status = json.loads(_cli(tmp_path, "status", "--json").stdout)
        assert status["paused"] is True
        assert status["recording"] is False
        assert status["mode"] == "full"
        assert status["app"] == "testbed"
        assert isinstance(status["queue_depth"], int)
        human = _cli(tmp_path, "status")
        assert human.returncode == 0
        assert human.stdout.splitlines()[0] == "paused"
        assert "queue:" in human.stdout
        resumed = _cli(tmp_path, "resume")
        assert resumed.returncode == 0, resumed.stderr
        _until(lambda: agent.status()["recording"], "recording to resume")
        _until(lambda: live.count()[0] >= 3, "focus, pause and resume to arrive")
    finally:
        agent.stop()
    kinds = [e.kind for e in live.stored_events()]
    assert kinds == ["focus", "pause", "resume"]


def test_commands_without_a_running_agent_fail_in_one_line(tmp_path: Path) -> None:
    result = _cli(tmp_path, "status")
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("error: no agent answers on")
    assert "Traceback" not in result.stderr


def test_offline_start_records_with_the_cached_policy(tmp_path: Path, live: Live) -> None:
    live.start()
    first = _agent(tmp_path, live)
    first.start()
    first.stop()
    live.stop()
    agent = _agent(tmp_path, live, _work())
    agent.start()
    try:
        _until(lambda: agent.status()["queue_depth"] >= 4, "the work to be spooled offline")
        status = agent.status()
        assert status["last_error"] == "collector_unreachable"
        assert status["device_id"] == live.enrollment.device_id
        live.start()
        _until(lambda: agent.status()["queue_depth"] == 0, "the spool to drain")
    finally:
        agent.stop()
    assert live.count() == (4, 4)


def test_consent_withdrawn_stops_recording(tmp_path: Path, live: Live) -> None:
    from tests.capture.test_uploader import _withdraw

    live.start()
    _withdraw(live)
    agent = _agent(tmp_path, live, _work())
    agent.start()
    try:
        _until(lambda: agent.status()["last_error"] == "consent_missing", "the refusal")
        assert agent.status()["recording"] is False
    finally:
        agent.stop()
    assert live.count() == (0, 0)


def test_token_file_readable_by_others_is_refused(tmp_path: Path) -> None:
    token = tmp_path / "token"
    token.write_text("wpd_secret-token-value\n")
    os.chmod(token, 0o644)
    result = _cli(
        tmp_path,
        "--collector",
        "http://127.0.0.1:9",
        "--token-file",
        str(token),
        "--data-dir",
        str(tmp_path / "agent"),
    )
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1
    assert "chmod 600" in result.stderr
    assert "wpd_secret" not in result.stderr


def test_enroll_by_code_writes_a_private_token(tmp_path: Path, live: Live) -> None:
    live.start()
    data = tmp_path / "agent"
    ok = _cli(
        tmp_path, "--data-dir", str(data), "enroll", "--collector", live.base, "--code", live.code()
    )
    assert ok.returncode == 0, ok.stderr
    assert "enrolled device" in ok.stdout
    token = data / "token"
    assert stat.S_IMODE(token.stat().st_mode) == 0o600
    assert token.read_text().startswith("wpd_")
    assert (data / "collector.url").read_text().strip() == live.base
    again = _cli(
        tmp_path,
        "--data-dir",
        str(data),
        "enroll",
        "--collector",
        live.base,
        "--code",
        "WP-AAAA-BBBB-CCCC",
    )
    assert again.returncode == 1
    assert again.stderr.count("\n") == 1
    assert "enrollment_code_invalid" in again.stderr


def test_no_enrollment_is_one_line(tmp_path: Path) -> None:
    result = _cli(tmp_path, "--data-dir", str(tmp_path / "empty"))
    assert result.returncode == 1
    assert result.stderr.startswith("error: no collector URL")
