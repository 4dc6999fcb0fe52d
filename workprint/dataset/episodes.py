"""Episodes: a person's merged, time-ordered event stream cut into units of work (pure).

Two steps, both pure functions over frozen values:

1. :func:`merge_streams` merges the streams of one person (desktop agent, browser tabs, each
   device) into one time line. Device clocks drift, so each event's time is corrected by the
   clock skew the store measured for its batch: ``skew_ms = received_at - sent_at`` (server
   minus device clock), and ``corrected = occurred_at + skew_ms``, i.e. the device time minus
   the device's lead over the server. Network latency adds a few milliseconds of noise to each
   batch's skew, so within one stream the corrected times are clamped to never go backwards:
   the order a capturer recorded is kept, and only the interleaving of streams changes.
2. :func:`cut_episodes` cuts that time line into :class:`Episode` values under one
   :class:`EpisodeRules`:

   * A ``task_start`` opens a labelled episode whose task text is the person's label; it ends
     at ``task_end``, the next ``task_start``, or a silence longer than ``task_timeout_s``.
     Inside a labelled task, app and origin changes and idle periods do not cut: the person
     said what belongs together.
   * Outside labelled tasks an episode ends at an ``idle`` event, a ``pause``, a ``gap``
     (events known lost), a silence longer than ``idle_gap_s``, a change of application, or a
     change of URL origin (each of the last three can be switched off).
   * Any episode ends after ``max_events`` events, which bounds memory.

   Desktop and web capturers both see a click inside the browser; a desktop action within
   ``dedupe_window_ms`` of a web action of the same kind is the same action, and only the
   web one (which names the element) is kept.

Boundary events (``task_start``, ``task_end``, ``idle``, ``active``, ``pause``, ``resume``,
``gap``) are never part of an episode's events.
"""

from __future__ import annotations

import functools
import heapq
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Final

from workprint.core import events as ev
from workprint.core.events import Kind
from workprint.dataset.errors import SpecInvalid
from workprint.privacy.policy import normalise_origin

ACTION_KINDS: Final = frozenset(
    {
        Kind.CLICK,
        Kind.DOUBLE_CLICK,
        Kind.RIGHT_CLICK,
        Kind.TYPE,
        Kind.KEY,
        Kind.SCROLL,
        Kind.DRAG,
        Kind.SELECT,
        Kind.SUBMIT,
        Kind.NAVIGATE,
    }
)
"""Kinds that become steps (a person acting); the others are context or boundaries."""

_BOUNDARIES: Final = frozenset(
    {Kind.TASK_START, Kind.TASK_END, Kind.IDLE, Kind.ACTIVE, Kind.PAUSE, Kind.RESUME, Kind.GAP}
)


@dataclass(frozen=True, slots=True)
class EpisodeRules:
    """How a person's time line is cut into episodes (the ``[episodes]`` table of a spec)."""

    idle_gap_s: float = 300.0
    """Outside labelled tasks, a silence longer than this (seconds) ends an episode."""
    task_timeout_s: float = 4 * 3600.0
    """A labelled task with no ``task_end`` ends after a silence this long (seconds)."""
    cut_on_idle_event: bool = True
    """Outside labelled tasks, an ``idle`` event from a capturer ends the episode."""
    cut_on_app_change: bool = True
    """Outside labelled tasks, moving to another application ends the episode."""
    cut_on_origin_change: bool = True
    """Outside labelled tasks, moving to another URL origin (scheme, host, port) ends it."""
    max_events: int = 5000
    """Hard cap on events per episode (keeps memory bounded; a longer run is cut)."""
    dedupe_window_ms: int = 300
    """A desktop action this close (ms) to a web action of the same kind is dropped as the
    same action seen twice; 0 keeps both."""

    def __post_init__(self) -> None:
        if self.idle_gap_s <= 0 or self.task_timeout_s <= 0:
            raise SpecInvalid("episodes.idle_gap_s and episodes.task_timeout_s must be > 0")
        if self.max_events < 2:
            raise SpecInvalid("episodes.max_events must be at least 2")
        if self.dedupe_window_ms < 0:
            raise SpecInvalid("episodes.dedupe_window_ms must be >= 0")


