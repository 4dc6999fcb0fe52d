"""The desktop agent as a person runs it: ``python -m workprint.capture`` in its own process on
an :class:`~workprint.demo._xdesktop.XDesktop`, with a token file and private folders, asked
for its status over its control socket, stopped with SIGTERM (or SIGKILL).

```python
agent = AgentProcess(x, collector_url, token, folder)
agent.start()                    # returns once the agent answers on its socket
agent.focus(editor, "xedit")     # activate a window, wait until the agent sees it
agent.settle()                   # everything reduced so far delivered
agent.stop()                     # 0 after a clean stop
```

The folder holds ``token`` (mode 0600), ``agent-data/`` (spool, cached policy) and the
agent's logs ``agent-<n>.log``; the control socket lives in ``runtime_dir`` (a short path:
a socket's path is limited to about 100 bytes).
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Final

from workprint.capture import control
from workprint.capture.errors import CaptureError
from workprint.demo._xdesktop import XDesktop
from workprint.demo.errors import DemoError

WAIT_S: Final = 60.0
STOP_TIMEOUT_S: Final = 60.0
FAST: Final[Mapping[str, str]] = {
    "WORKPRINT_AGENT__FLUSH_INTERVAL_S": "0.3",
    "WORKPRINT_AGENT__RETRY_MAX_S": "1.0",
    "WORKPRINT_AGENT__POLICY_REFRESH_S": "2.0",
    "WORKPRINT_AGENT__NOTIFY": "false",
}
"""Settings for a short session: send often, retry soon, see a new policy within seconds,
no desktop notification."""

Status = dict[str, Any]


class AgentProcess:
    """One agent process at a time (:meth:`start` again after :meth:`stop` or :meth:`kill`
    restarts it on the same data folder)."""

    def __init__(
        self,
        x: XDesktop,
        collector_url: str,
        token: str,
        folder: Path,
        settings: Mapping[str, str] | None = None,
        poll_s: float = 0.05,
        runtime_dir: Path | None = None,
    ) -> None:
        self.settings = dict(FAST if settings is None else settings)
        self.poll_s = poll_s
        self.x = x
        self.collector_url = collector_url
        self.folder = folder
        self.data = folder / "agent-data"
        self.run_dir = runtime_dir if runtime_dir is not None else folder / "agent-run"
        self.token = folder / "token"
        folder.mkdir(parents=True, exist_ok=True)
        write_private(self.token, token + "\n")
        self.proc: subprocess.Popen[bytes] | None = None
        self.starts = 0

    @property
    def log_path(self) -> Path:
        return self.folder / f"agent-{self.starts}.log"

    def start(self) -> None:
        """Start the agent and return once it answers on its control socket."""
        if self.proc is not None:
            raise DemoError("the agent is already running")
        self.starts += 1
        with self.log_path.open("wb") as log:
            self.proc = subprocess.Popen(  # noqa: S603 - our own interpreter and module
                [
                    sys.executable,
                    "-m",
                    "workprint.capture",
                    "--collector",
                    self.collector_url,
                    "--token-file",
                    str(self.token),
                    "--data-dir",
                    str(self.data),
                    "--runtime-dir",
                    str(self.run_dir),
                    "--log-level",
                    "INFO",
                ],
                cwd=self.folder,
                env={**self.x.env, **self.settings, "PYTHONUNBUFFERED": "1"},
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
            )
        self.wait_for(lambda s: s is not None, "the agent to answer")

    def status(self) -> Status | None:
        """The agent's status, or ``None`` while it does not answer."""
        try:
            return control.request(self.run_dir / "agent.sock", "status", timeout_s=5)
        except CaptureError:
            return None

    def wait_for(
        self, check: Callable[[Any], bool], what: str, timeout_s: float = WAIT_S
    ) -> Status:
        """Poll the status until ``check(status)`` holds (``status`` is ``None`` while the
        agent does not answer); :class:`DemoError` when the agent exits or time runs out."""
        deadline = time.monotonic() + timeout_s
        while True:
            if self.proc is not None and self.proc.poll() is not None:
                raise DemoError(
                    f"the agent exited with status {self.proc.returncode} while waiting for "
                    f"{what}; see {self.log_path.name}"
                )
            status = self.status()
            if check(status):
                return status or {}
            if time.monotonic() > deadline:
                raise DemoError(f"timed out after {timeout_s:.0f} s waiting for {what}")
            time.sleep(self.poll_s)  # bounded wait on a real process

    def focus(self, window: str, app: str) -> None:
        """Activate ``window`` and wait until the agent records ``app`` as focused."""
        self.x.activate(window)
        self.wait_for(lambda s: s is not None and s["app"] == app, f"focus on {app}")

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        """``workprint agent <args>`` against this agent's control socket."""
        return subprocess.run(  # noqa: S603 - our own interpreter and module
            [sys.executable, "-m", "workprint.capture", "--runtime-dir", str(self.run_dir), *args],
            capture_output=True,
            text=True,
            timeout=120,
            cwd=self.folder,
            check=False,
        )

    def settle(self) -> None:
        """Wait until everything reduced so far is written and delivered."""
        time.sleep(1.0)  # lets pending clicks and typed runs close (real-time reducer)
        self.wait_for(lambda s: s is not None and s["queue_depth"] == 0, "an empty spool")

    def stop(self) -> int:
        """SIGTERM (the agent commits what is pending and sends it), SIGKILL after a minute;
        the exit status, 0 after a clean stop."""
        proc, self.proc = self.proc, None
        if proc is None:
            return 0
        proc.send_signal(signal.SIGTERM)
        try:
            return proc.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            proc.kill()
            return proc.wait(timeout=30)

    def kill(self) -> None:
        """SIGKILL, as a crash would."""
        proc, self.proc = self.proc, None
        if proc is None:
            raise DemoError("the agent is not running")
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)

    def private_bytes(self) -> bytes:
        """Everything the agent wrote to disk: spool (and its WAL), cache, logs."""
        blobs = [p.read_bytes() for p in sorted(self.data.rglob("*")) if p.is_file()]
        blobs += [p.read_bytes() for p in sorted(self.folder.glob("agent-*.log"))]
        return b"".join(blobs)

    def close(self) -> None:
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            self.stop()


def write_private(path: Path, text: str) -> None:
    """Write ``text`` to a file only its owner can read, never readable by others even
    for a moment."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(text)
    os.chmod(path, 0o600)  # an existing file keeps its mode through O_CREAT
