"""Idle and active on X11, from the MIT-SCREEN-SAVER extension: :class:`IdleSource`.

The X server counts the time since the last input from any device; once it passes
``idle_after_s`` the source emits :class:`~.base.Idle` (with the moment input stopped), and
:class:`~.base.Active` when input comes back. While the person is active it asks only as
often as the threshold could be reached (the reducer sees input itself and ends an idle
period at the first key or click). Only these two transitions leave the source.
"""

from __future__ import annotations

import logging
import threading
from datetime import timedelta
from typing import Any

from workprint.capture.sources import base as raw
from workprint.capture.sources._x11 import load, open_display, x_errors
from workprint.core.clock import Clock, SystemClock

log = logging.getLogger(__name__)


class IdleSource:
    """Idle/active transitions (a :class:`~.base.Source`)."""

    def __init__(
        self, clock: Clock | None = None, *, idle_after_s: float = 120.0, poll_s: float = 1.0
    ) -> None:
        self._clock = clock or SystemClock()
        self._idle_after_ms = int(idle_after_s * 1000)
        self._poll_s = poll_s
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._display: Any = None
        self._idle = False

    def start(self, sink: raw.Sink) -> None:
        load("Xlib.ext.screensaver")
        self._errors = x_errors()
        self._display = open_display()
        if not self._display.has_extension("MIT-SCREEN-SAVER"):
            log.warning("the X server has no MIT-SCREEN-SAVER extension: no idle events")
            return
        self._root = self._display.screen().root
        self._thread = threading.Thread(target=self._loop, args=(sink,), name="wp-idle")
        self._thread.daemon = True
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(5)
            self._thread = None
        display, self._display = self._display, None
        if display is not None:
            display.close()

    def _loop(self, sink: raw.Sink) -> None:
        wait = self._poll_s
        while not self._stop.wait(wait):
            wait = self._poll_s
            try:
                idle_ms = int(self._root.screensaver_query_info().idle)
            except self._errors as exc:
                log.debug("idle query failed (%s)", type(exc).__name__)
                continue
            now = self._clock.now()
            if not self._idle and idle_ms >= self._idle_after_ms:
                self._idle = True
                sink(raw.Idle(now, now - timedelta(milliseconds=idle_ms)))
            elif self._idle and idle_ms < self._idle_after_ms:
                self._idle = False
                sink(raw.Active(now))
            if not self._idle:
                # Idle cannot reach the threshold sooner than this: no need to ask before.
                wait = max(self._poll_s, (self._idle_after_ms - idle_ms) / 1000)
