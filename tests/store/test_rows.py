"""Rows of events: content reused from the event a redacted one was made from is exact."""

from __future__ import annotations

import msgspec
import pytest

from workprint.core import events as ev
from workprint.demo.workload import WorkloadSpec, generate
from workprint.store.rows import content_fingerprint, event_content, event_to_row, fingerprint

EVENTS = list(generate(WorkloadSpec(device_id="dev_1", grant_id="g_1", seed=3), 60))


def _redacted(event: ev.EventBase, how: str) -> ev.EventBase:
    privacy = ev.Privacy(mode="redacted", policy_version="9", redactions={"EMAIL": 1})
    if how == "privacy":
        return msgspec.structs.replace(event, privacy=privacy)
    if how == "payload":  # an equal payload, but another object: encoded anew
        payload = msgspec.json.decode(ev.encode(event.payload), type=type(event.payload))  # type: ignore[attr-defined]
        return msgspec.structs.replace(event, privacy=privacy, payload=payload)
    target = None if event.target is None else msgspec.structs.replace(event.target, name="<X>")
    return msgspec.structs.replace(event, privacy=privacy, target=target)


@pytest.mark.parametrize("how", ["privacy", "payload", "target"])
def test_derived_content_equals_fresh_content(how: str) -> None:
    for event in EVENTS:
        original = event_content(event)
        redacted = _redacted(event, how)
        derived = event_content(redacted, derived_from=original)
        assert derived.values == event_content(redacted).values
        assert content_fingerprint(original.values) == fingerprint(event)


def test_a_row_from_given_content_equals_a_row_made_from_the_event() -> None:
    for event in EVENTS:
        made = event_to_row(event, person_id="p", batch_id="b", received_at_ms=5, raw=b"x")
        given = event_to_row(
            event,
            person_id="p",
            batch_id="b",
            received_at_ms=5,
            raw=b"x",
            content=event_content(event),
        )
        assert made == given
        assert made.fingerprint == fingerprint(event)
