"""The focused application and window on X11, through python-xlib: :class:`WindowSource`.

It listens, without polling, for ``PropertyNotify`` of ``_NET_ACTIVE_WINDOW`` on the root
window (set by every EWMH window manager), and for title changes of the active window itself.
For each change it reads ``WM_CLASS``, ``_NET_WM_NAME`` (else ``WM_NAME``), ``_NET_WM_PID`` and
``_NET_WM_WINDOW_TYPE`` and emits a :class:`~.base.WindowFocus`. Without an EWMH window
manager it falls back to asking for the input focus every ``fallback_poll_s``.
"""

from __future__ import annotations

import logging
import select
import threading
from typing import Any

from workprint.capture.sources import base as raw
from workprint.capture.sources._x11 import ignore_error, load, open_display, x_errors
from workprint.core.clock import Clock, SystemClock

log = logging.getLogger(__name__)

_TYPE_PREFIX = "_NET_WM_WINDOW_TYPE_"


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return str(value)


class WindowSource:
    """The active window and its title (a :class:`~.base.Source`)."""

    def __init__(self, clock: Clock | None = None, *, fallback_poll_s: float = 1.0) -> None:
        self._clock = clock or SystemClock()
        self._poll_s = fallback_poll_s
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._display: Any = None
        self._active = 0
        self._last: raw.WindowFocus | None = None

    # ---------------------------------------------------------------- lifecycle

    def start(self, sink: raw.Sink) -> None:
        self._x = load("Xlib.X")
        self._xatom = load("Xlib.Xatom")
        self._errors = x_errors()
        display = self._display = open_display()
        self._root = display.screen().root
        atom = display.intern_atom
        self._net_active = atom("_NET_ACTIVE_WINDOW")
        self._net_name = atom("_NET_WM_NAME")
        self._net_pid = atom("_NET_WM_PID")
        self._net_type = atom("_NET_WM_WINDOW_TYPE")
        self._utf8 = atom("UTF8_STRING")
        self._ewmh = atom("_NET_SUPPORTED") and self._supports_active()
        self._root.change_attributes(event_mask=self._x.PropertyChangeMask)
        display.flush()
        self._emit(sink, self._current())
        self._thread = threading.Thread(target=self._loop, args=(sink,), name="wp-window")
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

    # ---------------------------------------------------------------- reading

    def _supports_active(self) -> bool:
        try:
            supported = self._root.get_full_property(
                self._display.intern_atom("_NET_SUPPORTED"), self._xatom.ATOM
            )
        except self._errors:
            return False
        return supported is not None and self._net_active in list(supported.value)

    def _current(self) -> int:
        if self._ewmh:
            try:
                prop = self._root.get_full_property(self._net_active, self._x.AnyPropertyType)
            except self._errors:
                return 0
            return int(prop.value[0]) if prop is not None and len(prop.value) else 0
        return self._focused_toplevel()

    def _focused_toplevel(self) -> int:
        try:
            window = self._display.get_input_focus().focus
            if isinstance(window, int):
                return 0  # PointerRoot or None
            while window is not None and window.id != self._root.id:
                if window.get_wm_class() is not None:
                    return int(window.id)
                window = window.query_tree().parent
        except self._errors:
            return 0
        return 0

    def _describe(self, window_id: int) -> raw.WindowFocus:
        at = self._clock.now()
        if not window_id:
            return raw.WindowFocus(at, 0)
        window = self._display.create_resource_object("window", window_id)
        try:
            wm_class = window.get_wm_class()
            name = window.get_full_property(self._net_name, self._utf8)
            title = _text(name.value) if name is not None else _text(window.get_wm_name())
            pid_prop = window.get_full_property(self._net_pid, self._x.AnyPropertyType)
            type_prop = window.get_full_property(self._net_type, self._x.AnyPropertyType)
        except self._errors:
            return raw.WindowFocus(at, window_id)  # gone already
        pid = int(pid_prop.value[0]) if pid_prop is not None and len(pid_prop.value) else None
        window_type = None
        if type_prop is not None and len(type_prop.value):
            atom_name = str(self._display.get_atom_name(int(type_prop.value[0])))
            window_type = atom_name.removeprefix(_TYPE_PREFIX).lower()
        instance, klass = (wm_class or (None, None))[:2]
        return raw.WindowFocus(
            at,
            window_id,
            app_class=klass.lower() if klass else None,
            app_instance=instance.lower() if instance else None,
            title=title,
            pid=pid,
            window_type=window_type,
        )

    # ---------------------------------------------------------------- events

    def _emit(self, sink: raw.Sink, window_id: int) -> None:
        if window_id != self._active:
            if self._active:
                old = self._display.create_resource_object("window", self._active)
                old.change_attributes(event_mask=0, onerror=ignore_error)
            if window_id:
                new = self._display.create_resource_object("window", window_id)
                new.change_attributes(event_mask=self._x.PropertyChangeMask, onerror=ignore_error)
            self._active = window_id
        focus = self._describe(window_id)
        last = self._last
        if last is not None and (
            (last.window_id, last.title, last.app_class)
            == (focus.window_id, focus.title, focus.app_class)
        ):
            return
        self._last = focus
        sink(focus)

    def _loop(self, sink: raw.Sink) -> None:
        display = self._display
        fd = display.fileno()
        titles = {self._net_name, self._xatom.WM_NAME}
        while not self._stop.is_set():
            try:
                readable, _, _ = select.select([fd], [], [], self._poll_s)
                if not readable and not display.pending_events():
                    if not self._ewmh:
                        self._emit(sink, self._current())
                    continue
                changed = False
                for _ in range(display.pending_events() or 1):
                    event = display.next_event()
                    if event.type != self._x.PropertyNotify:
                        continue
                    on_root = event.window.id == self._root.id and event.atom == self._net_active
                    on_active = event.window.id == self._active and event.atom in titles
                    changed = changed or on_root or on_active
                if changed:
                    self._emit(sink, self._current())
            except self._errors as exc:
                log.debug("window source: X request failed (%s)", type(exc).__name__)
            except OSError:
                if not self._stop.is_set():
                    log.warning("window source: X connection lost")
                return
