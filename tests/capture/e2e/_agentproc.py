"""The agent as a person runs it: ``python -m workprint.capture`` in its own process, on the
test's X display, with a token file and private folders; stopped with SIGTERM or SIGKILL."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.capture._collector import Live
from tests.capture.e2e._xdesktop import XDesktop
from workprint.capture import control
from workprint.capture.errors import CaptureError

ROOT = Path(__file__).resolve().parents[3]
WAIT_S = 60.0
FAST = {
    "WORKPRINT_AGENT__FLUSH_INTERVAL_S": "0.3",
    "WORKPRINT_AGENT__RETRY_MAX_S": "1.0",
    "WORKPRINT_AGENT__POLICY_REFRESH_S": "2.0",
    "WORKPRINT_AGENT__NOTIFY": "false",
}


class AgentProcess:
    def __init__(
        self,
        x: XDesktop,
        live: Live,
        folder: Path,
        settings: dict[str, str] | None = None,
        poll_s: float = 0.05,
    ) -> None:
        self.settings = FAST if settings is None else settings
        self.poll_s = poll_s
        self.x = x
        self.live = live
        self.folder = folder
        self.data = folder / "agent-data"
        self.run_dir = folder / "agent-run"
        self.token = folder / "token"
        self.token.write_text(live.enrollment.token + "\n")
        os.chmod(self.token, 0o600)
        self.proc: subprocess.Popen[bytes] | None = None
        self.starts = 0

    @property
    def log_path(self) -> Path:
        return self.folder / f"agent-{self.starts}.log"

    def start(self) -> None:
        assert self.proc is None
        self.starts += 1
        with self.log_path.open("wb") as log:
            self.proc = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "workprint.capture",
                    "--collector",
                    self.live.base,
                    "--token-file",
                    str(self.token),
                    "--data-dir",
                    str(self.data),
                    "--runtime-dir",
                    str(self.run_dir),
                    "--log-level",
                    "INFO",
                ],
                cwd=ROOT,
                env={**self.x.env, **self.settings, "PYTHONUNBUFFERED": "1"},
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
            )
        self.wait_for(lambda s: s is not None, "the agent to answer")

    def status(self) -> dict[str, Any] | None:
        try:
            return control.request(self.run_dir / "agent.sock", "status", timeout_s=5)
        except CaptureError:
            return None

    def wait_for(self, check: Callable[[Any], bool], what: str) -> dict[str, Any]:
        deadline = time.monotonic() + WAIT_S
        while True:
            if self.proc is not None and self.proc.poll() is not None:
                raise RuntimeError(f"agent exited: {self.log_path.read_text()[-2000:]}")
            status = self.status()
            if check(status):
                return status or {}
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {what}; last status {status}")
            time.sleep(self.poll_s)  # bounded wait on a real process

    def focus(self, window: str, app: str) -> None:
        self.x.activate(window)
        self.wait_for(lambda s: s is not None and s["app"] == app, f"focus on {app}")

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "workprint.capture", "--runtime-dir", str(self.run_dir), *args],
            capture_output=True,
            text=True,
            timeout=120,
            cwd=ROOT,
            check=False,
        )

    def settle(self) -> None:
        """Wait until everything reduced so far is written and delivered."""
        time.sleep(1.0)  # lets pending clicks and typed runs close (real-time reducer)
        self.wait_for(lambda s: s is not None and s["queue_depth"] == 0, "an empty spool")

    def stop(self) -> int:
        proc, self.proc = self.proc, None
        if proc is None:
            return 0
        proc.send_signal(signal.SIGTERM)
        try:
            return proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            return proc.wait(timeout=30)

    def kill(self) -> None:
        proc, self.proc = self.proc, None
        assert proc is not None
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)

    def private_bytes(self) -> bytes:
        """Everything the agent wrote to disk: spool (and its WAL), cache, logs."""
        blobs = [p.read_bytes() for p in self.data.rglob("*") if p.is_file()]
        blobs += [p.read_bytes() for p in self.folder.glob("agent-*.log")]
        return b"".join(blobs)

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.stop()
