"""Keyboard input on X11 through pynput (the X RECORD extension): :class:`KeyboardSource`.

Each press becomes a :class:`~.base.KeyDown` with the canonical key name (``capture/keys.py``)
and the modifiers held; releases matter only for modifiers (:class:`~.base.KeyUp`), so other
releases are dropped at once. These records never leave the
device; the reducer turns them into typed runs and shortcuts. The listener only observes: it
cannot suppress or change what the person types.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from workprint.capture import keys
from workprint.capture.sources import base as raw
from workprint.capture.sources._x11 import load, start_listener, stop_listener
from workprint.core.clock import Clock, SystemClock

log = logging.getLogger(__name__)


def key_name(key: Any) -> str | None:
    """The canonical name of a pynput key (``Key`` member or ``KeyCode``), or ``None`` when
    the key has no name the agent knows."""
    name = getattr(key, "name", None)
    if isinstance(name, str):  # a Key member: shift, ctrl_l, enter, space...
        if name == "space":
            return " "
        if name in keys.MODIFIER_KEYS:
            return keys.MODIFIER_KEYS[name]
        return keys.NAMED_KEYS.get(name)
    char = getattr(key, "char", None)
    if isinstance(char, str) and len(char) == 1:
        return "Enter" if char in "\r\n" else ("Tab" if char == "\t" else char)
    return None


class KeyboardSource:
    """Key presses and releases with the modifiers held (a :class:`~.base.Source`)."""

    def __init__(
        self,
        clock: Clock | None = None,
        *,
        before_key: Callable[[raw.Sink], bool] | None = None,
    ) -> None:
        self._clock = clock or SystemClock()
        self._before_key = before_key
        """Called with the sink before each key press is handed on: the agent's keyboard-grab
        check, so a grab that began just now is in the sink before the key; when it answers
        true the key is dropped here."""
        self._sink: raw.Sink | None = None
        self._listener: Any = None
        self._held: dict[str, str] = {}
        """pynput name of each modifier key held -> the modifier it holds."""
        self._mods: frozenset[str] = frozenset()
        self._lock = threading.Lock()

    def start(self, sink: raw.Sink) -> None:
        keyboard = load("pynput.keyboard")
        self._sink = sink
        self._listener = keyboard.Listener(on_press=self._press, on_release=self._release)
        start_listener(self._listener)

    def stop(self) -> None:
        listener, self._listener = self._listener, None
        if listener is not None:
            stop_listener(listener)

    def _press(self, key: Any, injected: bool = False) -> None:
        self._handle(key, down=True)

    def _release(self, key: Any, injected: bool = False) -> None:
        self._handle(key, down=False)

    def _handle(self, key: Any, *, down: bool) -> None:
        sink = self._sink
        if sink is None or key is None:
            return
        try:
            name = key_name(key)
            raw_name = getattr(key, "name", None)
            if isinstance(raw_name, str) and raw_name in keys.MODIFIER_KEYS:
                with self._lock:
                    if down:
                        self._held[raw_name] = keys.MODIFIER_KEYS[raw_name]
                    else:
                        self._held.pop(raw_name, None)
                    self._mods = frozenset(self._held.values())
            mods = self._mods
            if name is None or (not down and name not in keys.MODIFIERS):
                return  # a release says nothing the reducer uses, unless it ends a modifier
            if down and self._before_key is not None and self._before_key(sink):
                return  # typed under another client's keyboard grab
            at = self._clock.now()
            sink(raw.KeyDown(at, name, mods) if down else raw.KeyUp(at, name, mods))
        except Exception as exc:  # noqa: BLE001 - a listener thread must not die
            log.error("keyboard event dropped (%s)", type(exc).__name__)
