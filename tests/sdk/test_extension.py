"""The Manifest V3 extension (``sdk/extension/``) in a real Chromium, against a real collector.

One browser with the extension loaded serves the module: the person connects it once on the
options page with an enrollment code; then an allowed page is recorded, a page on another
origin is not, the popup's pause stops every tab until resume, and an incognito window is
never recorded. Checks of the manifest and the pure JavaScript modules run without a browser.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from tests.sdk._extension import (
    CHROMIUM,
    CHROMIUM_ARGS,
    EXTENSION_SRC,
    PAGE,
    SELF_DRIVEN,
    at_url,
    build_extension,
    clicked,
    node,
    on_origin,
    stored,
    wait_for,
    web_site,
)
from workprint.collector.admin import create_code
from workprint.demo.run import free_port, running_collector
from workprint.governance import policies
from workprint.governance.consent import Purpose
from workprint.store import migrate
from workprint.store.engine import create_engine

MANIFEST = json.loads((EXTENSION_SRC / "manifest.json").read_text())
PAGES = {"/": PAGE, "/second": PAGE, "/self": SELF_DRIVEN, "/self-normal": SELF_DRIVEN}


@dataclass(frozen=True)
class World:
    engine: Engine
    allowed: str
    other: str
    allowed_hits: list[str]
    context: Any
    worker: Any
    ext_id: str
    token: str
    device_id: str

    def open(self, url: str) -> Any:
        page = self.context.new_page()
        page.set_default_timeout(20_000)
        page.goto(url)
        return page


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """Collector, two sites (one allowed), Chromium with the extension, connected by the UI."""
    sync_api = pytest.importorskip("playwright.sync_api")
    if shutil.which(CHROMIUM) is None:
        pytest.skip(f"{CHROMIUM} is not installed")
    tmp = tmp_path_factory.mktemp("extension")
    ext = build_extension(tmp / "ext")
    db_url = f"sqlite:///{tmp / 'workprint.db'}"
    engine = create_engine(db_url)
    migrate.upgrade(engine)
    with (
        web_site(PAGES) as (allowed, allowed_hits),
        web_site(PAGES) as (other, _),
        running_collector(db_url, free_port()) as collector,
        sync_api.sync_playwright() as pw,
    ):
        policies.allow(engine, allowed, "redacted", actor="test")
        code = create_code(engine, "emp1", purposes=[Purpose.CAPTURE])
        context = pw.chromium.launch_persistent_context(
            str(tmp / "profile"),
            headless=True,
            executable_path=CHROMIUM,
            args=[*CHROMIUM_ARGS, f"--disable-extensions-except={ext}", f"--load-extension={ext}"],
        )
        try:
            worker = context.service_workers[0] if context.service_workers else None
            worker = worker or context.wait_for_event("serviceworker", timeout=20_000)
            ext_id = worker.url.split("/")[2]
            options = context.new_page()
            options.set_default_timeout(20_000)
            options.goto(f"chrome-extension://{ext_id}/options.html")
            options.get_by_label("Collector address").fill(collector)
            options.get_by_label("Enrollment code").fill(code.lower().replace("-", " "))
            options.get_by_role("button", name="Connect").click()
            sync_api.expect(options.get_by_role("status")).to_contain_text("Connected.")
            saved = worker.evaluate("chrome.storage.local.get(['token', 'deviceId'])")
            options.close()
            yield World(
                engine, allowed, other, allowed_hits, context, worker, ext_id, saved["token"],
                saved["deviceId"],
            )  # fmt: skip
        finally:
            context.close()
            engine.dispose()


def _expect() -> Any:
    return pytest.importorskip("playwright.sync_api").expect


@pytest.mark.e2e
def test_connecting_keeps_the_token_out_of_sight(world: World) -> None:
    assert world.token.startswith("wpd_") and world.device_id.startswith("dev_")
    page = world.open(f"chrome-extension://{world.ext_id}/options.html")
    _expect()(page.get_by_text(world.device_id)).to_be_visible()
    _expect()(page.get_by_text(f"{world.allowed}: redacted, recorded")).to_be_visible()
    assert world.token not in page.content()
    assert not page.get_by_label("Enrollment code").is_visible()
    scripts = world.worker.evaluate("chrome.scripting.getRegisteredContentScripts()")
    assert [s["matches"] for s in scripts] == [[f"{world.allowed}/*"]]
    assert scripts[0]["js"] == ["vendor/workprint.js", "content.js"]
    assert scripts[0]["runAt"] == "document_start"
    page.close()


@pytest.mark.e2e
def test_an_allowed_page_is_recorded_and_its_scripts_cannot_see_the_sdk(world: World) -> None:
    page = world.open(f"{world.allowed}/")
    _expect()(page.get_by_text("Recording on: redacted")).to_be_visible()
    page.get_by_role("button", name="First step").click()
    page.get_by_label("Note").click()
    page.keyboard.type("three boxes of paper")
    page.get_by_label("Other").click()
    assert wait_for(lambda: bool(stored(world.engine, clicked("First step"))))
    typed = lambda e: e["kind"] == "type" and "three boxes" in str(e["payload"].get("text"))  # noqa: E731
    assert wait_for(lambda: bool(stored(world.engine, typed)))
    events = stored(world.engine, on_origin(world.allowed))
    assert {e["stream"] for e in events} == {"web"}
    assert {e["device_id"] for e in events} == {world.device_id}
    assert {e["privacy"]["mode"] for e in events} == {"redacted"}
    assert all(isinstance(e["context"].get("tab_id"), int) for e in events)
    # The page's own JavaScript sees neither the SDK nor the token (isolated world).
    assert page.evaluate("typeof window.Workprint") == "undefined"
    assert page.evaluate("typeof window.__WORKPRINT_CONFIG__") == "undefined"
    assert world.token not in page.evaluate("document.documentElement.outerHTML")
    page.close()


@pytest.mark.e2e
def test_a_page_on_an_origin_not_allowed_is_not_recorded(world: World) -> None:
    page = world.open(f"{world.other}/")
    page.get_by_role("button", name="First step").click()
    page.get_by_label("Note").fill("not for the collector")
    page.get_by_role("button", name="During pause").click()
    assert page.locator("workprint-indicator").count() == 0
    # A later action on the allowed origin arriving bounds the wait for anything else.
    allowed = world.open(f"{world.allowed}/second")
    # The SDK starts once the service worker has answered: a click before that is not seen.
    _expect()(allowed.get_by_text("Recording on: redacted")).to_be_visible()
    allowed.get_by_role("button", name="Private step").click()
    assert wait_for(lambda: bool(stored(world.engine, clicked("Private step"))))
    assert stored(world.engine, on_origin(world.other)) == []
    page.close()
    allowed.close()


@pytest.mark.e2e
def test_pause_in_the_popup_stops_every_tab_until_resume(world: World) -> None:
    expect = _expect()
    tab = world.open(f"{world.allowed}/")
    expect(tab.get_by_text("Recording on: redacted")).to_be_visible()
    popup = world.open(f"chrome-extension://{world.ext_id}/popup.html")
    expect(popup.get_by_text("This site is recorded (mode: redacted).")).to_be_visible()
    popup.get_by_role("button", name="Pause recording everywhere").click()
    expect(popup.get_by_role("status")).to_have_text("Paused everywhere")
    expect(tab.get_by_text("Recording paused")).to_be_visible()
    tab.get_by_role("button", name="During pause").click()
    opened_while_paused = world.open(f"{world.allowed}/second")
    opened_while_paused.get_by_role("button", name="During pause").click()
    assert opened_while_paused.locator("workprint-indicator").count() == 0

    popup.get_by_role("button", name="Resume recording").click()
    expect(popup.get_by_role("status")).to_have_text("Recording on allowed sites")
    expect(tab.get_by_text("Recording on: redacted")).to_be_visible()
    expect(opened_while_paused.get_by_text("Recording on: redacted")).to_be_visible()
    tab.get_by_role("button", name="After resume").click()
    opened_while_paused.get_by_role("button", name="After resume").click()
    assert wait_for(lambda: len(stored(world.engine, clicked("After resume"))) == 2)
    assert stored(world.engine, clicked("During pause")) == []
    kinds = [e["kind"] for e in stored(world.engine, on_origin(world.allowed))]
    assert "pause" in kinds and "resume" in kinds
    for page in (tab, popup, opened_while_paused):
        page.close()


@pytest.mark.e2e
def test_an_incognito_window_is_never_recorded(world: World) -> None:
    # The extension may not run there at all: it cannot even see the window it opens.
    seen = world.worker.evaluate(
        "url => chrome.windows.create({incognito: true, url}).then(w => Boolean(w))",
        f"{world.allowed}/self",
    )
    assert seen is False
    assert wait_for(lambda: any(h.startswith("/loaded") for h in world.allowed_hits))
    # The same self-driven page in a normal tab is recorded: the control.
    control = world.open(f"{world.allowed}/self-normal")
    normal = at_url(f"{world.allowed}/self-normal")
    assert wait_for(
        lambda: len(stored(world.engine, lambda e: normal(e) and e["kind"] == "click")) >= 20
    )
    assert stored(world.engine, at_url(f"{world.allowed}/self")) == []
    control.close()


def test_the_manifest_asks_for_little_and_never_runs_in_private_windows() -> None:
    assert MANIFEST["manifest_version"] == 3
    assert MANIFEST["incognito"] == "not_allowed"
    assert sorted(MANIFEST["permissions"]) == ["alarms", "scripting", "storage"]
    assert MANIFEST["host_permissions"] == ["http://127.0.0.1/*", "http://localhost/*"]
    assert MANIFEST["optional_host_permissions"] == ["https://*/*", "http://*/*"]
    assert "content_scripts" not in MANIFEST  # registered at run time, for allowed origins only
    csp = MANIFEST["content_security_policy"]["extension_pages"]
    assert "script-src 'self'" in csp and "unsafe" not in csp
    version = json.loads((EXTENSION_SRC.parent / "package.json").read_text())["version"]
    assert MANIFEST["version"] == version


def _sources() -> list[Path]:
    return sorted(p for p in EXTENSION_SRC.rglob("*") if p.suffix in {".js", ".mjs", ".html"}
                  and "vendor" not in p.parts and "test" not in p.parts)  # fmt: skip


@pytest.mark.parametrize("path", _sources(), ids=lambda p: str(p.relative_to(EXTENSION_SRC)))
def test_no_remote_code_and_no_eval(path: Path) -> None:
    text = path.read_text()
    assert not re.search(r"\beval\s*\(|new\s+Function\s*\(|setTimeout\s*\(\s*[\"'`]", text)
    assert not re.search(r"<script[^>]+src=[\"']https?:", text)
    assert not re.search(r"\bimport\s*\(\s*[\"'`]https?:|from\s+[\"']https?:", text)
    assert "innerHTML" not in text


def test_the_content_script_guards_private_windows_first() -> None:
    body = (EXTENSION_SRC / "content.js").read_text()
    guard = body.index("if (chrome.extension.inIncognitoContext) return;")
    assert guard < body.index("globalThis.Workprint") < body.index("sendMessage")
    worker = (EXTENSION_SRC / "background.js").read_text()
    assert "inIncognitoContext" in worker
    assert "tab.incognito !== false" in (EXTENSION_SRC / "lib" / "policy.js").read_text()


def test_the_javascript_modules_pass_their_node_tests() -> None:
    result = subprocess.run(
        [node(), "--test", str(EXTENSION_SRC / "test")],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=EXTENSION_SRC,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
