"""The server side of ``bench/ingest.py``: databases, aw-server, and watching a process tree.

Everything here listens on or connects to 127.0.0.1 only, and cleans up on every exit path:
temporary SQLite files, the PostgreSQL schema, the aw-server process and its data folders.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import psutil
import sqlalchemy as sa

AW_REQUIREMENTS = ("aw-server==0.12.0", "peewee<4")
"""aw-server 0.12.0 does not cap peewee; under peewee 4 every bucket request fails (its
``DateTimeField`` hands back datetimes where aw-datastore parses text), so it is capped here."""


@contextlib.contextmanager
def sqlite_database() -> Iterator[str]:
    """A SQLite URL in a fresh temporary folder, removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="wp-bench-") as tmp:
        yield f"sqlite:///{tmp}/workprint.db"


def _psycopg(url: str) -> str:
    return url.replace("postgresql://", "postgresql+psycopg://", 1)


@contextlib.contextmanager
def postgres_schema(base_url: str) -> Iterator[str]:
    """A fresh schema in the PostgreSQL database at ``base_url``, dropped afterwards; yields
    a URL whose connections use it as their ``search_path``."""
    schema = f"wp_bench_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(_psycopg(base_url))
    try:
        with admin.begin() as conn:
            conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
        sep = "&" if "?" in base_url else "?"
        yield f"{base_url}{sep}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        admin.dispose()


