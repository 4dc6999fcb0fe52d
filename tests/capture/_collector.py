"""A real collector for the capture tests: ``python -m workprint serve`` on a loopback port
that stays the same across restarts (an agent keeps its URL), with a migrated SQLite store,
one enrolled person with capture consent, and a policy that allows the test apps."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from workprint.collector.admin import Enrollment, create_code, enroll
from workprint.core import events as ev
from workprint.demo.run import free_port
from workprint.governance import policies
from workprint.governance.consent import Purpose
from workprint.store import migrate
from workprint.store.engine import create_engine
from workprint.store.events import iter_event_rows
from workprint.store.rows import row_to_wire
from workprint.store.schema import events

READY_TIMEOUT_S = 60.0
ALLOWED = {"xedit": "redacted", "xterm": "redacted", "testbed": "full"}


class Live:
    """The collector process; :meth:`start` and :meth:`stop` keep the port."""

    def __init__(self, folder: Path, env: dict[str, str] | None = None) -> None:
        self.folder = folder
        self.db_url = f"sqlite:///{folder / 'collector.db'}"
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = env or {}
        self.proc: subprocess.Popen[bytes] | None = None
        self.engine: Engine = create_engine(self.db_url)
        migrate.upgrade(self.engine)
        for app, mode in ALLOWED.items():
            policies.allow(self.engine, app, mode, actor="test")
        self.enrollment: Enrollment = enroll(self.engine, "emp001", purposes=[Purpose.CAPTURE])
        self._starts = 0

    def code(self) -> str:
        return create_code(self.engine, "emp002", purposes=[Purpose.CAPTURE], actor="test")

    def start(self, **env: str) -> str:
        assert self.proc is None
        self._starts += 1
        log_path = self.folder / f"collector-{self._starts}.log"
        with log_path.open("wb") as log:
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
                    str(self.port),
                ],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=log,
                env={**os.environ, "PYTHONUNBUFFERED": "1", **self.env, **env},
            )
        deadline = time.monotonic() + READY_TIMEOUT_S
        while True:
            if self.proc.poll() is not None:
                self.proc = None
                raise RuntimeError(f"collector exited: {log_path.read_text()[-1500:]}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{self.base}/readyz", timeout=1).status_code == 200:
                    return self.base
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("collector not ready in time")
            time.sleep(0.05)  # bounded wait for a real server's readiness

    def stop(self) -> None:
        proc, self.proc = self.proc, None
        if proc is None:
            return
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=30)

    def close(self) -> None:
        self.stop()
        self.engine.dispose()

    # ------------------------------------------------------------------ reading the store

    def stored(self) -> list[dict[str, object]]:
        return [row_to_wire(row) for row in iter_event_rows(self.engine)]

    def count(self) -> tuple[int, int]:
        """(events stored, distinct event ids)."""
        with self.engine.connect() as conn:
            row = conn.execute(
                sa.select(sa.func.count(), sa.func.count(sa.distinct(events.c.event_id)))
            ).one()
        return int(row[0]), int(row[1])

    def stored_events(self) -> list[ev.Event]:
        import msgspec

        return [ev.decode_event(msgspec.json.encode(w)) for w in self.stored()]
