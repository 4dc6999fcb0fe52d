"""A real collector process on a loopback port, for tests that need one they can kill.

:func:`workprint.demo.run.running_collector` hides its process and pipes stderr without
reading it, so tests that SIGKILL the server or send many batches start it here instead:
stderr goes to a file (a pipe nobody reads fills up and stalls the server), and the process
is always reaped.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from workprint.demo.run import free_port

READY_TIMEOUT_S = 60.0


class LiveCollector:
    """``python -m workprint serve --db URL`` on 127.0.0.1; start, SIGKILL, restart."""

    def __init__(self, db_url: str, log_dir: Path) -> None:
        self.db_url = db_url
        self.log_dir = log_dir
        self.proc: subprocess.Popen[bytes] | None = None
        self.base = ""
        self.starts = 0
        self._log_path: Path | None = None

    def start(self) -> str:
        """Start the server and wait (bounded) until ``/readyz`` answers 200; its base URL."""
        assert self.proc is None, "already running"
        port = free_port()
        self.starts += 1
        self._log_path = self.log_dir / f"collector-{self.starts}.log"
        with self._log_path.open("wb") as log:
            self.proc = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "workprint",
                    "serve",
                    "--db",
                    self.db_url,
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(port),
                ],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=log,
                env={**os.environ, "PYTHONUNBUFFERED": "1"},
            )
        self.base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + READY_TIMEOUT_S
        while True:
            if self.proc.poll() is not None:
                code = self.proc.returncode
                self.proc = None
                raise RuntimeError(f"collector exited at start (rc={code}): {self.log_tail()}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{self.base}/readyz", timeout=1).status_code == 200:
                    return self.base
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"collector not ready in {READY_TIMEOUT_S:.0f} s")
            time.sleep(0.05)  # bounded polling of a real server's readiness

    def sigkill(self) -> int:
        """SIGKILL the server (no shutdown, no flush) and reap it; its exit status."""
        assert self.proc is not None, "not running"
        self.proc.send_signal(signal.SIGKILL)
        code = self.proc.wait(timeout=30)
        self.proc = None
        return code

    def stop(self) -> None:
        """Terminate (then kill) the server if it runs; safe to call twice."""
        proc, self.proc = self.proc, None
        if proc is None:
            return
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=30)

    def log_tail(self, chars: int = 2000) -> str:
        if self._log_path is None or not self._log_path.exists():
            return ""
        return self._log_path.read_text(errors="replace")[-chars:]
