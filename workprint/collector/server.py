"""Serving the collector on several cores: one process per worker, one socket each.

uvicorn's own ``--workers`` shares one listening socket, and asyncio accepts every pending
connection at once, so the first worker to wake takes all of a burst of keep-alive agent
connections and the others idle. Here each worker binds its own socket to the same port with
``SO_REUSEPORT``, and the kernel spreads new connections across them by hash; the workers
then even out what the hash left uneven (:mod:`workprint.collector.balance`). The parent only
starts the workers, forwards SIGTERM/SIGINT, and stops them all if one dies (a service
manager restarts the whole unit).

``workprint serve --workers N`` checks the settings and migrates the store, then replaces
itself (``exec``) with ``python -m workprint.collector.server``: a parent that imports only
this module (about 12 MB instead of the CLI's 80), since it holds no application state.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import socket
import sys
import time
from collections.abc import MutableSequence, Sequence
from types import FrameType

from workprint.collector.errors import CollectorError

log = logging.getLogger(__name__)


class ServeError(CollectorError):
    """The server could not start (port in use, address not available, no SO_REUSEPORT)."""

    code = "serve_failed"


def _listen(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def _worker(
    host: str,
    port: int,
    env: dict[str, str],
    level: str,
    index: int,
    counts: MutableSequence[int],
) -> None:
    import uvicorn

    from workprint.collector import balance

    class Server(uvicorn.Server):
        async def on_tick(self, counter: int) -> bool:
            balance.publish(len(self.server_state.connections))
            return await super().on_tick(counter)

    os.environ.update(env)
    balance.install(balance.Balancer(counts, index))
    logging.basicConfig(
        level=getattr(logging, level, logging.INFO),
        format="%(asctime)s %(levelname)s %(name)s[%(process)d]: %(message)s",
        stream=sys.stderr,
    )
    sock = _listen(host, port)
    config = uvicorn.Config(
        "workprint.collector.app:app_from_env", factory=True, access_log=False, log_config=None
    )
    Server(config).run(sockets=[sock])


def probe(host: str, port: int) -> None:
    """Raise :class:`ServeError` unless several workers can listen on ``host:port``."""
    if not hasattr(socket, "SO_REUSEPORT"):
        raise ServeError("several workers need SO_REUSEPORT, which this system lacks")
    try:
        _listen(host, port).close()  # fail early and clearly if the port is taken
    except OSError as exc:
        raise ServeError(f"cannot listen on {host}:{port} ({exc.strerror})") from exc


def serve_workers(host: str, port: int, workers: int, env: dict[str, str], level: str) -> None:
    """Run ``workers`` collector processes on ``host:port`` until a signal or a death."""
    probe(host, port)
    ctx = multiprocessing.get_context("spawn")
    counts = ctx.RawArray("i", workers)  # connections each worker holds (see balance.py)
    procs = [
        ctx.Process(target=_worker, args=(host, port, env, level, n, counts), name=f"collector-{n}")
        for n in range(workers)
    ]
    stopping = False

    def stop(signum: int, _frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    previous = {s: signal.signal(s, stop) for s in (signal.SIGTERM, signal.SIGINT)}
    try:
        for proc in procs:
            proc.start()
        log.info("collector serving host=%s port=%d workers=%d", host, port, workers)
        while not stopping and all(p.is_alive() for p in procs):
            time.sleep(0.2)
        if not stopping:
            log.error("a collector worker exited; stopping the others")
    finally:
        for proc in procs:
            if proc.is_alive() and proc.pid is not None:
                os.kill(proc.pid, signal.SIGTERM)
        deadline = time.monotonic() + 30
        for proc in procs:
            proc.join(timeout=max(0.1, deadline - time.monotonic()))
            if proc.is_alive():
                proc.kill()
                proc.join()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if not stopping:
        raise ServeError("a collector worker exited unexpectedly; see the log above")


def supervise(
    host: str, port: int, workers: int, env: dict[str, str], level: str
) -> None:  # pragma: no cover - replaces the calling process
    """Become the lean parent process of :func:`serve_workers` (``exec``, same PID)."""
    args = [
        sys.executable,
        "-m",
        "workprint.collector.server",
        host,
        str(port),
        str(workers),
        level,
    ]
    os.execve(sys.executable, args, {**os.environ, **env})  # noqa: S606 - our own argv, no shell


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m workprint.collector.server HOST PORT WORKERS LEVEL`` (settings come from
    the environment :func:`supervise` passes); a failure is one line and exit status 1."""
    host, port, workers, level = list(sys.argv[1:] if argv is None else argv)
    logging.basicConfig(
        level=getattr(logging, level, logging.INFO),
        format="%(asctime)s %(levelname)s %(name)s[%(process)d]: %(message)s",
        stream=sys.stderr,
    )
    env = {k: v for k, v in os.environ.items() if k.startswith("WORKPRINT_")}
    try:
        serve_workers(host, int(port), int(workers), env, level)
    except ServeError as exc:
        sys.stderr.write(f"error: {exc} [{exc.code}]\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
