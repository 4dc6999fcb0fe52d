"""Scripted raw input for tests and demos: :class:`Script` writes what a person would do,
:class:`FakeSource` plays it into a sink like a real source would.

Time advances by ``step_s`` per record unless :meth:`Script.wait` says otherwise, so a script
is deterministic and needs no clock::

    >>> s = Script().focus(1, "xedit", "notes").type("hi").key("Enter")
    >>> [type(r).__name__ for r in s.records][:3]
    ['WindowFocus', 'KeyDown', 'KeyUp']
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from workprint.capture.sources import base as raw

_START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


class Script:
    """A list of raw records being written, with its own time cursor."""

    def __init__(self, start: datetime = _START, step_s: float = 0.05) -> None:
        self.now = start
        self.step = timedelta(seconds=step_s)
        self.records: list[raw.Raw] = []

    def _at(self) -> datetime:
        self.now += self.step
        return self.now

    def wait(self, seconds: float) -> Script:
        self.now += timedelta(seconds=seconds)
        return self

    def add(self, record: raw.Raw) -> Script:
        self.records.append(record)
        return self

    def focus(
        self,
        window_id: int,
        app: str | None,
        title: str | None = None,
        *,
        instance: str | None = None,
        window_type: str | None = "normal",
    ) -> Script:
        return self.add(
            raw.WindowFocus(
                self._at(),
                window_id,
                app_class=app,
                app_instance=instance or app,
                title=title,
                window_type=window_type,
            )
        )

    def type(self, text: str) -> Script:
        """Each character pressed and released (shift held for upper-case letters)."""
        for char in text:
            mods = frozenset({"shift"}) if char.isupper() else frozenset()
            self.add(raw.KeyDown(self._at(), char, mods))
            self.add(raw.KeyUp(self._at(), char, mods))
        return self

    def key(self, name: str, *modifiers: str) -> Script:
        """One key (``Enter``, ``Backspace``, ``s``) with modifiers (``"ctrl"``)."""
        mods = frozenset(modifiers)
        self.add(raw.KeyDown(self._at(), name, mods))
        return self.add(raw.KeyUp(self._at(), name, mods))

    def keys(self, name: str, times: int, *modifiers: str) -> Script:
        for _ in range(times):
            self.key(name, *modifiers)
        return self

    def click(self, x: int, y: int, button: raw.Button = "left") -> Script:
        self.add(raw.ButtonDown(self._at(), x, y, button))
        return self.add(raw.ButtonUp(self._at(), x, y, button))

    def drag(self, x1: int, y1: int, x2: int, y2: int) -> Script:
        self.add(raw.ButtonDown(self._at(), x1, y1, "left"))
        self.add(raw.Motion(self._at(), (x1 + x2) // 2, (y1 + y2) // 2))
        return self.add(raw.ButtonUp(self._at(), x2, y2, "left"))

    def scroll(self, dy: int, dx: int = 0, x: int = 10, y: int = 10) -> Script:
        return self.add(raw.Scroll(self._at(), x, y, dx, dy))

    def tick(self) -> Script:
        return self.add(raw.Tick(self._at()))

    def idle(self, seconds: float) -> Script:
        since = self.now
        self.now += timedelta(seconds=seconds)
        return self.add(raw.Idle(self.now, since))

    def active(self) -> Script:
        return self.add(raw.Active(self._at()))

    def pause(self, pause: bool = True) -> Script:
        return self.add(raw.PauseRequest(self._at(), pause))

    def grab(self, held: bool) -> Script:
        return self.add(raw.GrabChanged(self._at(), held))

    def allow(self, allowed: bool = True) -> Script:
        return self.add(raw.CaptureAllowed(self._at(), allowed))


class FakeSource:
    """Plays scripted records into the sink when started (a :class:`~.base.Source`)."""

    def __init__(self, records: Iterable[raw.Raw]) -> None:
        self.records = list(records)
        self.started = False
        self.stopped = False

    def start(self, sink: raw.Sink) -> None:
        self.started = True
        for record in self.records:
            sink(record)

    def stop(self) -> None:
        self.stopped = True
