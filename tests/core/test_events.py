"""The event contract: round trips, strictness, the published schema, field classification."""

from __future__ import annotations

import json
import types
import typing
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, get_args, get_origin

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workprint.core import events as ev
from workprint.core.errors import ContractError
from workprint.core.ids import SequentialIds, is_uuid7, uuid7
from workprint.demo.workload import WorkloadSpec, batch_of, generate

SCHEMA_PATH = Path(__file__).parents[2] / "docs" / "schema" / "event-v1.json"

PRIVACY = ev.Privacy(mode="redacted", policy_version="1")
CONSENT = ev.Consent(grant_id="g_1", notice_version="n1")


def _base(**kw: Any) -> dict[str, Any]:
    ids = SequentialIds()
    base: dict[str, Any] = dict(
        event_id=ids(),
        seq=1,
        stream="web",
        device_id="dev_1",
        session_id=ids(),
        occurred_at=datetime(2026, 11, 2, 9, 30, 1, 250000, tzinfo=UTC),
        privacy=PRIVACY,
        consent=CONSENT,
    )
    base.update(kw)
    return base


def test_every_kind_has_one_struct() -> None:
    assert set(ev.EVENT_TYPES) == set(ev.Kind)


def test_generated_events_round_trip() -> None:
    spec = WorkloadSpec(device_id="dev_1", grant_id="g_1")
    for event in generate(spec, 300):
        assert ev.decode_event(ev.encode(event)) == event


@pytest.mark.parametrize(
    ("mutate", "path"),
    [
        pytest.param(lambda o: o.update(seq=-1), "$.seq", id="negative-seq"),
        pytest.param(lambda o: o.update(stream="fax"), "$.stream", id="unknown-stream"),
        pytest.param(lambda o: o.update(kind="teleport"), "$.kind", id="unknown-kind"),
        pytest.param(lambda o: o.update(event_id="not-a-uuid"), "$.event_id", id="bad-id"),
        pytest.param(
            lambda o: o.update(event_id="0190a6f2-1c2b-4d3e-8f4a-5b6c7d8e9f00"),
            "$.event_id",
            id="uuid4-not-7",
        ),
        pytest.param(
            lambda o: o.update(occurred_at="2026-11-02T09:30:00"), "$.occurred_at", id="naive-time"
        ),
        pytest.param(lambda o: o.update(surprise="x"), "surprise", id="unknown-field"),
        pytest.param(lambda o: o["payload"].update(text=1), "$.payload.text", id="bad-payload"),
        pytest.param(lambda o: o.pop("consent"), "consent", id="missing-consent"),
    ],
)
def test_invalid_events_are_rejected_with_their_path(mutate: Any, path: str) -> None:
    event = ev.TypeEvent(**_base(), payload=ev.TypePayload(text="hello"))
    obj = json.loads(ev.encode(event))
    mutate(obj)
    with pytest.raises(ContractError) as info:
        ev.decode_event(json.dumps(obj))
    assert path in str(info.value)


def test_times_keep_their_offset_and_compare_in_utc() -> None:
    obj = json.loads(ev.encode(ev.ClickEvent(**_base())))
    obj["occurred_at"] = "2026-11-02T10:30:01.250+01:00"
    decoded = ev.decode_event(json.dumps(obj))
    assert decoded.occurred_at == datetime(2026, 11, 2, 9, 30, 1, 250000, tzinfo=UTC)


def test_uuid7_factories() -> None:
    assert is_uuid7(uuid7())
    ids = SequentialIds()
    first, second = ids(), ids()
    assert is_uuid7(first) and is_uuid7(second) and first < second


def test_published_schema_is_current() -> None:
    """docs/schema/event-v1.json is generated from the code: regenerate with
    `python -m workprint.core.schema_export` when this fails."""
    assert SCHEMA_PATH.exists(), "run python -m workprint.core.schema_export"
    published = json.loads(SCHEMA_PATH.read_text())
    assert published == ev.json_schema()


