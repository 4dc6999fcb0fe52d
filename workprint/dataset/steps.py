"""Steps: each action of an episode as (observation, previous actions, action) (pure).

* **Observation**: the latest ``observe`` snapshot of the same device and tab taken before the
  action, provided it shows the page the action happened on (same URL); a snapshot sent as
  ``same_as`` an earlier one resolves to that one's elements. A snapshot from before the
  episode began counts when the page is still the same (the person came back to it after a
  pause). Without a snapshot the observation is the page (``url``, title) on the web, or the
  application and window title on the desktop.
* **Action**: the operation (``CLICK``, ``DOUBLE_CLICK``, ``RIGHT_CLICK``, ``TYPE``,
  ``SELECT``, ``KEY``, ``SCROLL``, ``NAVIGATE``, ``SUBMIT``, ``DRAG``), the ``eid`` of its
  target in the observation, the target's own descriptor, and the value (typed text, chosen
  option, keys, destination URL, scroll deltas, drag end points).
* The target is found in the snapshot by, in order: the same CSS selector; the ``eid`` the
  capturer recorded, when that element exists; the largest bounding-box overlap (IoU at least
  :data:`MIN_IOU`); the same accessible name (and role), when exactly one element has it.
  How it was found is kept in ``target_match`` (``selector``, ``eid``, ``bbox``, ``name``,
  ``point`` for desktop coordinates, ``none``, or ``absent`` when the action has no target).
* **Previous actions**: the compact forms (``action_repr``) of the episode's earlier steps.

:class:`Observer` carries the snapshots through one person's time line; everything else is a
function of its arguments.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import msgspec

from workprint.core import events as ev
from workprint.core.events import Kind
from workprint.dataset.episodes import Episode, TimedEvent
from workprint.dataset.format import AttrsRow, ElementRow, StepRow, TargetRow

MIN_IOU: Final = 0.5
_quote = msgspec.json.Encoder().encode


@dataclass(frozen=True, slots=True)
class Snapshot:
    """The interactive elements of one page at one moment."""

    event_id: str
    url: str | None
    elements: tuple[ev.Element, ...]


_TabKey = tuple[str, str, int | None]


class Observer:
    """Latest snapshot per (device, stream, tab), and recent snapshots by id for ``same_as``."""

    def __init__(self, remembered: int = 64) -> None:
        self._latest: dict[_TabKey, Snapshot] = {}
        self._by_id: OrderedDict[str, Snapshot] = OrderedDict()
        self._remembered = remembered

    @staticmethod
    def _key(event: ev.Event) -> _TabKey:
        return (event.device_id, event.stream, event.context.tab_id)

    def see(self, event: ev.ObserveEvent) -> None:
        payload = event.payload
        elements: tuple[ev.Element, ...] = tuple(payload.elements)
        if payload.same_as is not None:
            earlier = self._by_id.get(payload.same_as)
            if earlier is None:
                self._latest.pop(self._key(event), None)  # unknown page: no observation
                return
            elements = earlier.elements
        snap = Snapshot(event.event_id, event.context.url, elements)
        self._latest[self._key(event)] = snap
        self._by_id[event.event_id] = snap
        if len(self._by_id) > self._remembered:
            self._by_id.popitem(last=False)

    def latest(self, event: ev.Event) -> Snapshot | None:
        """The latest snapshot of ``event``'s tab, whatever page it shows."""
        return self._latest.get(self._key(event))

    def observation(self, event: ev.Event) -> Snapshot | None:
        snap = self._latest.get(self._key(event))
        if snap is None:
            return None
        url = event.context.url
        if url is not None and snap.url is not None and url != snap.url:
            return None
        return snap


# ---------------------------------------------------------------------------- matching


