"""The dataset format, version :data:`DATASET_SCHEMA_VERSION`: row types and Arrow schemas.

Two tables, sharded per split as Parquet (``steps-<split>-00000.parquet``,
``episodes-<split>-00000.parquet``):

* ``steps``: one row per action, self-contained: the observation before it (the interactive
  elements of the page with their ``eid``, or the window context on the desktop), the
  actions earlier in the episode, and the action (operation, target ``eid``, value).
* ``episodes``: one row per episode: task, how it ended, apps and origins, sizes.

People appear only as keyed pseudonyms (``person``). Row types are msgspec structs so the
same values travel between build workers (MessagePack) and into Arrow unchanged; a breaking
change raises the version and gets a CHANGELOG line.
"""

from __future__ import annotations

from typing import Any, Final

import msgspec

from workprint.dataset._arrow import pa

DATASET_SCHEMA_VERSION: Final = 1
FORMAT_NAME: Final = "workprint-dataset"


class _Row(msgspec.Struct, frozen=True, forbid_unknown_fields=True, gc=False):
    """Base of the row types: immutable, every field always written (stable columns)."""


class AttrsRow(_Row, frozen=True):
    id: str | None = None
    name: str | None = None
    type: str | None = None
    placeholder: str | None = None
    aria_label: str | None = None
    href: str | None = None


class ElementRow(_Row, frozen=True):
    """One interactive element of an observation; ``eid`` is its id in that snapshot."""

    eid: int
    tag: str | None = None
    role: str | None = None
    name: str | None = None
    text: str | None = None
    selector: str | None = None
    value: str | None = None
    options: list[str] | None = None
    disabled: bool = False
    bbox: list[float] | None = None
    attrs: AttrsRow | None = None


class TargetRow(_Row, frozen=True):
    """The element (web) or point (desktop) the action was recorded on."""

    tag: str | None = None
    role: str | None = None
    name: str | None = None
    text: str | None = None
    selector: str | None = None
    attrs: AttrsRow | None = None
    bbox: list[float] | None = None
    x: int | None = None
    y: int | None = None
    button: str | None = None


class StepRow(_Row, frozen=True):
    """One step: (observation, previous actions, action)."""

    episode_id: str
    step_index: int
    person: str
    event_id: str
    t_ms: int
    task: str | None
    stream: str
    app: str | None
    url: str | None
    obs_kind: str
    obs_event_id: str | None
    obs_app: str | None
    obs_url: str | None
    obs_title: str | None
    obs_elements: list[ElementRow]
    previous_actions: list[str]
    op: str
    target_eid: int | None
    target_match: str
    target: TargetRow | None
    value: str | None
    action_repr: str


class EpisodeRow(_Row, frozen=True):
    """One episode of one (pseudonymous) person."""

    episode_id: str
    person: str
    task: str | None
    task_id: str | None
    outcome: str | None
    end_reason: str
    interruptions: int
    app: str | None
    origin: str | None
    apps: list[str]
    origins: list[str]
    streams: list[str]
    n_events: int
    n_steps: int
    duration_ms: int
    first_event_id: str
    last_event_id: str


_ATTRS = pa.struct(
    [
        ("id", pa.string()),
        ("name", pa.string()),
        ("type", pa.string()),
        ("placeholder", pa.string()),
        ("aria_label", pa.string()),
        ("href", pa.string()),
    ]
)
_BBOX = pa.list_(pa.float64())
ELEMENT_TYPE: Final = pa.struct(
    [
        ("eid", pa.int32()),
        ("tag", pa.string()),
        ("role", pa.string()),
        ("name", pa.string()),
        ("text", pa.string()),
        ("selector", pa.string()),
        ("value", pa.string()),
        ("options", pa.list_(pa.string())),
        ("disabled", pa.bool_()),
        ("bbox", _BBOX),
        ("attrs", _ATTRS),
    ]
)
TARGET_TYPE: Final = pa.struct(
    [
        ("tag", pa.string()),
        ("role", pa.string()),
        ("name", pa.string()),
        ("text", pa.string()),
        ("selector", pa.string()),
        ("attrs", _ATTRS),
        ("bbox", _BBOX),
        ("x", pa.int32()),
        ("y", pa.int32()),
        ("button", pa.string()),
    ]
)

STEPS_SCHEMA: Final = pa.schema(
    [
        ("episode_id", pa.string()),
        ("step_index", pa.int32()),
        ("person", pa.string()),
        ("event_id", pa.string()),
        ("t_ms", pa.int64()),
        ("task", pa.string()),
        ("stream", pa.string()),
        ("app", pa.string()),
        ("url", pa.string()),
        ("obs_kind", pa.string()),
        ("obs_event_id", pa.string()),
        ("obs_app", pa.string()),
        ("obs_url", pa.string()),
        ("obs_title", pa.string()),
        ("obs_elements", pa.list_(ELEMENT_TYPE)),
        ("previous_actions", pa.list_(pa.string())),
        ("op", pa.string()),
        ("target_eid", pa.int32()),
        ("target_match", pa.string()),
        ("target", TARGET_TYPE),
        ("value", pa.string()),
        ("action_repr", pa.string()),
    ]
)
"""Columns of ``steps-*.parquet``, in order."""

EPISODES_SCHEMA: Final = pa.schema(
    [
        ("episode_id", pa.string()),
        ("person", pa.string()),
        ("task", pa.string()),
        ("task_id", pa.string()),
        ("outcome", pa.string()),
        ("end_reason", pa.string()),
        ("interruptions", pa.int32()),
        ("app", pa.string()),
        ("origin", pa.string()),
        ("apps", pa.list_(pa.string())),
        ("origins", pa.list_(pa.string())),
        ("streams", pa.list_(pa.string())),
        ("n_events", pa.int32()),
        ("n_steps", pa.int32()),
        ("duration_ms", pa.int64()),
        ("first_event_id", pa.string()),
        ("last_event_id", pa.string()),
    ]
)
"""Columns of ``episodes-*.parquet``, in order."""

TABLES: Final = {"steps": STEPS_SCHEMA, "episodes": EPISODES_SCHEMA}


def to_table(rows: list[msgspec.Struct], schema: Any) -> Any:
    """Rows of one of the row types as an Arrow table with exactly ``schema``.

    Consecutive steps of a page share one element list; it is converted once per call."""
    converted: dict[int, Any] = {}
    out: list[dict[str, Any]] = []
    for row in rows:
        plain = msgspec.structs.asdict(row)
        for name, value in plain.items():
            if isinstance(value, msgspec.Struct):
                plain[name] = msgspec.to_builtins(value)
            elif isinstance(value, list) and value and isinstance(value[0], msgspec.Struct):
                known = converted.get(id(value))
                if known is None:
                    known = converted[id(value)] = msgspec.to_builtins(value)
                plain[name] = known
        out.append(plain)
    return pa.Table.from_pylist(out, schema=schema)
