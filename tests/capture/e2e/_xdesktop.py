"""A real X11 desktop for tests and the benchmark: Xvfb on a free display number, openbox,
real applications, and xdotool to drive them.

Needs the Debian packages ``xvfb openbox xdotool xterm x11-apps ssh-askpass x11-utils``;
:func:`missing_tools` names any that are absent so a test can skip (or fail in strict CI).
"""

from __future__ import annotations

import contextlib
import os
import select
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

TOOLS = ("Xvfb", "openbox", "xdotool", "xterm", "xedit", "ssh-askpass")
START_TIMEOUT_S = 30.0
GRABBER = Path(__file__).with_name("_grabber.py")


def missing_tools() -> list[str]:
    return [t for t in TOOLS if shutil.which(t) is None]


class XDesktop:
    """Xvfb + openbox; apps started through :meth:`spawn` are stopped by :meth:`close`."""

    def __init__(self, folder: Path, width: int = 1280, height: int = 800) -> None:
        self.folder = folder
        self._procs: list[subprocess.Popen[bytes]] = []
        self.env = {k: v for k, v in os.environ.items() if k != "WAYLAND_DISPLAY"}
        try:
            self.number = self._start_server(width, height)
            self.display = f":{self.number}"
            self.env["DISPLAY"] = self.display
            self.spawn(["openbox", "--sm-disable"], name="openbox")
            self._wait(self._has_wm, "the window manager")
        except BaseException:
            self.close()
            raise

    def _start_server(self, width: int, height: int) -> int:
        """Start Xvfb on a display number it picks itself (``-displayfd``): no race with
        anyone else starting X servers on this machine."""
        read_fd, write_fd = os.pipe()
        try:
            with (self.folder / "xvfb.log").open("ab") as log:
                server = subprocess.Popen(
                    [
                        "Xvfb",
                        "-displayfd",
                        str(write_fd),
                        "-screen",
                        "0",
                        f"{width}x{height}x24",
                        "-nolisten",
                        "tcp",
                    ],
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=log,
                    pass_fds=(write_fd,),
                )
            self._procs.append(server)
            os.close(write_fd)
            write_fd = -1
            number = b""
            deadline = time.monotonic() + START_TIMEOUT_S
            while not number.endswith(b"\n"):  # Xvfb writes the number, then a newline
                left = deadline - time.monotonic()
                ready, _, _ = select.select([read_fd], [], [], max(0.0, left))
                chunk = os.read(read_fd, 64) if ready else b""
                if not chunk:
                    raise RuntimeError("Xvfb did not report its display")
                number += chunk
        finally:
            os.close(read_fd)
            if write_fd >= 0:
                os.close(write_fd)
        return int(number.decode().strip())

    # ---------------------------------------------------------------- processes

    def spawn(
        self,
        argv: Sequence[str],
        *,
        name: str,
        stdin: int | None = subprocess.DEVNULL,
        stdout: int | None = None,
    ) -> subprocess.Popen[bytes]:
        log = (self.folder / f"{name}.log").open("ab")
        proc = subprocess.Popen(
            list(argv),
            env=self.env,
            stdin=stdin,
            stdout=stdout if stdout is not None else log,
            stderr=log,
        )
        log.close()
        self._procs.append(proc)
        return proc

    def close(self) -> None:
        for proc in reversed(self._procs):
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait(timeout=10)
        self._procs.clear()

    # ---------------------------------------------------------------- readiness

    def _wait(self, check: object, what: str, timeout_s: float = START_TIMEOUT_S) -> None:
        deadline = time.monotonic() + timeout_s
        while not check():  # type: ignore[operator]
            if time.monotonic() > deadline:
                raise RuntimeError(f"timed out waiting for {what}")
            time.sleep(0.05)  # bounded wait on a real X server

    def _has_wm(self) -> bool:
        out = subprocess.run(
            ["xprop", "-root", "_NET_SUPPORTING_WM_CHECK"],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
        return "window id" in out.stdout

    # ---------------------------------------------------------------- driving

    def xdotool(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        proc = subprocess.run(
            ["xdotool", *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        if check and proc.returncode != 0:
            raise RuntimeError(f"xdotool {args[0]} failed: {proc.stderr.strip()[:200]}")
        return proc

    def window(self, klass: str, timeout_s: float = START_TIMEOUT_S) -> str:
        """The id of a visible window of class ``klass`` once it exists."""
        found: list[str] = []

        def present() -> bool:
            out = self.xdotool("search", "--onlyvisible", "--class", klass, check=False)
            found[:] = out.stdout.split()
            return bool(found)

        self._wait(present, f"a {klass} window", timeout_s)
        return found[-1]

    def start_app(self, argv: Sequence[str], klass: str, name: str) -> str:
        """Start an app and return its window once the window manager made it active."""
        self.spawn(argv, name=name)
        window = self.window(klass)
        self._wait(lambda: self.active() == window, f"{klass} to be active")
        return window

    def active(self) -> str:
        return self.xdotool("getactivewindow", check=False).stdout.strip()

    def activate(self, window: str) -> None:
        self.xdotool("windowactivate", "--sync", window)

    def type(self, text: str, delay_ms: int = 15) -> None:
        self.xdotool("type", "--delay", str(delay_ms), "--", text)

    def key(self, *names: str) -> None:
        self.xdotool("key", "--delay", "40", *names)

    def click(self, window: str, button: int = 1, repeat: int = 1) -> None:
        self.xdotool("mousemove", "--window", window, "60", "60")
        self.xdotool("click", "--repeat", str(repeat), "--delay", "60", str(button))

    def grabber(self) -> subprocess.Popen[bytes]:
        """A window of class ``testbed`` that holds a keyboard grab until its stdin closes;
        returns once the grab is held."""
        proc = self.spawn(
            [sys.executable, str(GRABBER)],
            name="grabber",
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        assert proc.stdout is not None
        line = proc.stdout.readline()
        if line.strip() != b"grabbed":
            raise RuntimeError("the grabbing window did not start")
        return proc

    @staticmethod
    def release(proc: subprocess.Popen[bytes]) -> None:
        with contextlib.suppress(BrokenPipeError):
            assert proc.stdin is not None
            proc.stdin.close()
        proc.wait(timeout=15)
        if proc.stdout is not None:
            proc.stdout.close()