def _string_fields(tp: Any, owner: str, seen: set[Any]) -> typing.Iterator[str]:
    """Every str-typed field path ``owner.field`` reachable from ``tp``."""
    origin = get_origin(tp)
    if origin is typing.Annotated:
        yield from _string_fields(get_args(tp)[0], owner, seen)
        return
    if origin in (types.UnionType, typing.Union, list, tuple, dict):
        for arg in get_args(tp):
            if arg is str:
                yield owner
            else:
                yield from _string_fields(arg, owner, seen)
        return
    if tp is str:
        yield owner
        return
    if isinstance(tp, type) and issubclass(tp, msgspec.Struct):
        if tp in seen:
            return
        seen.add(tp)
        hints = typing.get_type_hints(tp, include_extras=True)
        role = _ROLES.get(tp)
        for name in tp.__struct_fields__:
            if name == "payload":
                kind = tp.__struct_config__.tag
                yield from _string_fields(hints[name], str(kind), seen)
                continue
            field_owner = role if role is not None else owner
            sub = hints[name]
            yield from _string_fields(sub, f"{field_owner}.{name}", seen)
        return


_ROLES: dict[type, str] = {
    ev.Agent: "agent",
    ev.Context: "context",
    ev.Attrs: "attrs",
    ev.Target: "target",
    ev.Element: "element",
    ev.Privacy: "privacy",
    ev.Consent: "consent",
}


def _normalise(path: str) -> str:
    parts = path.split(".")
    return ".".join(parts[-2:]) if len(parts) > 2 else path


def test_every_text_field_is_classified() -> None:
    found: set[str] = set()
    for event_type in ev.EVENT_TYPES.values():
        for path in _string_fields(event_type, "", set()):
            found.add(_normalise(path.lstrip(".")))
    for path in _string_fields(ev.Batch, "batch", set()):
        if not path.startswith("batch.events"):
            found.add(_normalise(path))
    found = {p for p in found if not p.startswith("batch.batch_id")}
    ids_and_times = {
        ".event_id",
        ".session_id",
        "batch.batch_id",
        "observe.same_as",
        ".stream",
        "privacy.mode",
        "event_id",
        "session_id",
        "stream",
    }
    found -= ids_and_times
    missing = sorted(p for p in found if p not in ev.TEXT_FIELDS)
    assert not missing, f"text fields without a redaction rule: {missing}"


def test_classification_table_has_no_stale_entries() -> None:
    observed: set[str] = set()
    for event_type in ev.EVENT_TYPES.values():
        observed.update(_normalise(p.lstrip(".")) for p in _string_fields(event_type, "", set()))
    observed.update(_normalise(p) for p in _string_fields(ev.Agent, "agent", set()))
    stale = sorted(set(ev.TEXT_FIELDS) - observed)
    assert not stale


_text = st.text(max_size=40)
_events = st.builds(
    lambda seq, text, minutes, keys, dy: [
        ev.TypeEvent(
            **_base(
                seq=seq, occurred_at=datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=minutes)
            ),
            payload=ev.TypePayload(text=text),
            context=ev.Context(window_title=text, url=f"https://x.test/{seq}"),
        ),
        ev.KeyEvent(**_base(seq=seq), payload=ev.KeyPayload(keys=keys)),
        ev.ScrollEvent(**_base(seq=seq), payload=ev.ScrollPayload(dy=dy)),
    ],
    st.integers(0, 2**53),
    _text,
    st.integers(0, 10**6),
    st.text(min_size=1, max_size=64),
    st.integers(-(2**31), 2**31),
)


@settings(max_examples=200, deadline=None)
@given(_events)
def test_envelope_round_trip(events: list[ev.EventBase]) -> None:
    batch = batch_of(events)
    decoded = ev.decode_batch(ev.encode(batch))
    assert decoded == batch
    for event in events:
        assert ev.decode_event(ev.encode(event)) == event
        assert ev.canonical(event) == ev.canonical(ev.decode_event(ev.encode(event)))


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300) | st.text(max_size=300).map(str.encode))
def test_decoder_never_crashes_on_garbage(data: bytes) -> None:
    try:
        ev.decode_event(data)
    except ContractError:
        pass