@dataclass(frozen=True, slots=True)
class TimedEvent:
    """An event with its skew-corrected time (epoch ms)."""

    at_ms: int
    event: ev.Event

    @property
    def kind(self) -> Kind:
        return Kind(str(self.event.__struct_config__.tag))


@dataclass(frozen=True, slots=True)
class SourceRow:
    """One stored event of one stream, as read: device time, its batch's skew, the event."""

    occurred_at_ms: int
    skew_ms: int
    event: ev.Event


@dataclass(frozen=True, slots=True)
class Episode:
    """A contiguous unit of one person's work."""

    events: tuple[TimedEvent, ...]
    task: str | None = None
    """The person's own label (``task_start``), or None for an episode cut by the rules."""
    task_id: str | None = None
    outcome: str | None = None
    """``done``/``abandoned``/``failed`` from a matching ``task_end``; None otherwise."""
    end_reason: str = "end"
    """Why it ended: ``task_end``, ``next_task`` (a task began inside a task), ``task_start``
    (a task began after unlabelled work), ``task_timeout``, ``idle``, ``silence``,
    ``app_change``, ``origin_change``, ``pause``, ``gap``, ``max_events`` or ``end``."""
    interruptions: int = 0
    """Pauses and gaps inside a labelled task (the task went on around them)."""

    @property
    def start_ms(self) -> int:
        return self.events[0].at_ms if self.events else 0

    @property
    def end_ms(self) -> int:
        return self.events[-1].at_ms if self.events else 0


# ------------------------------------------------------------------------------- merging


def _corrected(rows: Iterable[SourceRow]) -> Iterator[TimedEvent]:
    last = None
    for row in rows:
        at = row.occurred_at_ms + row.skew_ms
        if last is not None and at < last:
            at = last
        last = at
        yield TimedEvent(at, row.event)


def _order(item: TimedEvent) -> tuple[int, str, str, int]:
    e = item.event
    return (item.at_ms, e.stream, e.device_id, e.seq)


def merge_streams(streams: Iterable[Iterable[SourceRow]]) -> Iterator[TimedEvent]:
    """One time line from several streams, each given in its own recorded order.

    Lazy: holds one pending event per stream, so a person's history never sits in memory.
    Ties are broken by stream, device and sequence number, so the order is deterministic.
    """
    return heapq.merge(*(_corrected(s) for s in streams), key=_order)


# ------------------------------------------------------------------------------- cutting


def origin_of(url: str | None) -> str | None:
    """``scheme://host[:port]`` of a URL, or None."""
    if not url:
        return None
    return _origin(url)


@functools.lru_cache(maxsize=4096)
def _origin(url: str) -> str | None:
    try:
        return normalise_origin(url)
    except ValueError:
        return None


class _Cutter:
    def __init__(self, rules: EpisodeRules) -> None:
        self.rules = rules
        self.events: list[TimedEvent] = []
        self.task: str | None = None
        self.task_id: str | None = None
        self.interruptions = 0
        self.app: str | None = None
        self.origin: str | None = None

    def close(self, reason: str, outcome: str | None = None) -> Episode | None:
        episode = None
        if self.events:
            episode = Episode(
                events=tuple(_dedupe(self.events, self.rules.dedupe_window_ms)),
                task=self.task,
                task_id=self.task_id,
                outcome=outcome,
                end_reason=reason,
                interruptions=self.interruptions,
            )
        self.events = []
        self.task = self.task_id = None
        self.interruptions = 0
        self.app = self.origin = None
        return episode

    def context_change(self, item: TimedEvent) -> str | None:
        if self.task is not None or not self.events:
            return None
        ctx = item.event.context
        if self.rules.cut_on_app_change and ctx.app and self.app and ctx.app != self.app:
            return "app_change"
        origin = origin_of(ctx.url)
        if self.rules.cut_on_origin_change and origin and self.origin and origin != self.origin:
            return "origin_change"
        return None

    def add(self, item: TimedEvent) -> None:
        self.events.append(item)
        ctx = item.event.context
        self.app = ctx.app or self.app
        self.origin = origin_of(ctx.url) or self.origin


