"""Reduction: raw input in, semantic actions out (pure; time comes from the input).

:class:`Reducer` is a state machine fed one raw record at a time (``sources/base.py``). It
emits :class:`Action` values: ``click``, ``double_click``, ``right_click``, ``drag``,
``scroll`` (consecutive wheel steps merged), ``type`` (the committed text of one field),
``key`` (shortcuts and special keys), ``focus``, ``idle``/``active`` and ``pause``/``resume``.

What never comes out: single key presses with their timings (keystroke dynamics are
biometric data), pointer paths, and anything typed while suspended. A ``type`` action carries
the run's start and its total duration in tenths of a second, nothing per key.

Rules, in the order they matter:

* a typed run is committed by Enter, Tab, Escape, any shortcut, a click or scroll, a focus
  change, idle, a suspension, a cursor move out of the known text, or ``type_commit_after_s``
  without keys; its action comes before the one that committed it;
* a left click waits ``double_click_s`` for a second click, which makes one ``double_click``;
* a press and release further apart than ``drag_px`` is a ``drag``;
* ``ctrl+v`` and ``shift+Insert`` put :data:`~workprint.capture.keys.PASTE_MARK` in the run
  (the clipboard is never read); ``ctrl+a`` is a ``key`` and makes the next run ``replaced``.

Actions come out in the order of their ``at``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Final

import msgspec

from workprint.capture import keys
from workprint.capture._typing import TypedRun
from workprint.capture.sources import base as raw
from workprint.core import events as ev
from workprint.core.events import Kind

_NO_PAYLOAD: Final = ev.NoPayload()
_WORD_MODS: Final = frozenset({"ctrl"})
_MAX_TEXT: Final = 65536
"""The contract's bound on one typed run (``TypePayload.text``)."""


@dataclass(frozen=True, slots=True)
class ReducerConfig:
    double_click_s: float = 0.4
    double_click_px: int = 5
    drag_px: int = 6
    scroll_merge_s: float = 0.6
    type_commit_after_s: float = 3.0


@dataclass(frozen=True, slots=True)
class Action:
    """One semantic event before its envelope (ids, sequence number, privacy, consent)."""

    kind: Kind
    at: datetime
    payload: msgspec.Struct = field(default=_NO_PAYLOAD)
    duration_ms: int = 0
    window: raw.WindowFocus | None = None
    """The window it happened in; ``None`` for pause, resume, idle and active."""
    target: ev.Target | None = None


def _ms(a: datetime, b: datetime) -> int:
    return max(0, int((b - a) / timedelta(milliseconds=1)))


def _same(a: raw.WindowFocus | None, b: raw.WindowFocus | None) -> bool:
    return a is not None and b is not None and a.window_id == b.window_id


def _near(ax: int, ay: int, bx: int, by: int, px: int) -> bool:
    return abs(ax - bx) <= px and abs(ay - by) <= px


@dataclass(slots=True)
class _Click:
    at: datetime
    x: int
    y: int
    window: raw.WindowFocus


@dataclass(slots=True)
class _Scroll:
    at: datetime
    last: datetime
    x: int
    y: int
    dx: int
    dy: int
    window: raw.WindowFocus


