"""`workprint serve --workers N`: several processes on one port, all serving, clean stop."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import httpx
import psutil
from sqlalchemy.engine import Engine

from workprint.collector.admin import Enrollment, enroll
from workprint.core import events as ev
from workprint.demo.run import free_port
from workprint.demo.workload import WORKLOAD_ORIGIN, WorkloadSpec, batch_of, generate
from workprint.governance import policies
from workprint.governance.consent import Purpose
from workprint.store import migrate
from workprint.store.engine import create_engine
from workprint.store.events import count_events


@dataclass
class _Serving:
    base: str
    port: int
    proc: subprocess.Popen[bytes]
    people: list[Enrollment]
    engine: Engine

    def workers(self) -> list[psutil.Process]:
        return [
            p
            for p in psutil.Process(self.proc.pid).children()
            if "resource_tracker" not in " ".join(p.cmdline())
        ]

    def post(self, client: httpx.Client, n: int, events: int, seed: int = 0) -> int:
        """One batch of person ``n``'s device on ``client``; returns the accepted count."""
        person = self.people[n]
        spec = WorkloadSpec(device_id=person.device_id, grant_id=person.grants[0], seed=seed)
        body = ev.encode(batch_of(list(generate(spec, events))))
        r = client.post(
            "/v1/ingest/batch", content=body, headers={"Authorization": f"Bearer {person.token}"}
        )
        assert r.status_code == 200, r.text
        return int(r.json()["accepted"])


@contextlib.contextmanager
def _serving(tmp_path: Path, workers: int, people: int) -> Iterator[_Serving]:
    """``workprint serve --workers N`` on a fresh SQLite store with enrolled people."""
    url = f"sqlite:///{tmp_path / 'w.db'}"
    engine = create_engine(url)
    migrate.upgrade(engine)
    enrolled = [enroll(engine, f"emp{n}", purposes=[Purpose.CAPTURE]) for n in range(people)]
    policies.allow(engine, WORKLOAD_ORIGIN, "redacted", actor="test")
    port = free_port()
    log_path = tmp_path / "serve.log"
    log = log_path.open("wb")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "workprint",
            "serve",
            "--db",
            url,
            "--port",
            str(port),
            "--workers",
            str(workers),
        ],
        stdout=subprocess.DEVNULL,
        stderr=log,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        ready = False
        while not ready and time.monotonic() < deadline and proc.poll() is None:
            with contextlib.suppress(httpx.HTTPError):
                ready = httpx.get(f"{base}/readyz", timeout=1).status_code == 200
            time.sleep(0.1)
        assert ready, log_path.read_text()[-2000:]
        yield _Serving(base, port, proc, enrolled, engine)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        log.close()
        engine.dispose()


def test_two_workers_serve_one_port_and_stop_cleanly(tmp_path: Path) -> None:
    with _serving(tmp_path, workers=2, people=6) as s:
        workers = s.workers()
        assert len(workers) == 2
        # The parent replaced the CLI with the lean supervisor: no application in it.
        parent = psutil.Process(s.proc.pid)
        assert "workprint.collector.server" in " ".join(parent.cmdline())
        assert parent.memory_info().rss < 60 * 1024 * 1024
        # Several workers keep the cores busy: one ingest thread each, whatever the backend.
        assert all(w.environ().get("WORKPRINT_COLLECTOR__INGEST_THREADS") == "1" for w in workers)

        def send(n: int) -> int:
            with httpx.Client(base_url=s.base, timeout=30) as client:
                return s.post(client, n, 50, seed=n)

        with ThreadPoolExecutor(6) as pool:
            assert sum(pool.map(send, range(6))) == 300
        assert count_events(s.engine) == 300
        s.proc.send_signal(signal.SIGTERM)
        assert s.proc.wait(timeout=60) == 0
        assert not any(p.is_running() and p.status() != psutil.STATUS_ZOMBIE for p in workers)


def test_keep_alive_agents_end_up_evenly_spread_over_the_workers(tmp_path: Path) -> None:
    """Eight agents on keep-alive connections: whatever the kernel's hash did, the workers
    close surplus connections after answering until each holds four."""
    with _serving(tmp_path, workers=2, people=8) as s:
        workers = s.workers()
        clients = [httpx.Client(base_url=s.base, timeout=30) for _ in range(8)]
        held: list[int] = []
        try:
            for round_ in range(40):  # bounded; even in a few rounds in practice
                with ThreadPoolExecutor(8) as pool:
                    list(pool.map(lambda n: s.post(clients[n], n, 5, seed=round_), range(8)))
                time.sleep(0.3)  # the workers publish their counts every 0.1 s
                held = sorted(_established(w, s.port) for w in workers)
                if held == [4, 4]:
                    break
            assert held == [4, 4]
            # Once even, nothing more is closed: the same connections carry on.
            before = _client_ports(s.port)
            assert len(before) == 8
            for n in range(8):
                s.post(clients[n], n, 5, seed=99)
            assert _client_ports(s.port) == before
        finally:
            for c in clients:
                c.close()


def _established(worker: psutil.Process, port: int) -> int:
    return sum(
        1
        for c in worker.net_connections(kind="tcp")
        if c.status == psutil.CONN_ESTABLISHED and c.laddr and c.laddr.port == port
    )


def _client_ports(port: int) -> list[int]:
    """The local ports of this process's open connections to the server."""
    return sorted(
        c.laddr.port
        for c in psutil.Process().net_connections(kind="tcp")
        if c.status == psutil.CONN_ESTABLISHED and c.raddr and c.raddr.port == port
    )


def test_port_in_use_is_one_clear_line(tmp_path: Path) -> None:
    with contextlib.closing(__import__("socket").socket()) as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "workprint",
                "serve",
                "--db",
                f"sqlite:///{tmp_path}/x.db",
                "--port",
                str(port),
                "--workers",
                "2",
            ],
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert proc.returncode != 0
    assert "Traceback" not in proc.stderr
    assert f"cannot listen on 127.0.0.1:{port}" in proc.stderr
