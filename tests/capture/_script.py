"""Shared by the capture tests: run a script through the reducer, summarise its actions."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from workprint.capture.reduce import Action, Reducer, ReducerConfig
from workprint.capture.sources import base as raw
from workprint.capture.sources.fake import Script
from workprint.core import events as ev


def reduce_script(
    script: Script, config: ReducerConfig | None = None, *, settle: bool = True
) -> list[Action]:
    """Feed every record, then (with ``settle``) a tick long after and a final flush."""
    reducer = Reducer(config)
    out: list[Action] = []
    for record in script.records:
        out.extend(reducer.feed(record))
    if settle:
        later = script.now + timedelta(seconds=30)
        out.extend(reducer.feed(raw.Tick(later)))
        out.extend(reducer.flush(later))
    return out


def summary(action: Action) -> tuple[Any, ...]:
    """A readable tuple per action: kind and the payload or target that matters."""
    kind = str(action.kind)
    p = action.payload
    if isinstance(p, ev.TypePayload):
        return (kind, p.text, p.replaced)
    if isinstance(p, ev.KeyPayload):
        return (kind, p.keys)
    if isinstance(p, ev.FocusPayload):
        return (kind, p.scope, action.window.app_class if action.window else None)
    if isinstance(p, ev.ScrollPayload):
        return (kind, p.dx, p.dy)
    if isinstance(p, ev.DragPayload):
        return (kind, p.from_x, p.from_y, p.to_x, p.to_y)
    if isinstance(p, ev.PausePayload):
        return (kind, p.reason)
    if action.target is not None and action.target.button is not None:
        return (kind, action.target.button, action.target.x, action.target.y)
    return (kind,)