class Reducer:
    """Raw input -> :class:`Action` values. Not thread-safe: feed it from one thread."""

    def __init__(self, config: ReducerConfig | None = None) -> None:
        self.config = config or ReducerConfig()
        self.window: raw.WindowFocus | None = None
        self.suspended = False
        self.idle = False
        self._run = TypedRun()
        self._run_window: raw.WindowFocus | None = None
        self._down: raw.ButtonDown | None = None
        self._down_window: raw.WindowFocus | None = None
        self._dragged = False
        self._click: _Click | None = None
        self._scroll: _Scroll | None = None
        self._last_at: datetime | None = None

    # ---------------------------------------------------------------- entry points

    def feed(self, item: raw.Raw) -> list[Action]:
        out: list[Action] = []
        match item:
            case raw.Tick():
                self._expire(item.at, out)
            case raw.Suspend():
                self._flush(item.at, out)
                self._down = None
                self.suspended, self.idle = True, False
                if item.reason != "policy":
                    payload = ev.PausePayload(reason=item.reason)
                    self._emit(out, Kind.PAUSE, item.at, payload)
            case raw.Resume():
                self.suspended = False
                if item.reason != "policy":
                    self._emit(out, Kind.RESUME, item.at)
            case raw.WindowFocus():
                self._focus(item, out)
            case raw.Idle():
                if not self.idle and not self.suspended:
                    self._flush(item.at, out)
                    self.idle = True
                    at = max(item.since, self._last_at) if self._last_at else item.since
                    self._emit(out, Kind.IDLE, at)
            case raw.Active():
                self._wake(item.at, out)
            case raw.KeyDown() | raw.ButtonDown() | raw.ButtonUp() | raw.Scroll() | raw.Motion():
                if not self.suspended and self.window is not None:
                    self._wake(item.at, out)
                    self._input(item, out)
            case _:
                pass  # key releases and the gate's own records carry nothing to reduce
        return out

    def deadline(self) -> datetime | None:
        """When a :class:`~.sources.base.Tick` would next close something (a click waiting
        for its double, a scroll, a quiet typed run); ``None`` when nothing is pending."""
        cfg = self.config
        times = []
        if self._click is not None:
            times.append(self._click.at + timedelta(seconds=cfg.double_click_s))
        if self._scroll is not None:
            times.append(self._scroll.last + timedelta(seconds=cfg.scroll_merge_s))
        if self._run.last_at is not None:
            times.append(self._run.last_at + timedelta(seconds=cfg.type_commit_after_s))
        return min(times) if times else None

    def flush(self, at: datetime) -> list[Action]:
        """Commit everything pending (at shutdown)."""
        out: list[Action] = []
        self._flush(at, out)
        return out

    # ---------------------------------------------------------------- internals

    def _emit(
        self,
        out: list[Action],
        kind: Kind,
        at: datetime,
        payload: msgspec.Struct = _NO_PAYLOAD,
        *,
        duration_ms: int = 0,
        window: raw.WindowFocus | None = None,
        target: ev.Target | None = None,
    ) -> None:
        if self._last_at is not None and at < self._last_at:
            at = self._last_at  # a clock step back never reorders the output
        self._last_at = at
        out.append(Action(kind, at, payload, duration_ms, window, target))

    def _wake(self, at: datetime, out: list[Action]) -> None:
        if self.idle:
            self.idle = False
            self._emit(out, Kind.ACTIVE, at)

    def _focus(self, item: raw.WindowFocus, out: list[Action]) -> None:
        previous = self.window
        if _same(previous, item):
            self.window = item  # a new title for the same window: no switch
            return
        self._flush(item.at, out)
        self._down = None
        self.window = item
        same_app = previous is not None and previous.app_class == item.app_class
        payload = ev.FocusPayload(scope="window" if same_app else "app")
        self._emit(out, Kind.FOCUS, item.at, payload, window=item)

    def _flush(self, at: datetime, out: list[Action]) -> None:
        self._commit_run(out)
        self._flush_click(out)
        self._flush_scroll(out)

    def _expire(self, at: datetime, out: list[Action]) -> None:
        cfg = self.config
        click = self._click
        if click is not None and (at - click.at).total_seconds() > cfg.double_click_s:
            self._flush_click(out)
        scroll = self._scroll
        if scroll is not None and (at - scroll.last).total_seconds() > cfg.scroll_merge_s:
            self._flush_scroll(out)
        last = self._run.last_at
        if last is not None and (at - last).total_seconds() >= cfg.type_commit_after_s:
            self._commit_run(out)

    def _commit_run(self, out: list[Action]) -> None:
        run, window = self._run, self._run_window
        self._run, self._run_window = TypedRun(), None
        if not run.touched or window is None or run.started_at is None:
            return
        text = run.text
        if not text and not run.replaced:
            return
        last = run.last_at or run.started_at
        duration = round(_ms(run.started_at, last), -2)
        payload = ev.TypePayload(text=text[:_MAX_TEXT], replaced=run.replaced)
        self._emit(out, Kind.TYPE, run.started_at, payload, duration_ms=duration, window=window)

    def _flush_click(self, out: list[Action]) -> None:
        click, self._click = self._click, None
        if click is not None:
            target = ev.Target(x=click.x, y=click.y, button="left", screen=0)
            self._emit(out, Kind.CLICK, click.at, window=click.window, target=target)

    def _flush_scroll(self, out: list[Action]) -> None:
        s, self._scroll = self._scroll, None
        if s is not None and (s.dx or s.dy):
            payload = ev.ScrollPayload(dx=s.dx, dy=s.dy)
            target = ev.Target(x=s.x, y=s.y, screen=0)
            self._emit(
                out,
                Kind.SCROLL,
                s.at,
                payload,
                duration_ms=_ms(s.at, s.last),
                window=s.window,
                target=target,
            )

    def _input(
        self,
        item: raw.KeyDown | raw.ButtonDown | raw.ButtonUp | raw.Scroll | raw.Motion,
        out: list[Action],
    ) -> None:
        window = self.window
        assert window is not None
        if isinstance(item, raw.KeyDown):
            self._key(item, window, out)
        elif isinstance(item, raw.Scroll):
            self._commit_run(out)
            self._flush_click(out)
            s = self._scroll
            merge = self.config.scroll_merge_s
            stale = s is None or (item.at - s.last).total_seconds() > merge
            if s is None or stale or not _same(s.window, window):
                self._flush_scroll(out)
                s = self._scroll = _Scroll(item.at, item.at, item.x, item.y, 0, 0, window)
            s.dx += item.dx
            s.dy += item.dy
            s.last = item.at
        elif isinstance(item, raw.ButtonDown):
            self._commit_run(out)
            self._flush_scroll(out)
            self._down, self._down_window, self._dragged = item, window, False
        elif isinstance(item, raw.Motion):
            down = self._down
            if down is not None and not _near(down.x, down.y, item.x, item.y, self.config.drag_px):
                self._dragged = True
        else:
            self._release(item, out)

    def _release(self, up: raw.ButtonUp, out: list[Action]) -> None:
        down, window = self._down, self._down_window
        self._down = None
        if down is None or window is None or down.button != up.button:
            return
        cfg = self.config
        if self._dragged or not _near(down.x, down.y, up.x, up.y, cfg.drag_px):
            self._flush_click(out)
            payload = ev.DragPayload(from_x=down.x, from_y=down.y, to_x=up.x, to_y=up.y)
            target = ev.Target(x=down.x, y=down.y, button=down.button, screen=0)
            duration = _ms(down.at, up.at)
            self._emit(
                out, Kind.DRAG, down.at, payload, duration_ms=duration, window=window, target=target
            )
            return
        if down.button != "left":
            self._flush_click(out)
            kind = Kind.RIGHT_CLICK if down.button == "right" else Kind.CLICK
            target = ev.Target(x=down.x, y=down.y, button=down.button, screen=0)
            self._emit(out, kind, down.at, window=window, target=target)
            return
        first = self._click
        if (
            first is not None
            and _same(first.window, window)
            and (down.at - first.at).total_seconds() <= cfg.double_click_s
            and _near(first.x, first.y, down.x, down.y, cfg.double_click_px)
        ):
            self._click = None
            target = ev.Target(x=first.x, y=first.y, button="left", screen=0)
            self._emit(out, Kind.DOUBLE_CLICK, first.at, window=window, target=target)
            return
        self._flush_click(out)
        self._click = _Click(down.at, down.x, down.y, window)

    def _key(self, item: raw.KeyDown, window: raw.WindowFocus, out: list[Action]) -> None:
        key = item.key
        if key in keys.MODIFIERS or key in keys.SILENT_KEYS:
            return
        self._flush_click(out)
        self._flush_scroll(out)
        mods = item.modifiers
        command_mods = mods - {"shift"}
        name = keys.shortcut(key, mods)
        run = self._run
        if name in keys.PASTE_SHORTCUTS:
            self._in_run(window, out).insert(keys.PASTE_MARK, item.at)
        elif keys.is_printable(key) and not command_mods:
            self._in_run(window, out).insert(key, item.at)
        elif key in keys.EDITING_KEYS and command_mods <= _WORD_MODS:
            run = self._in_run(window, out)
            word = "ctrl" in mods
            if key == "Backspace":
                run.backspace(item.at, word=word)
            elif key == "Delete":
                run.delete(item.at, word=word)
            elif run.move(key, shift="shift" in mods, word=word) == "left":
                self._commit_run(out)
        else:
            self._commit_run(out)
            self._emit(out, Kind.KEY, item.at, ev.KeyPayload(keys=name[:64]), window=window)
            if name == "ctrl+a":
                self._in_run(window, out).select_all()

    def _in_run(self, window: raw.WindowFocus, out: list[Action]) -> TypedRun:
        """The run of ``window``, committing one that belongs to another window."""
        if self._run_window is not None and not _same(self._run_window, window):
            self._commit_run(out)
        if self._run_window is None:
            self._run_window = window
        return self._run