def postgres_version(base_url: str) -> str | None:
    """Server version and commit durability, or None when PostgreSQL is not reachable."""
    engine = sa.create_engine(_psycopg(base_url), connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as conn:
            version = conn.exec_driver_sql("SHOW server_version").scalar_one()
            sync = conn.exec_driver_sql("SHOW synchronous_commit").scalar_one()
            return f"{str(version).split()[0]} (synchronous_commit={sync})"
    except sa.exc.OperationalError:
        return None
    finally:
        engine.dispose()


def ensure_aw_venv(venv: Path) -> Path:
    """aw-server's own virtual environment (its dependencies are old); made on first use.
    Returns the ``aw-server`` executable."""
    exe = venv / "bin" / "aw-server"
    marker = venv / "bench-requirements.txt"
    wanted = "\n".join(AW_REQUIREMENTS) + "\n"
    if exe.exists() and marker.exists() and marker.read_text() == wanted:
        return exe
    print(f"setting up {venv.name}: pip install {' '.join(AW_REQUIREMENTS)} ...", flush=True)
    if not (venv / "bin" / "python").exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    done = subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", *AW_REQUIREMENTS],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"installing aw-server failed:\n{done.stderr[-2000:]}")
    marker.write_text(wanted)
    return exe


def aw_version(venv: Path) -> str:
    code = (
        "import importlib.metadata as m;"
        "print(f\"{m.version('aw-server')} (peewee {m.version('peewee')})\")"
    )
    done = subprocess.run(
        [str(venv / "bin" / "python"), "-c", code],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return done.stdout.strip()


@contextlib.contextmanager
def running_aw_server(exe: Path, port: int, home: Path) -> Iterator[str]:
    """aw-server on 127.0.0.1:``port`` with every ActivityWatch folder under ``home``; yields
    its base URL.

    Not ``--testing``: that turns on Flask's debug mode, which would slow the peer down. The
    XDG folders isolate it instead. Its log goes to ``home/aw-server.log``.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "AW_"))}
    for name in ("DATA", "CONFIG", "CACHE", "STATE"):
        env[f"XDG_{name}_HOME"] = str(home / name.lower())
    log_path = home / "aw-server.log"
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [str(exe), "--host", "127.0.0.1", "--port", str(port), "--storage", "peewee"],
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
        )
    yield from _until_stopped(
        proc, log_path, f"http://127.0.0.1:{port}", "/api/0/info", "aw-server"
    )


@contextlib.contextmanager
def running_floor(db: Path, port: int, workers: int) -> Iterator[str]:
    """The floor (``_floor.py``) under uvicorn on 127.0.0.1:``port``, storing into ``db``;
    yields its base URL. Its log goes next to ``db``."""
    log_path = db.with_suffix(".log")
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "_floor:app",
                "--app-dir",
                str(Path(__file__).parent),
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--workers",
                str(workers),
                "--no-access-log",
                "--log-level",
                "warning",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            env={**os.environ, "FLOOR_DB": str(db)},
        )
    yield from _until_stopped(proc, log_path, f"http://127.0.0.1:{port}", "/readyz", "the floor")


def _until_stopped(
    proc: subprocess.Popen[bytes], log_path: Path, base: str, ready: str, name: str
) -> Iterator[str]:
    """Wait (60 s at most) until ``base + ready`` answers 200, yield ``base``, then stop
    ``proc`` whatever happened."""
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                tail = log_path.read_text(errors="replace")[-1000:]
                raise RuntimeError(f"{name} exited at start:\n{tail}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{base}{ready}", timeout=1).status_code == 200:
                    break
            if time.monotonic() > deadline:
                raise RuntimeError(f"{name} did not become ready in 60 s")
            time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def child_serving(port: int, timeout: float = 10.0) -> psutil.Process:
    """Our child process started to serve ``port`` (the collector or aw-server)."""
    deadline = time.monotonic() + timeout
    while True:
        for child in psutil.Process().children():
            with contextlib.suppress(psutil.Error):
                if str(port) in child.cmdline():
                    return child
        if time.monotonic() > deadline:
            raise RuntimeError(f"no child process serves port {port}")
        time.sleep(0.1)


@dataclass(frozen=True, slots=True)
class TreeSample:
    at_s: float
    rss: int
    """Resident bytes summed over the tree: shared pages count once per process."""
    pss: int
    """Proportional set size summed over the tree: shared pages split between sharers."""


class TreeWatch:
    """Samples the memory of a process and its descendants every ``interval`` seconds, and
    adds up the CPU time they use while watched."""

    def __init__(
        self,
        root: psutil.Process,
        interval: float = 0.5,
        on_sample: Callable[[TreeSample], None] | None = None,
    ) -> None:
        self._root = root
        self._interval = interval
        self._on_sample = on_sample
        self._stop = threading.Event()
        self._cpu_first: dict[int, float] = {}
        self._cpu_last: dict[int, float] = {}
        self._started = time.monotonic()
        self.samples: list[TreeSample] = [self._sample()]
        self._thread = threading.Thread(target=self._run, name="tree-watch", daemon=True)

    def __enter__(self) -> TreeWatch:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(self._interval + 10)
        self.samples.append(self._sample())

    def _sample(self) -> TreeSample:
        rss = pss = 0
        with contextlib.suppress(psutil.Error):
            for proc in [self._root, *self._root.children(recursive=True)]:
                with contextlib.suppress(psutil.Error):
                    mem = proc.memory_full_info()
                    cpu = proc.cpu_times()
                    rss += mem.rss
                    pss += getattr(mem, "pss", mem.rss)
                    self._cpu_first.setdefault(proc.pid, cpu.user + cpu.system)
                    self._cpu_last[proc.pid] = cpu.user + cpu.system
        return TreeSample(time.monotonic() - self._started, rss, pss)

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            sample = self._sample()
            self.samples.append(sample)
            if self._on_sample is not None:
                self._on_sample(sample)

    @property
    def peak_rss(self) -> int:
        return max(s.rss for s in self.samples)

    @property
    def peak_pss(self) -> int:
        return max(s.pss for s in self.samples)

    @property
    def cpu_s(self) -> float:
        """CPU seconds the tree used while watched (up to one interval of a process that
        started after the first sample is missed)."""
        return sum(self.cpu_by_process)

    @property
    def cpu_by_process(self) -> list[float]:
        """CPU seconds of each process of the tree while watched, the busiest first (with
        several collector workers: how evenly the connections spread the work)."""
        used = [last - self._cpu_first[pid] for pid, last in self._cpu_last.items()]
        return sorted(used, reverse=True)


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds used so far by process ``pid``."""
    cpu = psutil.Process(pid).cpu_times()
    return cpu.user + cpu.system


def postgres_cpu() -> dict[int, float]:
    """CPU seconds used so far by each PostgreSQL server process on this machine."""
    used: dict[int, float] = {}
    for proc in psutil.process_iter(["name"]):
        if proc.info["name"] == "postgres":
            with contextlib.suppress(psutil.Error):
                cpu = proc.cpu_times()
                used[proc.pid] = cpu.user + cpu.system
    return used


def cpu_since(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU seconds used between two :func:`postgres_cpu` readings (processes that ended in
    between are missed; the collector's pooled connections outlive a run)."""
    return sum(used - before.get(pid, 0.0) for pid, used in after.items())
