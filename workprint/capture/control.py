"""The agent's control socket: ``pause``, ``resume`` and ``status`` from the command line.

A Unix stream socket ``agent.sock`` in the runtime folder (0700, owned by the person; the
socket itself 0600). A request is one JSON line ``{"cmd": "pause"}``; the answer is one JSON
line. The server also checks the peer's uid (``SO_PEERCRED``): only the person who runs the
agent can pause it or read its status.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import struct
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final

import msgspec

from workprint.capture._files import private_dir
from workprint.capture.errors import AgentNotRunning, CaptureError

log = logging.getLogger(__name__)

COMMANDS: Final = ("pause", "resume", "status")
_MAX_LINE: Final = 4096

Handler = Callable[[str], dict[str, Any]]


class _Request(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    cmd: str


def _peer_uid(conn: socket.socket) -> int | None:
    try:
        creds = conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    except OSError:
        return None
    _pid, uid, _gid = struct.unpack("3i", creds)
    return int(uid)


def _read_line(conn: socket.socket) -> bytes:
    data = b""
    while b"\n" not in data and len(data) < _MAX_LINE:
        chunk = conn.recv(1024)
        if not chunk:
            break
        data += chunk
    return data.split(b"\n", 1)[0]


class ControlServer:
    """Answers control requests on a thread of its own until :meth:`close`."""

    def __init__(self, path: Path, handler: Handler) -> None:
        self.path = path
        self._handler = handler
        private_dir(path.parent)
        if path.exists() or path.is_symlink():
            if _answers(path):
                raise CaptureError("another agent already answers on the control socket")
            path.unlink()
        self._sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        old = os.umask(0o177)
        try:
            self._sock.bind(str(path))
        finally:
            os.umask(old)
        self._sock.listen(8)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="wp-control", daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._stop.set()
        with contextlib.suppress(OSError):
            self._sock.shutdown(socket.SHUT_RDWR)  # wakes the blocked accept
        self._thread.join(5)
        self._sock.close()
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return
            with conn:
                conn.settimeout(2.0)
                try:
                    self._serve(conn)
                except (OSError, msgspec.DecodeError) as exc:
                    log.debug("control request failed (%s)", type(exc).__name__)

    def _serve(self, conn: socket.socket) -> None:
        if _peer_uid(conn) != os.getuid():
            conn.sendall(b'{"ok":false,"error":"not your agent"}\n')
            return
        request = msgspec.json.decode(_read_line(conn), type=_Request)
        if request.cmd not in COMMANDS:
            answer: dict[str, Any] = {"ok": False, "error": "unknown command"}
        else:
            answer = {"ok": True, **self._handler(request.cmd)}
        conn.sendall(msgspec.json.encode(answer) + b"\n")


def _answers(path: Path) -> bool:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
        probe.settimeout(1.0)
        try:
            probe.connect(str(path))
        except OSError:
            return False
    return True


def request(path: Path, cmd: str, *, timeout_s: float = 5.0) -> dict[str, Any]:
    """Send one command to the running agent; its answer."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
        conn.settimeout(timeout_s)
        try:
            conn.connect(str(path))
            conn.sendall(msgspec.json.encode({"cmd": cmd}) + b"\n")
            line = _read_line(conn)
        except OSError as exc:
            raise AgentNotRunning(
                f"no agent answers on {path}; is 'workprint agent' running?"
            ) from exc
    try:
        answer = msgspec.json.decode(line)
    except msgspec.DecodeError as exc:
        raise AgentNotRunning("the agent's answer was not readable") from exc
    if not isinstance(answer, dict) or not answer.get("ok"):
        raise CaptureError(f"the agent refused '{cmd}'")
    return answer
