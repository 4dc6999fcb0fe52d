"""The package's X desktop (:mod:`workprint.demo._xdesktop`) plus what only tests need: a
window that grabs the keyboard, as a password prompt or screen locker would."""

from __future__ import annotations

import contextlib
import subprocess
import sys
from pathlib import Path

from workprint.demo._xdesktop import TOOLS, missing_tools
from workprint.demo._xdesktop import XDesktop as _XDesktop

__all__ = ["TOOLS", "XDesktop", "missing_tools"]

GRABBER = Path(__file__).with_name("_grabber.py")


class XDesktop(_XDesktop):
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
