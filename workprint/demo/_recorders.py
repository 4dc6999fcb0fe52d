"""What records a simulated person's browser: the Workprint SDK, or nothing (the baseline of
measurements). A recorder installs itself into a browser context before any page opens, says
when a freshly loaded page is being recorded, labels tasks, and sends what it holds at the end.

Benchmarks add their own peers (rrweb) through the same :class:`Recorder` protocol.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Final, Protocol

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Page

from workprint.demo.errors import RecorderNotReady, SdkMissing

SDK_DIST: Final = Path(__file__).resolve().parents[2] / "sdk" / "dist" / "workprint.js"
"""The built SDK in a source checkout (``npm run build`` in ``sdk/``)."""
READY_TIMEOUT_MS: Final = 15_000
FLUSH_TRIES: Final = 3
log = logging.getLogger(__name__)


class Recorder(Protocol):
    """Records one browser context (one person's session)."""

    def install(self, context: BrowserContext) -> None:
        """Add what records to every page of ``context`` (init scripts, bindings)."""

    def ready(self, page: Page) -> None:
        """Return once a freshly loaded ``page`` is being recorded (bounded wait)."""

    def task_start(self, page: Page, label: str) -> str:
        """Label the start of a task; the id to end it with."""

    def task_end(self, page: Page, task_id: str, outcome: str) -> None:
        """Label the end of the task ``task_id`` with ``done``, ``abandoned`` or ``failed``."""

    def finish(self, page: Page) -> None:
        """Send everything still held, before the context closes."""


class NoRecorder:
    """Records nothing: the baseline."""

    def install(self, context: BrowserContext) -> None:
        pass

    def ready(self, page: Page) -> None:
        pass

    def task_start(self, page: Page, label: str) -> str:
        return ""

    def task_end(self, page: Page, task_id: str, outcome: str) -> None:
        pass

    def finish(self, page: Page) -> None:
        pass


def sdk_source(path: Path | None = None) -> str:
    """The text of the built SDK; :class:`SdkMissing` when it has not been built."""
    where = SDK_DIST if path is None else path
    try:
        return where.read_text(encoding="utf-8")
    except OSError as exc:
        raise SdkMissing("the built browser SDK was not found") from exc


class WorkprintRecorder:
    """The Workprint browser SDK, injected at document start with its configuration.

    One init script holds both the configuration and the SDK, because the order of several
    init scripts is not defined.
    """

    def __init__(
        self,
        sdk: str,
        *,
        endpoint: str,
        token: str,
        app: str = "nexus-crm",
        flush_interval_ms: int = 3000,
        settle_ms: int = 400,
        indicator: bool = True,
    ) -> None:
        self._sdk = sdk
        self._config = {
            "endpoint": endpoint,
            "token": token,
            "app": app,
            "flushIntervalMs": flush_interval_ms,
            "settleMs": settle_ms,
            "indicator": indicator,
        }

    def install(self, context: BrowserContext) -> None:
        config = json.dumps(self._config)
        context.add_init_script(script=f"window.__WORKPRINT_CONFIG__ = {config};\n{self._sdk}")

    def ready(self, page: Page) -> None:
        from playwright.sync_api import Error as PlaywrightError

        try:
            page.wait_for_function(
                "() => window.Workprint && Workprint.state().mode !== 'off'",
                timeout=READY_TIMEOUT_MS,
            )
        except PlaywrightError as exc:
            raise RecorderNotReady("the SDK did not start recording in time") from exc

    def task_start(self, page: Page, label: str) -> str:
        return str(page.evaluate("label => Workprint.taskStart(label)", label))

    def task_end(self, page: Page, task_id: str, outcome: str) -> None:
        page.evaluate("([id, outcome]) => Workprint.taskEnd(id, outcome)", [task_id, outcome])

    def finish(self, page: Page) -> None:
        for _ in range(FLUSH_TRIES):
            result = page.evaluate("() => Workprint.flush()")
            if not (isinstance(result, dict) and result.get("queued")):
                return
        log.warning("events still queued after %d flushes", FLUSH_TRIES)
