"""Small event constructors for the pure tests of the dataset stage."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

from workprint.core import events as ev
from workprint.core.ids import SequentialIds
from workprint.dataset.episodes import SourceRow, TimedEvent

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
URL = "https://crm.example.test/deals"
_ids = SequentialIds()
_seq = itertools.count(1)
_TYPES: dict[str, type[ev.EventBase]] = {k.value: t for k, t in ev.EVENT_TYPES.items()}


def event(
    kind: str,
    at_ms: int = 0,
    *,
    stream: str = "web",
    app: str | None = "chromium",
    url: str | None = URL,
    title: str | None = None,
    device: str = "dev_1",
    tab: int | None = 1,
    target: ev.Target | None = None,
    payload: Any = None,
    seq: int | None = None,
) -> ev.Event:
    """One event of ``kind`` at ``at_ms`` after :data:`T0` (payload defaults per kind)."""
    defaults: dict[str, Any] = {
        "type": ev.TypePayload(text="hello"),
        "key": ev.KeyPayload(keys="Enter"),
        "drag": ev.DragPayload(from_x=1, from_y=2, to_x=3, to_y=4),
        "select": ev.SelectPayload(value="Won"),
        "focus": ev.FocusPayload(scope="app"),
        "observe": ev.ObservePayload(),
        "task_start": ev.TaskStartPayload(task_id="t1", label="Renew the contract"),
        "task_end": ev.TaskEndPayload(task_id="t1"),
        "gap": ev.GapPayload(from_seq=1, to_seq=2, reason="crash"),
    }
    fields: dict[str, Any] = {
        "event_id": _ids(),
        "seq": next(_seq) if seq is None else seq,
        "stream": stream,
        "device_id": device,
        "session_id": "01937b2e-8d4c-7a10-9f3e-5b2a6c1d0e4f",
        "occurred_at": T0 + timedelta(milliseconds=at_ms),
        "context": ev.Context(app=app, url=url, window_title=title, tab_id=tab),
        "target": target,
        "privacy": ev.Privacy(mode="redacted", policy_version="1"),
        "consent": ev.Consent(grant_id="g1", notice_version="n1"),
    }
    chosen = payload if payload is not None else defaults.get(kind)
    if chosen is not None:
        fields["payload"] = chosen
    made: ev.Event = _TYPES[kind](**fields)  # type: ignore[assignment]
    return made


def timed(kind: str, at_ms: int = 0, **kw: Any) -> TimedEvent:
    """An event already on the merged time line (corrected time = its own time)."""
    return TimedEvent(at_ms, event(kind, at_ms, **kw))


def row(kind: str, at_ms: int, skew_ms: int = 0, **kw: Any) -> SourceRow:
    return SourceRow(at_ms, skew_ms, event(kind, at_ms, **kw))


def element(eid: int, **kw: Any) -> ev.Element:
    base: dict[str, Any] = {
        "tag": "button",
        "role": "button",
        "name": f"Button {eid}",
        "selector": f"#b{eid}",
        "bbox": (float(eid * 100), 0.0, 80.0, 30.0),
    }
    base.update(kw)
    return ev.Element(eid=eid, **base)


def observe(at_ms: int, elements: list[ev.Element], **kw: Any) -> TimedEvent:
    return timed("observe", at_ms, payload=ev.ObservePayload(elements=elements), **kw)
