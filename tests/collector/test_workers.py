"""`workprint serve --workers N`: several processes on one port, all serving, clean stop."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import psutil

from workprint.collector.admin import enroll
from workprint.core import events as ev
from workprint.demo.run import free_port
from workprint.demo.workload import WORKLOAD_ORIGIN, WorkloadSpec, batch_of, generate
from workprint.governance import policies
from workprint.governance.consent import Purpose
from workprint.store import migrate
from workprint.store.engine import create_engine
from workprint.store.events import count_events


def test_two_workers_serve_one_port_and_stop_cleanly(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'w.db'}"
    engine = create_engine(url)
    migrate.upgrade(engine)
    people = [enroll(engine, f"emp{n}", purposes=[Purpose.CAPTURE]) for n in range(6)]
    policies.allow(engine, WORKLOAD_ORIGIN, "redacted", actor="test")
    port = free_port()
    log = (tmp_path / "serve.log").open("wb")
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
            "2",
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
        assert ready, (tmp_path / "serve.log").read_text()[-2000:]
        workers = [
            p
            for p in psutil.Process(proc.pid).children()
            if "resource_tracker" not in " ".join(p.cmdline())
        ]
        assert len(workers) == 2
        # The parent replaced the CLI with the lean supervisor: no application in it.
        parent = psutil.Process(proc.pid)
        assert "workprint.collector.server" in " ".join(parent.cmdline())
        assert parent.memory_info().rss < 60 * 1024 * 1024

        def send(n: int) -> int:
            person = people[n]
            spec = WorkloadSpec(device_id=person.device_id, grant_id=person.grants[0], seed=n)
            body = ev.encode(batch_of(list(generate(spec, 50))))
            with httpx.Client(base_url=base, timeout=30) as client:
                r = client.post(
                    "/v1/ingest/batch",
                    content=body,
                    headers={"Authorization": f"Bearer {person.token}"},
                )
            assert r.status_code == 200, r.text
            return int(r.json()["accepted"])

        with ThreadPoolExecutor(6) as pool:
            assert sum(pool.map(send, range(6))) == 300
        assert count_events(engine) == 300
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=60) == 0
        assert not any(p.is_running() and p.status() != psutil.STATUS_ZOMBIE for p in workers)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        log.close()
        engine.dispose()


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
