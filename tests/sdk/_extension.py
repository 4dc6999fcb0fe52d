"""What the browser-extension tests share: the unpacked build, small web sites on loopback
ports, Chromium with the extension loaded, and bounded waits on the store.

The extension is built by ``sdk/extension/build.mjs --out`` into a temporary folder, so the
tests never write into the source tree. Chromium is Debian's (``/usr/bin/chromium``); a test
skips only when it, Node.js or Playwright is truly absent.
"""

from __future__ import annotations

import shutil
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest
from sqlalchemy.engine import Engine

from workprint.store.events import iter_event_rows
from workprint.store.rows import row_to_wire

ROOT = Path(__file__).resolve().parents[2]
EXTENSION_SRC = ROOT / "sdk" / "extension"
SDK_BUNDLE = ROOT / "sdk" / "dist" / "workprint.js"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
WAIT_S = 30.0  # generous: CI machines are shared and slow; a pass returns at once

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Orders</title></head>
<body>
  <h1>Orders</h1>
  <form onsubmit="return false">
    <label for="note">Note</label> <input id="note" name="note" type="text">
    <label for="other">Other</label> <input id="other" name="other" type="text">
  </form>
  <button type="button" id="first">First step</button>
  <button type="button" id="during">During pause</button>
  <button type="button" id="after">After resume</button>
  <button type="button" id="private">Private step</button>
</body></html>
"""

# Interacts by itself (synthetic events), for windows no test can drive.
SELF_DRIVEN = PAGE.replace(
    "</body>",
    """<script>
  let n = 0;
  const timer = setInterval(() => {
    document.getElementById("private").click();
    if (++n >= 40) clearInterval(timer);
  }, 250);
  fetch("/loaded?" + n);
</script></body>""",
)


def node() -> str:
    found = shutil.which("node")
    if found is None:
        pytest.skip("Node.js is not installed (the extension build needs it)")
    return found


def build_extension(out: Path) -> Path:
    """The complete unpacked extension in ``out`` (from the current SDK bundle)."""
    if not SDK_BUNDLE.exists():
        pytest.fail("sdk/dist/workprint.js is missing: run `npm run build` in sdk/")
    subprocess.run(
        [node(), str(EXTENSION_SRC / "build.mjs"), "--out", str(out)],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return out


class _Site(BaseHTTPRequestHandler):
    pages: ClassVar[dict[str, str]] = {}
    hits: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        self.hits.append(self.path)
        body = self.pages.get(self.path.split("?")[0], "").encode()
        self.send_response(200 if body else 204)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        return


@contextmanager
def web_site(pages: dict[str, str]) -> Iterator[tuple[str, list[str]]]:
    """A static site on a free loopback port: its origin and the paths requested so far."""
    hits: list[str] = []
    handler = type("Site", (_Site,), {"pages": pages, "hits": hits})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", hits
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def stored(engine: Engine, where: Callable[[dict[str, Any]], bool]) -> list[dict[str, Any]]:
    """Stored events (wire form) that satisfy ``where``."""
    return [e for e in map(row_to_wire, iter_event_rows(engine)) if where(e)]


def wait_for(what: Callable[[], bool], timeout_s: float = WAIT_S) -> bool:
    """Poll ``what`` until true or the (bounded) time is up; whether it became true."""
    deadline = time.monotonic() + timeout_s
    for _ in range(int(timeout_s / 0.2) + 1):
        if what():
            return True
        if time.monotonic() > deadline:
            break
        time.sleep(0.2)  # bounded wait on a real browser and a real server
    return what()


def clicked(name: str) -> Callable[[dict[str, Any]], bool]:
    return lambda e: e["kind"] == "click" and (e.get("target") or {}).get("name") == name


def on_origin(origin: str) -> Callable[[dict[str, Any]], bool]:
    return lambda e: str((e.get("context") or {}).get("url", "")).startswith(origin)


def at_url(url: str) -> Callable[[dict[str, Any]], bool]:
    return lambda e: (e.get("context") or {}).get("url") == url
