"""Keyboard grabs held by other clients on X11: :class:`GrabProbe` and :class:`GrabWatcher`.

Password prompts (``ssh-askpass``, pinentry), screen lockers and xterm's "secure keyboard"
grab the keyboard so that no other client receives the keys. The X RECORD extension still
reports them, so the agent must notice the grab and stop reducing input while it lasts.

X11 has no request that asks "is the keyboard grabbed?", so the probe asks for a grab that
cannot succeed: ``GrabKeyboard`` on a 1x1 window of its own that is never mapped. The server
checks for a grab held by another client before it checks that the window is viewable, so
the answer is ``AlreadyGrabbed`` while someone holds a grab and ``GrabNotViewable``
otherwise. Nothing is ever grabbed and no key is taken from anyone (had the server ever
answered ``GrabSuccess``, the probe releases at once).
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from workprint.capture.sources import base as raw
from workprint.capture.sources._x11 import load, open_display, x_errors
from workprint.core.clock import Clock, SystemClock

log = logging.getLogger(__name__)


class GrabProbe:
    """Asks the X server whether another client holds a keyboard grab."""

    def __init__(self) -> None:
        self._x = load("Xlib.X")
        self._errors = x_errors()
        self._display = open_display()
        root = self._display.screen().root
        self._window = root.create_window(
            -10, -10, 1, 1, 0, self._x.CopyFromParent, self._x.InputOnly, self._x.CopyFromParent
        )
        self._display.sync()
        self._lock = threading.Lock()

    def held(self) -> bool:
        x = self._x
        with self._lock:
            try:
                status = self._window.grab_keyboard(
                    False, x.GrabModeAsync, x.GrabModeAsync, x.CurrentTime
                )
                if status == x.GrabSuccess:  # cannot happen for an unmapped window
                    self._display.ungrab_keyboard(x.CurrentTime)
                    self._display.flush()
            except self._errors as exc:
                log.debug("grab probe failed (%s)", type(exc).__name__)
                return False
        return bool(status in (x.AlreadyGrabbed, x.GrabFrozen))

    def close(self) -> None:
        with self._lock:
            self._display.close()


class GrabWatcher:
    """Emits :class:`~.base.GrabChanged` on every change, polling the probe every
    ``interval_s``; :meth:`check` lets the agent ask again right before it reduces a key."""

    def __init__(
        self, probe: Any = None, clock: Clock | None = None, *, interval_s: float = 1.0
    ) -> None:
        self._probe = probe
        self._clock = clock or SystemClock()
        self._interval = interval_s
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._held = False
        self._lock = threading.Lock()

    def start(self, sink: raw.Sink) -> None:
        if self._probe is None:
            self._probe = GrabProbe()
        self.check(sink)
        self._thread = threading.Thread(target=self._loop, args=(sink,), name="wp-grab")
        self._thread.daemon = True
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(5)
            self._thread = None
        if isinstance(self._probe, GrabProbe):
            self._probe.close()

    def check(self, sink: raw.Sink) -> bool:
        """Probe now; emit :class:`~.base.GrabChanged` into ``sink`` if the state changed.

        True when a grab is held now or was held at the previous probe: a key that arrives
        just as a grab ends may have been typed under it (the Enter that closed a password
        prompt, or its last character), so the keyboard source drops it."""
        held = bool(self._probe.held()) if self._probe is not None else False
        with self._lock:
            was_held = self._held
            self._held = held
        if held != was_held:
            sink(raw.GrabChanged(self._clock.now(), held))
        return held or was_held

    def _loop(self, sink: raw.Sink) -> None:
        while not self._stop.wait(self._interval):
            self.check(sink)