def cut_episodes(timeline: Iterable[TimedEvent], rules: EpisodeRules) -> Iterator[Episode]:
    """Episodes of one person's merged time line, in order (see the module docstring)."""
    cut = _Cutter(rules)
    idle_ms = rules.idle_gap_s * 1000
    task_timeout_ms = rules.task_timeout_s * 1000
    last_at: int | None = None
    for item in timeline:
        kind = item.kind
        in_task = cut.task is not None
        if last_at is not None and cut.events:
            silence = item.at_ms - last_at
            if in_task and silence > task_timeout_ms:
                yield from _some(cut.close("task_timeout"))
                in_task = False
            elif not in_task and silence > idle_ms:
                yield from _some(cut.close("silence"))
        last_at = item.at_ms
        if kind in _BOUNDARIES:
            if kind is Kind.TASK_START:
                yield from _some(cut.close("next_task" if in_task else "task_start"))
                payload = item.event.payload
                assert isinstance(payload, ev.TaskStartPayload)
                cut.task, cut.task_id = payload.label, payload.task_id
            elif kind is Kind.TASK_END:
                if in_task:
                    payload_end = item.event.payload
                    assert isinstance(payload_end, ev.TaskEndPayload)
                    matches = payload_end.task_id == cut.task_id
                    yield from _some(
                        cut.close("task_end", payload_end.outcome if matches else None)
                    )
            elif in_task:
                if kind in (Kind.PAUSE, Kind.GAP):
                    cut.interruptions += 1
            elif kind in (Kind.PAUSE, Kind.GAP) or (kind is Kind.IDLE and rules.cut_on_idle_event):
                yield from _some(cut.close(str(kind)))
            continue
        reason = cut.context_change(item)
        if reason is not None:
            yield from _some(cut.close(reason))
        cut.add(item)
        if len(cut.events) >= rules.max_events:
            task, task_id = cut.task, cut.task_id
            yield from _some(cut.close("max_events"))
            cut.task, cut.task_id = task, task_id  # a long task goes on in the next episode
    yield from _some(cut.close("end"))


def _some(episode: Episode | None) -> Iterator[Episode]:
    if episode is not None:
        yield episode


def _dedupe(events: list[TimedEvent], window_ms: int) -> list[TimedEvent]:
    """Drop desktop actions that a web action of the same kind mirrors within the window."""
    if window_ms <= 0 or not any(e.event.stream == "desktop" for e in events):
        return events
    web = [(e.at_ms, e.kind) for e in events if e.event.stream == "web" and e.kind in ACTION_KINDS]
    if not web:
        return events
    kept: list[TimedEvent] = []
    start = 0
    for item in events:
        if item.event.stream != "desktop" or item.kind not in ACTION_KINDS:
            kept.append(item)
            continue
        while start < len(web) and web[start][0] < item.at_ms - window_ms:
            start += 1
        mirrored = False
        for at, kind in web[start:]:
            if at > item.at_ms + window_ms:
                break
            if kind is item.kind:
                mirrored = True
                break
        if not mirrored:
            kept.append(item)
    return kept


def primary(values: Iterable[str | None]) -> str | None:
    """The most frequent non-empty value (ties: alphabetical), or None."""
    counts = Counter(v for v in values if v)
    if not counts:
        return None
    return min(counts, key=lambda v: (-counts[v], v))
