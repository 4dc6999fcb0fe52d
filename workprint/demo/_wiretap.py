"""A loopback HTTP proxy in front of the collector that keeps a copy of every request a
browser sends through it, as it went on the wire: what the simulated team's checks and the
browser benchmark search for secrets and count bytes in.

Browser automation does not see everything a page sends: ``navigator.sendBeacon`` requests
(the SDK's page-hide beacons) reach neither Playwright's request events nor its routes.
Pointing the SDK's ``endpoint`` at this proxy instead of the collector catches them all.

```python
with Wiretap(collector_url) as tap:
    run_team(crm_url, tap.url, tokens, plan)
assert all(b"secret" not in r.plain for r in tap.requests())
```

It forwards method, path, headers and body unchanged and answers with the collector's
status, headers and body; it listens on 127.0.0.1 only, for as long as the block runs.
"""

from __future__ import annotations

import gzip
import http.server
import threading
from dataclasses import dataclass
from types import TracebackType
from typing import Final

import httpx

_HOP: Final = frozenset(
    {"connection", "keep-alive", "transfer-encoding", "content-length", "host", "upgrade"}
)


@dataclass(frozen=True, slots=True)
class Tapped:
    """One request as sent: ``body`` on the wire, ``plain`` decompressed."""

    method: str
    path: str
    body: bytes
    plain: bytes


class _Handler(http.server.BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: object) -> None:
        pass  # request lines are not logged: paths are harmless, but nothing needs them

    def _relay(self) -> None:
        length = int(self.headers.get("content-length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP}
        gzipped = self.headers.get("content-encoding", "").lower() == "gzip"
        plain = gzip.decompress(body) if gzipped and body else body
        self.server.tap.record(Tapped(self.command, self.path, body, plain))
        try:
            answer = self.server.tap.client.request(
                self.command, self.path, content=body, headers=headers
            )
        except httpx.HTTPError:
            self.send_error(502)
            return
        try:
            self.send_response(answer.status_code)
            for key, value in answer.headers.items():
                if key.lower() not in _HOP and key.lower() != "content-encoding":
                    self.send_header(key, value)
            self.send_header("Content-Length", str(len(answer.content)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(answer.content)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the page went away (a beacon at unload does not wait for the answer)

    do_GET = do_POST = do_PUT = do_DELETE = do_OPTIONS = do_HEAD = _relay


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    tap: Wiretap


class Wiretap:
    """The proxy: ``url`` to give the SDK as its endpoint, ``requests()`` what went through."""

    def __init__(self, upstream: str) -> None:
        self.client = httpx.Client(base_url=upstream.rstrip("/"), timeout=30.0)
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.tap = self
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._lock = threading.Lock()
        self._seen: list[Tapped] = []
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="wiretap", daemon=True
        )

    def record(self, request: Tapped) -> None:
        with self._lock:
            self._seen.append(request)

    def requests(self) -> list[Tapped]:
        with self._lock:
            return list(self._seen)

    def clear(self) -> None:
        with self._lock:
            self._seen.clear()

    def __enter__(self) -> Wiretap:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)
        self.client.close()