def _iou(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> float:
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    w = min(ax + aw, bx + bw) - max(ax, bx)
    h = min(ay + ah, by + bh) - max(ay, by)
    if w <= 0 or h <= 0:
        return 0.0
    inter = w * h
    union = aw * ah + bw * bh - inter
    return inter / union if union > 0 else 0.0


def match_target(
    target: ev.Target | None, elements: Sequence[ev.Element]
) -> tuple[int | None, str]:
    """``(eid, how)`` of the snapshot element the target is (see the module docstring)."""
    if target is None:
        return None, "absent"
    if target.x is not None and target.y is not None and target.selector is None:
        return None, "point"
    if not elements:
        return None, "none"
    if target.selector:
        for element in elements:
            if element.selector == target.selector:
                return element.eid, "selector"
    if target.eid is not None:
        for element in elements:
            if element.eid == target.eid:
                return element.eid, "eid"
    if target.bbox is not None:
        best: tuple[float, int] | None = None
        for element in elements:
            if element.bbox is None:
                continue
            score = _iou(target.bbox, element.bbox)
            if score >= MIN_IOU and (best is None or score > best[0]):
                best = (score, element.eid)
        if best is not None:
            return best[1], "bbox"
    if target.name:
        named = [e for e in elements if e.name == target.name]
        if target.role and len(named) > 1:
            named = [e for e in named if e.role == target.role]
        if len(named) == 1:
            return named[0].eid, "name"
    return None, "none"


# ----------------------------------------------------------------------------- actions


def action_value(event: ev.Event) -> str | None:
    """The value of an action: typed text, chosen option, keys, URL, scroll or drag."""
    payload = event.payload
    if isinstance(payload, ev.TypePayload):
        return payload.text
    if isinstance(payload, ev.SelectPayload):
        return payload.value
    if isinstance(payload, ev.KeyPayload):
        return payload.keys
    if isinstance(event, ev.NavigateEvent):
        return event.context.url
    if isinstance(payload, ev.ScrollPayload):
        return f"{payload.dx},{payload.dy}"
    if isinstance(payload, ev.DragPayload):
        return f"{payload.from_x},{payload.from_y}->{payload.to_x},{payload.to_y}"
    return None


def action_repr(op: str, eid: int | None, target: ev.Target | None, value: str | None) -> str:
    """The compact form of an action: ``CLICK [17]``, ``TYPE [4] "hello"``, ``KEY "Enter"``,
    ``NAVIGATE "https://..."``, ``SCROLL 0,120``, ``CLICK (412,300)`` (desktop point),
    ``CLICK <button "Save">`` (a target not found in the observation)."""
    parts = [op]
    if op == "DRAG" and value is not None:
        start, _, end = value.partition("->")
        return f"DRAG ({start})->({end})"
    if op != "NAVIGATE":
        if eid is not None:
            parts.append(f"[{eid}]")
        elif target is not None and target.x is not None and target.y is not None:
            parts.append(f"({target.x},{target.y})")
        elif target is not None and (target.role or target.tag or target.name):
            label = target.role or target.tag or "element"
            name = f" {_quote(target.name).decode()}" if target.name else ""
            parts.append(f"<{label}{name}>")
    if value is not None:
        parts.append(value if op == "SCROLL" else _quote(value).decode())
    return " ".join(parts)


def _attrs(attrs: ev.Attrs | None) -> AttrsRow | None:
    if attrs is None:
        return None
    return AttrsRow(
        id=attrs.id,
        name=attrs.name,
        type=attrs.type,
        placeholder=attrs.placeholder,
        aria_label=attrs.aria_label,
        href=attrs.href,
    )


def element_row(element: ev.Element) -> ElementRow:
    return ElementRow(
        eid=element.eid,
        tag=element.tag,
        role=element.role,
        name=element.name,
        text=element.text,
        selector=element.selector,
        value=element.value,
        options=list(element.options) if element.options is not None else None,
        disabled=element.disabled,
        bbox=list(element.bbox) if element.bbox is not None else None,
        attrs=_attrs(element.attrs),
    )


def target_row(target: ev.Target | None) -> TargetRow | None:
    if target is None:
        return None
    return TargetRow(
        tag=target.tag,
        role=target.role,
        name=target.name,
        text=target.text,
        selector=target.selector,
        attrs=_attrs(target.attrs),
        bbox=list(target.bbox) if target.bbox is not None else None,
        x=target.x,
        y=target.y,
        button=target.button,
    )


FOLLOWED: Final = frozenset({"link", "form"})
"""Navigation transitions that are the effect of the person's previous action."""


def is_followed_navigation(event: ev.Event) -> bool:
    """Whether ``event`` is a navigation caused by the action before it (a followed link or a
    submitted form), rather than one the person made (typed URL, back, reload)."""
    return isinstance(event, ev.NavigateEvent) and event.payload.transition in FOLLOWED


KEY_CLICK_MS: Final = 50
"""A click this soon after an activating key press (Enter, Space) is the browser's own."""
_ACTIVATING_KEYS: Final = frozenset({"Enter", "Space"})


def is_key_click(previous: TimedEvent | None, item: TimedEvent) -> bool:
    """Whether ``item`` is a click the browser made itself because of the key press
    ``previous`` (the action before it): HTML's implicit submission clicks a form's submit
    button when Enter is pressed in one of its text fields, and Enter or Space on a focused
    button clicks it. Such a click follows the key on the same tab within a few
    milliseconds, faster than any hand (:data:`KEY_CLICK_MS`); the key is the person's
    action and the click its effect. The browser SDK leaves such clicks out itself; this
    catches them in data captured before it did, or by other capturers."""
    if previous is None or not isinstance(item.event, ev.ClickEvent):
        return False
    key = previous.event
    return (
        isinstance(key, ev.KeyEvent)
        and key.payload.keys in _ACTIVATING_KEYS
        and key.stream == item.event.stream == "web"
        and key.context.tab_id == item.event.context.tab_id
        and 0 <= item.at_ms - previous.at_ms <= KEY_CLICK_MS
    )


def episode_steps(
    episode: Episode,
    *,
    episode_id: str,
    person: str,
    observer: Observer,
    include: frozenset[Kind],
    followed_navigations: bool = False,
    key_clicks: bool = False,
    end_step: bool = False,
) -> list[StepRow]:
    """The steps of one episode; ``observer`` is updated with the episode's snapshots.

    A navigation that followed from the previous action (transition ``link`` or ``form``)
    is that action's effect, not a step, unless ``followed_navigations``; so is a click the
    browser made because of the key pressed just before (:func:`is_key_click`), unless
    ``key_clicks``. With ``end_step``, a task the person ended as done gets a last step
    ``END`` (see :func:`_end_step`)."""
    steps: list[StepRow] = []
    history: list[str] = []
    where = _Where(episode, episode_id, person, history, {})
    last_action: TimedEvent | None = None
    for item in episode.events:
        event = item.event
        if isinstance(event, ev.ObserveEvent):
            observer.see(event)
            continue
        if item.kind not in include or (not followed_navigations and is_followed_navigation(event)):
            continue
        if not key_clicks and is_key_click(last_action, item):
            continue
        steps.append(_step(item, where, observer))
        history.append(steps[-1].action_repr)
        last_action = item
    if end_step and last_action is not None and episode.outcome == "done":
        steps.append(_end_step(last_action, where, observer))
    return steps


END: Final = "END"
"""The operation of the step that closes a task: the person said it was done."""


def _end_step(last: TimedEvent, where: _Where, observer: Observer) -> StepRow:
    """The ``END`` step of a task ended as done (``task_end`` with outcome ``done``): its
    observation is the latest snapshot of the tab of the task's last action, whatever page
    it shows (the page the work led to; the SDK takes it when the task ends), so a model
    learns when a task is finished as it learns every other action. It has no target and no
    value; its time is the episode's end and its ``event_id`` the episode's last event."""
    event = last.event
    snap = observer.latest(event) if event.stream != "desktop" else None
    final = where.episode.events[-1]
    url = snap.url if snap is not None else event.context.url
    return where.row(event, final.event.event_id, final.at_ms, url, snap, END, None, "absent")


@dataclass(frozen=True, slots=True)
class _Where:
    """What every step of one episode shares."""

    episode: Episode
    episode_id: str
    person: str
    history: list[str]
    element_rows: dict[str, list[ElementRow]]

    def row(
        self,
        event: ev.Event,
        event_id: str,
        at_ms: int,
        url: str | None,
        snap: Snapshot | None,
        op: str,
        eid: int | None,
        how: str,
        target: ev.Target | None = None,
        value: str | None = None,
    ) -> StepRow:
        ctx = event.context
        rows: list[ElementRow] = []
        if snap is not None:
            cached = self.element_rows.get(snap.event_id)
            if cached is None:
                cached = self.element_rows[snap.event_id] = [element_row(e) for e in snap.elements]
            rows = cached
            obs_kind = "elements"
        else:
            obs_kind = "window" if event.stream == "desktop" else "page"
        return StepRow(
            episode_id=self.episode_id,
            step_index=len(self.history),
            person=self.person,
            event_id=event_id,
            t_ms=at_ms - self.episode.start_ms,
            task=self.episode.task,
            stream=event.stream,
            app=ctx.app,
            url=url,
            obs_kind=obs_kind,
            obs_event_id=snap.event_id if snap is not None else None,
            obs_app=ctx.app,
            obs_url=snap.url if snap is not None else ctx.url,
            obs_title=ctx.window_title,
            obs_elements=rows,
            previous_actions=list(self.history),
            op=op,
            target_eid=eid,
            target_match=how,
            target=target_row(target),
            value=value,
            action_repr=action_repr(op, eid, target, value),
        )


def _step(item: TimedEvent, where: _Where, observer: Observer) -> StepRow:
    event = item.event
    snap = observer.observation(event) if event.stream != "desktop" else None
    eid, how = match_target(event.target, snap.elements if snap is not None else ())
    op = item.kind.value.upper()
    return where.row(
        event,
        event.event_id,
        item.at_ms,
        event.context.url,
        snap,
        op,
        eid,
        how,
        event.target,
        action_value(event),
    )
