"""A private X11 desktop: Xvfb on a display number it picks itself, openbox, real
applications, and xdotool to drive them. The demo's desktop session, the desktop agent's
end-to-end tests and its benchmark all run on one.

Needs the Debian packages ``xvfb openbox xdotool xterm x11-apps ssh-askpass x11-utils``;
:func:`missing_tools` names any that are absent, so a caller can skip instead of failing.

```python
with XDesktop(folder) as x:                       # folder receives the X programs' logs
    editor = x.start_app(["xedit"], "Xedit", "xedit")
    x.type("hello")
```
"""

from __future__ import annotations

import logging
import os
import select
import shutil
import signal
import subprocess
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from types import TracebackType
from typing import Final

from workprint.demo.errors import DemoError

TOOLS: Final = ("Xvfb", "openbox", "xdotool", "xterm", "xedit", "ssh-askpass", "xprop")
log = logging.getLogger(__name__)

START_TIMEOUT_S: Final = 60.0
STOP_TIMEOUT_S: Final = 10.0
XDOTOOL_TIMEOUT_S: Final = 60.0


def program(name: str) -> str:
    """The full path of an X program on ``PATH``; :class:`DemoError` naming it if absent."""
    path = shutil.which(name)
    if path is None:
        raise DemoError(f"{name} is not installed (see workprint.demo._xdesktop.TOOLS)")
    return path


def missing_tools() -> list[str]:
    """The programs of :data:`TOOLS` that are not on ``PATH``."""
    return [t for t in TOOLS if shutil.which(t) is None]


class XDesktop:
    """Xvfb + openbox; every program started through :meth:`spawn` is stopped by
    :meth:`close` (the server last), which is safe to call more than once."""

    def __init__(self, folder: Path, width: int = 1280, height: int = 800) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self._procs: list[subprocess.Popen[bytes]] = []
        self.env = {k: v for k, v in os.environ.items() if k != "WAYLAND_DISPLAY"}
        try:
            self.number = self._start_server(width, height)
            self.display = f":{self.number}"
            self.env["DISPLAY"] = self.display
            self.spawn(["openbox", "--sm-disable"], name="openbox")
            self.wait(self._has_wm, "the window manager")
        except BaseException:
            self.close()
            raise

    def __enter__(self) -> XDesktop:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _start_server(self, width: int, height: int) -> int:
        """Start Xvfb on a display number it picks itself (``-displayfd``): no race with
        anyone else starting X servers on this machine."""
        read_fd, write_fd = os.pipe()
        try:
            with (self.folder / "xvfb.log").open("ab") as log:
                server = subprocess.Popen(  # noqa: S603 - fixed arguments, no shell
                    [
                        program("Xvfb"),
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
                    raise DemoError("Xvfb did not report its display; see xvfb.log")
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
        """Start a program on this display; its stderr (and stdout unless given) go to
        ``<name>.log`` in the folder."""
        with (self.folder / f"{name}.log").open("ab") as log:
            proc = subprocess.Popen(  # noqa: S603 - the caller's fixed arguments, no shell
                list(argv),
                env=self.env,
                stdin=stdin,
                stdout=stdout if stdout is not None else log,
                stderr=log,
            )
        self._procs.append(proc)
        return proc

    def close(self) -> None:
        """Stop every program, newest first, then the server: SIGTERM, then SIGKILL."""
        for proc in reversed(self._procs):
            stop(proc, STOP_TIMEOUT_S)
        self._procs.clear()

    # ---------------------------------------------------------------- readiness

    def wait(
        self, check: Callable[[], bool], what: str, timeout_s: float = START_TIMEOUT_S
    ) -> None:
        """Poll ``check`` until it holds; :class:`DemoError` after ``timeout_s``."""
        deadline = time.monotonic() + timeout_s
        while not check():
            if time.monotonic() > deadline:
                raise DemoError(f"timed out after {timeout_s:.0f} s waiting for {what}")
            time.sleep(0.05)  # bounded wait on a real X server

    def _has_wm(self) -> bool:
        out = subprocess.run(  # noqa: S603 - fixed arguments, no shell
            [program("xprop"), "-root", "_NET_SUPPORTING_WM_CHECK"],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
        return "window id" in out.stdout

    # ---------------------------------------------------------------- driving

    def xdotool(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        """Run xdotool on this display. A failure names the subcommand only: its arguments
        may be what is being typed."""
        proc = subprocess.run(  # noqa: S603 - fixed program, no shell
            [program("xdotool"), *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=XDOTOOL_TIMEOUT_S,
            check=False,
        )
        if check and proc.returncode != 0:
            raise DemoError(f"xdotool {args[0]} failed with status {proc.returncode}")
        return proc

    def window(self, klass: str, timeout_s: float = START_TIMEOUT_S) -> str:
        """The id of a visible window of class ``klass`` once it exists."""
        found: list[str] = []

        def present() -> bool:
            out = self.xdotool("search", "--onlyvisible", "--class", klass, check=False)
            found[:] = out.stdout.split()
            return bool(found)

        self.wait(present, f"a {klass} window", timeout_s)
        return found[-1]

    def start_app(self, argv: Sequence[str], klass: str, name: str, tries: int = 3) -> str:
        """Start an app and return its window once the window manager made it active.

        An app whose window has not appeared after a third of the start-up time is stopped
        and started again (now and then, one started just after the window manager never
        shows its window, while a second start shows it at once)."""
        per_try = START_TIMEOUT_S / tries
        window = ""
        for attempt in range(1, tries + 1):
            proc = self.spawn(argv, name=name)
            try:
                window = self.window(klass, per_try)
                break
            except DemoError:
                if attempt == tries:
                    raise
                log.warning("no %s window after %.0f s; starting it again", klass, per_try)
                stop(proc, STOP_TIMEOUT_S)
                self._procs.remove(proc)
        self.wait(lambda: self.active() == window, f"{klass} to be active")
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


def stop(proc: subprocess.Popen[bytes], timeout_s: float) -> int:
    """SIGTERM, then SIGKILL after ``timeout_s``; the exit status. Pipes are closed."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=timeout_s)
    for pipe in (proc.stdin, proc.stdout, proc.stderr):
        if pipe is not None:
            pipe.close()
    return proc.returncode
