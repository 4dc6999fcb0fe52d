"""Mouse input on X11 through pynput (the X RECORD extension): :class:`MouseSource`.

Button presses and releases, wheel steps, and pointer motion only while a button is held (a
drag); free pointer movement is dropped at once, never queued.
"""

from __future__ import annotations

import logging
from typing import Any

from workprint.capture.sources import base as raw
from workprint.capture.sources._x11 import load, start_listener, stop_listener
from workprint.core.clock import Clock, SystemClock

log = logging.getLogger(__name__)

_BUTTONS: dict[str, raw.Button] = {"left": "left", "middle": "middle", "right": "right"}


class MouseSource:
    """Clicks, wheel and drags (a :class:`~.base.Source`)."""

    def __init__(self, clock: Clock | None = None) -> None:
        self._clock = clock or SystemClock()
        self._sink: raw.Sink | None = None
        self._listener: Any = None
        self._held = 0

    def start(self, sink: raw.Sink) -> None:
        mouse = load("pynput.mouse")
        self._sink = sink
        self._listener = mouse.Listener(
            on_move=self._move, on_click=self._click, on_scroll=self._scroll
        )
        start_listener(self._listener)

    def stop(self) -> None:
        listener, self._listener = self._listener, None
        if listener is not None:
            stop_listener(listener)

    def _move(self, x: int, y: int, injected: bool = False) -> None:
        sink = self._sink
        if self._held and sink is not None:
            sink(raw.Motion(self._clock.now(), int(x), int(y)))

    def _click(self, x: int, y: int, button: Any, pressed: bool, injected: bool = False) -> None:
        sink = self._sink
        name = _BUTTONS.get(getattr(button, "name", ""))
        if sink is None or name is None:
            return  # back/forward buttons and the like are not part of v1
        self._held = max(0, self._held + (1 if pressed else -1))
        at = self._clock.now()
        record = raw.ButtonDown if pressed else raw.ButtonUp
        try:
            sink(record(at, int(x), int(y), name))
        except Exception as exc:  # noqa: BLE001 - a listener thread must not die
            log.error("mouse event dropped (%s)", type(exc).__name__)

    def _scroll(self, x: int, y: int, dx: int, dy: int, injected: bool = False) -> None:
        sink = self._sink
        if sink is not None:
            sink(raw.Scroll(self._clock.now(), int(x), int(y), int(dx), int(dy)))
