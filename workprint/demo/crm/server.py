"""Serving Nexus CRM: ``run_crm`` (blocking, for the CLI) and ``running_crm`` (for tests,
the simulated team and the demo: a uvicorn server in a background thread on a free port).

The access log stays off: request lines carry search terms and record ids in their query
strings, which are personal data. The app's own log lines carry counts and ids only.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import threading
import time
from collections.abc import Iterator
from typing import Final

import httpx
import uvicorn

from workprint.demo.crm.app import create_crm_app
from workprint.demo.crm.config import CrmConfig
from workprint.demo.crm.errors import CrmStartFailed

log = logging.getLogger(__name__)
START_TIMEOUT_S: Final = 30.0
STOP_TIMEOUT_S: Final = 10.0


def run_crm(config: CrmConfig, host: str = "127.0.0.1", port: int = 8800) -> None:
    """Serve the CRM on ``host:port`` until interrupted (Ctrl-C or SIGTERM)."""
    app = create_crm_app(config)
    log.info("crm serving host=%s port=%d", host, port)
    uvicorn.run(app, host=host, port=port, access_log=False, log_config=None)


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise CrmStartFailed(f"cannot listen on {host}:{port} ({exc.strerror})") from exc
    sock.listen(128)
    return sock


def _wait_until_answering(server: uvicorn.Server, thread: threading.Thread, base: str) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while not server.started:
        if not thread.is_alive():
            raise CrmStartFailed("the CRM server stopped while starting; see its log")
        if time.monotonic() > deadline:
            raise CrmStartFailed(f"the CRM server did not start in {START_TIMEOUT_S:.0f} s")
        time.sleep(0.02)
    while True:
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{base}/healthz", timeout=2.0).status_code == 200:
                return
        if time.monotonic() > deadline:
            raise CrmStartFailed(f"the CRM did not answer in {START_TIMEOUT_S:.0f} s")
        time.sleep(0.05)


@contextlib.contextmanager
def running_crm(config: CrmConfig, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
    """Run the CRM in a background thread; yields its base URL (``http://127.0.0.1:PORT``).

    ``port=0`` picks a free port. On exit the server finishes the requests in flight and
    stops (forced after a bounded wait), and the database is closed.
    """
    app = create_crm_app(config)
    sock = _bind(host, port)
    bound_port = sock.getsockname()[1]
    base = f"http://[{host}]:{bound_port}" if ":" in host else f"http://{host}:{bound_port}"
    server = uvicorn.Server(
        uvicorn.Config(
            app, access_log=False, log_config=None, lifespan="off", timeout_graceful_shutdown=5
        )
    )
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name="nexus-crm", daemon=True
    )
    thread.start()
    try:
        _wait_until_answering(server, thread, base)
        log.info("crm running port=%d", bound_port)
        yield base
    finally:
        server.should_exit = True
        thread.join(timeout=STOP_TIMEOUT_S)
        if thread.is_alive():
            server.force_exit = True
            thread.join(timeout=STOP_TIMEOUT_S)
        sock.close()
        app.state.crm.engine.dispose()
