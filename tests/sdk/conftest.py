"""Fixtures of the browser SDK tests: a real collector, page servers on their own origins, a
headless Chromium, and a page with the built SDK injected at document start.

The policy allows one page origin in mode ``redacted`` (query parameter ``stage`` kept), one in
``metadata``, a third in ``redacted`` until a test switches it off, and leaves a fourth
unlisted (mode ``off``). Each test enrolls its own device, so its events, sequence numbers and
queue are its own.
"""

from __future__ import annotations

import gzip
import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from tests.sdk._servers import Collector, PageServer
from workprint.collector.admin import Enrollment, enroll
from workprint.governance import policies
from workprint.governance.consent import Purpose
from workprint.privacy.policy import parse
from workprint.store import migrate
from workprint.store.engine import create_engine
from workprint.store.events import iter_event_rows
from workprint.store.rows import row_to_wire

ROOT = Path(__file__).resolve().parents[2]
SDK_DIST = ROOT / "sdk" / "dist" / "workprint.js"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@dataclass
class World:
    engine: Engine
    db_path: Path
    collector: Collector
    redacted: PageServer
    metadata: PageServer
    unlisted: PageServer
    switched: PageServer
    browser: Any
    people: int = 0
    policy_version: int = 1

    def apply_policy(self, origins: dict[str, str]) -> None:
        """A new active policy version with these origin rules (all else off)."""
        self.policy_version += 1
        text = _policy_text(origins, self.policy_version)
        policies.apply(self.engine, parse(text, name="sdk test policy"), actor="test")

    def origins(self) -> dict[str, str]:
        return {
            self.redacted.origin: "redacted",
            self.metadata.origin: "metadata",
            self.switched.origin: "redacted",
        }

    def enroll(self) -> Enrollment:
        self.people += 1
        return enroll(self.engine, f"sdk{self.people:03d}", purposes=[Purpose.CAPTURE])

    def events(self, device_id: str) -> list[dict[str, Any]]:
        """The device's stored events as on the wire, by sequence number."""
        rows = [row_to_wire(r) for r in iter_event_rows(self.engine) if r["device_id"] == device_id]
        return sorted(rows, key=lambda e: e["seq"])

    def quarantined(self, device_id: str) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            table = sa.Table("quarantine", sa.MetaData(), autoload_with=conn)
            rows = conn.execute(sa.select(table).where(table.c.device_id == device_id))
            return [dict(r._mapping) for r in rows]

    def store_bytes(self) -> bytes:
        """Every value of every row of every table (quarantined raw bytes included).

        The database files are not read directly: opening and closing them in this process
        would drop SQLite's POSIX locks of the engine's connections here, and a connection
        that believes itself the last one may then checkpoint away the live collector's WAL."""
        out = bytearray()
        meta = sa.MetaData()
        with self.engine.connect() as conn:
            meta.reflect(conn)
            for table in meta.sorted_tables:
                for row in conn.execute(sa.select(table)):
                    for value in row:
                        out += value if isinstance(value, bytes) else repr(value).encode()
        return bytes(out)


@dataclass
class Tab:
    """A browser context with one page, and every request body it sent (decompressed)."""

    context: Any
    page: Any
    requests: list[tuple[str, str, bytes]] = field(default_factory=list)

    def bodies(self) -> bytes:
        return b"\n".join(body for _m, _u, body in self.requests)

    def posted_to(self, path: str) -> list[str]:
        return [url for method, url, _b in self.requests if method == "POST" and path in url]


def _policy_text(origins: dict[str, str], version: int) -> str:
    rules = "".join(
        f'\n[[origins]]\norigin = "{origin}"\nmode = "{mode}"\n'
        + ('allow_query = ["stage"]\n' if mode == "redacted" else "")
        for origin, mode in origins.items()
    )
    return f'version = {version}\ndefault_mode = "off"\n{rules}'


@pytest.fixture(scope="module")
def sdk_world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("playwright (python) is not installed")
    if shutil.which(CHROMIUM) is None:
        pytest.skip("Chromium is not installed at /usr/bin/chromium")
    if not SDK_DIST.exists():
        pytest.fail("sdk/dist/workprint.js is missing: run `npm run build` in sdk/")
    tmp = tmp_path_factory.mktemp("sdk")
    db_path = tmp / "workprint.db"
    db_url = f"sqlite:///{db_path}"
    engine = create_engine(db_url)
    migrate.upgrade(engine)
    with (
        PageServer() as redacted,
        PageServer() as metadata,
        PageServer() as unlisted,
        PageServer() as switched,
    ):
        collector = Collector(db_url, tmp)
        world = World(engine, db_path, collector, redacted, metadata, unlisted, switched, None)
        world.apply_policy(world.origins())
        collector.start()
        try:
            with sync_playwright() as pw:
                world.browser = pw.chromium.launch(
                    executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
                )
                try:
                    yield world
                finally:
                    world.browser.close()
        finally:
            collector.stop()
            engine.dispose()


def _record(tab: Tab, request: Any) -> None:
    body = request.post_data_buffer or b""
    if request.headers.get("content-encoding") == "gzip" and body:
        body = gzip.decompress(body)
    tab.requests.append((request.method, request.url, body))


@pytest.fixture
def open_tab(sdk_world: World) -> Iterator[Any]:
    """``open_tab(token, origin, copies=1, **config)``: a fresh context (its own IndexedDB)
    with the SDK injected ``copies`` times at document start, configured by
    ``window.__WORKPRINT_CONFIG__``."""
    opened: list[Tab] = []
    sdk = SDK_DIST.read_text()

    def make(token: str, origin: str, *, copies: int = 1, **config: Any) -> Tab:
        settings = {
            "endpoint": sdk_world.collector.base,
            "token": token,
            "app": "sdk-test",
            "flushIntervalMs": 500,
            "settleMs": 100,
            **config,
        }
        context = sdk_world.browser.new_context(viewport={"width": 1000, "height": 700})
        # One script: the order of several init scripts is not defined.
        script = f"window.__WORKPRINT_CONFIG__ = {json.dumps(settings)};\n" + sdk * copies
        context.add_init_script(script)
        page = context.new_page()
        tab = Tab(context, page)
        context.on("request", lambda request: _record(tab, request))
        opened.append(tab)
        return tab

    yield make
    for tab in opened:
        tab.context.close()
