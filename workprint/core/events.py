"""The event contract, wire format v1 (DESIGN.md section 2).

One JSON object per event. Every kind is its own frozen :mod:`msgspec` struct tagged by the
``kind`` field, so decoding a batch validates each event against the payload of its kind in
one pass of compiled code. Unknown fields are rejected: a field nobody classified could carry
text nobody redacts.

Why msgspec rather than pydantic: the collector decodes and validates every event it accepts,
and msgspec does that several times faster with less memory (see ``docs/event-model.md``),
while still giving frozen typed models and a JSON Schema generated from the same classes.

Text-bearing fields are listed in :data:`TEXT_FIELDS` with the redaction rule that applies to
each; ``tests/core/test_events.py`` walks the types and fails on any string field not listed.
"""

from __future__ import annotations

import enum
import typing
from datetime import datetime
from typing import Annotated, Any, Final, Literal

import msgspec

from workprint.core.errors import ContractError

WIRE_VERSION: Final = 1
"""Version of this wire format; a breaking change gets a new version and a CHANGELOG line."""

Stream = Literal["desktop", "web", "agent"]
CaptureMode = Literal["off", "metadata", "redacted", "full"]

# Bounds keep one event from exhausting memory or the store; they are generous for real use.
ShortText = Annotated[str, msgspec.Meta(max_length=256)]
Text = Annotated[str, msgspec.Meta(max_length=8192)]
LongText = Annotated[str, msgspec.Meta(max_length=65536)]
Ident = Annotated[str, msgspec.Meta(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9_.:\-]+$")]
NonNegInt = Annotated[int, msgspec.Meta(ge=0, le=2**53)]
UtcTime = Annotated[datetime, msgspec.Meta(tz=True)]
Uuid7 = Annotated[
    str,
    msgspec.Meta(
        pattern=r"^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$",
        description="UUIDv7 (RFC 9562), canonical lower-case form",
        examples=["01937b2e-8d4c-7a10-9f3e-5b2a6c1d0e4f"],
    ),
]
"""A UUIDv7 in its canonical text form; kept as text so ids compare and store without
conversion."""


class Kind(enum.StrEnum):
    """Semantic event kinds, after reduction on the device."""

    CLICK = "click"
    DOUBLE_CLICK = "double_click"
    RIGHT_CLICK = "right_click"
    TYPE = "type"
    KEY = "key"
    SCROLL = "scroll"
    DRAG = "drag"
    SELECT = "select"
    SUBMIT = "submit"
    NAVIGATE = "navigate"
    FOCUS = "focus"
    OBSERVE = "observe"
    IDLE = "idle"
    ACTIVE = "active"
    TASK_START = "task_start"
    TASK_END = "task_end"
    PAUSE = "pause"
    RESUME = "resume"
    GAP = "gap"


class _Frozen(
    msgspec.Struct, frozen=True, forbid_unknown_fields=True, omit_defaults=True, gc=False
):
    """Base of every contract struct: immutable, strict, compact on the wire.

    ``gc=False``: decoded events are acyclic trees, so the cyclic garbage collector need not
    track them; with hundreds of thousands alive per second its passes were a tenth of the
    collector's time."""


# --------------------------------------------------------------------------------- parts


class Agent(_Frozen, frozen=True):
    """The capturer that sent a batch."""

    name: Ident
    version: ShortText
    os: ShortText = ""


class Context(_Frozen, frozen=True):
    """Where the event happened."""

    app: ShortText | None = None
    """Application class or browser name (``code``, ``chromium``); an identifier, not free text."""
    window_title: Text | None = None
    """Window or document title; free text, redacted."""
    url: Text | None = None
    """Origin + path; no query or fragment unless the policy allows them."""
    tab_id: NonNegInt | None = None


class Attrs(_Frozen, frozen=True, rename={"aria_label": "aria-label"}):
    """Selected attributes of a web element."""

    id: ShortText | None = None
    name: ShortText | None = None
    type: ShortText | None = None
    placeholder: ShortText | None = None
    aria_label: ShortText | None = None
    href: Text | None = None
    """Path of a link target; query dropped like ``context.url``."""


class Target(_Frozen, frozen=True):
    """The element (web) or point (desktop) acted on."""

    tag: ShortText | None = None
    role: ShortText | None = None
    name: Text | None = None
    """Accessible name; free text, redacted."""
    text: Text | None = None
    """Visible text; free text, redacted."""
    selector: Text | None = None
    attrs: Attrs | None = None
    bbox: tuple[float, float, float, float] | None = None
    frame: ShortText | None = None
    eid: NonNegInt | None = None
    """Id of the element in the latest ``observe`` snapshot of the same tab, when known."""
    x: int | None = None
    y: int | None = None
    button: Literal["left", "middle", "right"] | None = None
    screen: NonNegInt | None = None


class Element(_Frozen, frozen=True):
    """One interactive element of an ``observe`` snapshot (same descriptor as a target)."""

    eid: NonNegInt
    tag: ShortText | None = None
    role: ShortText | None = None
    name: Text | None = None
    text: Text | None = None
    selector: Text | None = None
    attrs: Attrs | None = None
    bbox: tuple[float, float, float, float] | None = None
    frame: ShortText | None = None
    value: Text | None = None
    """Current value of a form control (redacted; never for secret fields)."""
    options: list[ShortText] | None = None
    """Visible option labels of a select or listbox."""
    disabled: bool = False


class Privacy(_Frozen, frozen=True):
    """What the privacy pipeline did; never the originals."""

    mode: CaptureMode
    policy_version: ShortText
    redactions: dict[ShortText, NonNegInt] = {}


class Consent(_Frozen, frozen=True):
    """The grant and notice under which the event was captured."""

    grant_id: ShortText
    notice_version: ShortText


# ------------------------------------------------------------------------------ payloads


class NoPayload(_Frozen, frozen=True):
    """Kinds whose meaning is entirely in the envelope and target."""


class TypePayload(_Frozen, frozen=True):
    text: LongText
    """The committed text of one field (redacted unless the mode is ``full``)."""
    replaced: bool = False
    """True when the run replaced the field's previous value rather than appending to it."""


class KeyPayload(_Frozen, frozen=True):
    keys: Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
    """A shortcut or special key in canonical form: ``ctrl+s``, ``Enter``, ``shift+Tab``."""


class ScrollPayload(_Frozen, frozen=True):
    dx: int = 0
    dy: int = 0


class DragPayload(_Frozen, frozen=True):
    from_x: int
    from_y: int
    to_x: int
    to_y: int


class SelectPayload(_Frozen, frozen=True):
    value: Text
    """The option chosen (its label; redacted like other text)."""
    index: NonNegInt | None = None


class NavigatePayload(_Frozen, frozen=True):
    from_url: Text | None = None
    transition: Literal["link", "typed", "reload", "back_forward", "history", "form", "other"] = (
        "other"
    )


class FocusPayload(_Frozen, frozen=True):
    scope: Literal["app", "window", "tab"]


class ObservePayload(_Frozen, frozen=True):
    elements: Annotated[list[Element], msgspec.Meta(max_length=2000)] = []
    viewport: tuple[int, int] | None = None
    same_as: Uuid7 | None = None
    """When set, the page is unchanged since that earlier ``observe`` event and ``elements``
    is empty: unchanged snapshots cost a few bytes."""


class TaskStartPayload(_Frozen, frozen=True):
    task_id: ShortText
    label: Text
    """What the person says they are doing (free text, redacted)."""


class TaskEndPayload(_Frozen, frozen=True):
    task_id: ShortText
    outcome: Literal["done", "abandoned", "failed"] = "done"


class PausePayload(_Frozen, frozen=True):
    reason: Literal["user", "policy", "secure_input", "private_window", "schedule", "other"] = (
        "user"
    )


class GapPayload(_Frozen, frozen=True):
    from_seq: NonNegInt
    to_seq: NonNegInt
    reason: Literal["redaction_error", "quota_evicted", "crash", "dropped", "other"]
    count: NonNegInt = 0


# ------------------------------------------------------------------------------ envelope


class EventBase(_Frozen, tag_field="kind", kw_only=True, omit_defaults=False, frozen=True):
    """Fields every event carries (DESIGN.md section 2)."""

    event_id: Uuid7
    seq: NonNegInt
    stream: Stream
    device_id: Ident
    session_id: Uuid7
    occurred_at: UtcTime
    tz_offset_min: Annotated[int, msgspec.Meta(ge=-1080, le=1080)] = 0
    duration_ms: NonNegInt = 0
    context: Context = Context()
    target: Target | None = None
    privacy: Privacy
    consent: Consent

    @property
    def kind(self) -> Kind:
        return Kind(str(self.__struct_config__.tag))


class ClickEvent(EventBase, tag="click", frozen=True):
    payload: NoPayload = NoPayload()


class DoubleClickEvent(EventBase, tag="double_click", frozen=True):
    payload: NoPayload = NoPayload()


class RightClickEvent(EventBase, tag="right_click", frozen=True):
    payload: NoPayload = NoPayload()


class TypeEvent(EventBase, tag="type", frozen=True):
    payload: TypePayload


class KeyEvent(EventBase, tag="key", frozen=True):
    payload: KeyPayload


class ScrollEvent(EventBase, tag="scroll", frozen=True):
    payload: ScrollPayload = ScrollPayload()


class DragEvent(EventBase, tag="drag", frozen=True):
    payload: DragPayload


class SelectEvent(EventBase, tag="select", frozen=True):
    payload: SelectPayload


class SubmitEvent(EventBase, tag="submit", frozen=True):
    payload: NoPayload = NoPayload()


class NavigateEvent(EventBase, tag="navigate", frozen=True):
    payload: NavigatePayload = NavigatePayload()


class FocusEvent(EventBase, tag="focus", frozen=True):
    payload: FocusPayload


class ObserveEvent(EventBase, tag="observe", frozen=True):
    payload: ObservePayload


class IdleEvent(EventBase, tag="idle", frozen=True):
    payload: NoPayload = NoPayload()


class ActiveEvent(EventBase, tag="active", frozen=True):
    payload: NoPayload = NoPayload()


class TaskStartEvent(EventBase, tag="task_start", frozen=True):
    payload: TaskStartPayload


class TaskEndEvent(EventBase, tag="task_end", frozen=True):
    payload: TaskEndPayload


class PauseEvent(EventBase, tag="pause", frozen=True):
    payload: PausePayload = PausePayload()


class ResumeEvent(EventBase, tag="resume", frozen=True):
    payload: NoPayload = NoPayload()


class GapEvent(EventBase, tag="gap", frozen=True):
    payload: GapPayload


Event = (
    ClickEvent
    | DoubleClickEvent
    | RightClickEvent
    | TypeEvent
    | KeyEvent
    | ScrollEvent
    | DragEvent
    | SelectEvent
    | SubmitEvent
    | NavigateEvent
    | FocusEvent
    | ObserveEvent
    | IdleEvent
    | ActiveEvent
    | TaskStartEvent
    | TaskEndEvent
    | PauseEvent
    | ResumeEvent
    | GapEvent
)
"""Any v1 event; decode with :func:`decode_event`."""

EVENT_TYPES: Final[dict[Kind, type[EventBase]]] = {
    Kind(str(t.__struct_config__.tag)): t for t in typing.get_args(Event)
}


class Batch(_Frozen, frozen=True):
    """What an agent sends in one ``POST /v1/ingest/batch``."""

    batch_id: Uuid7
    sent_at: UtcTime
    agent: Agent
    events: list[Event]


class RawBatch(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """A batch whose events are kept undecoded, so each is validated (and quarantined) alone."""

    batch_id: Uuid7
    sent_at: UtcTime
    agent: Agent
    events: list[msgspec.Raw]


# --------------------------------------------------------------------- (de)serialisation

_event_decoder: msgspec.json.Decoder[Event] = msgspec.json.Decoder(Event)
_raw_batch_decoder = msgspec.json.Decoder(RawBatch)
_batch_decoder = msgspec.json.Decoder(Batch)
_encoder = msgspec.json.Encoder()
_canonical_encoder = msgspec.json.Encoder(order="sorted")


def decode_event(data: bytes | str) -> Event:
    """Decode and validate one event; raises :class:`ContractError` with the path at fault."""
    try:
        return _event_decoder.decode(data)
    except msgspec.ValidationError as exc:
        raise ContractError(str(exc)) from exc
    except msgspec.DecodeError as exc:
        raise ContractError(f"malformed JSON: {exc}") from exc


def decode_raw_batch(data: bytes) -> RawBatch:
    """Decode a batch envelope, leaving each event as raw bytes."""
    try:
        return _raw_batch_decoder.decode(data)
    except msgspec.ValidationError as exc:
        raise ContractError(str(exc)) from exc
    except msgspec.DecodeError as exc:
        raise ContractError(f"malformed JSON: {exc}") from exc


def decode_batch(data: bytes | str) -> Batch:
    """Decode and validate a whole batch (every event strictly)."""
    try:
        return _batch_decoder.decode(data)
    except msgspec.ValidationError as exc:
        raise ContractError(str(exc)) from exc
    except msgspec.DecodeError as exc:
        raise ContractError(f"malformed JSON: {exc}") from exc


def encode(value: EventBase | Batch | msgspec.Struct) -> bytes:
    """Wire JSON of an event or batch."""
    return _encoder.encode(value)


def canonical(value: EventBase) -> bytes:
    """Deterministic JSON of an event (sorted keys): the input of its content fingerprint."""
    return _canonical_encoder.encode(value)


def to_builtins(value: msgspec.Struct) -> dict[str, Any]:
    """The event as plain JSON-compatible Python objects."""
    out: dict[str, Any] = msgspec.to_builtins(value)
    return out


def json_schema() -> dict[str, Any]:
    """The published JSON Schema of a v1 batch (``docs/schema/event-v1.json``)."""
    schema: dict[str, Any] = msgspec.json.schema(Batch)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://workprint.dev/schema/event-v1.json"
    schema["title"] = "Workprint ingest batch, wire format v1"
    return schema


# -------------------------------------------------------------------- text classification


class TextRule(enum.StrEnum):
    """How a text-bearing field is treated by the privacy pipeline."""

    FREE_TEXT = "free_text"
    """Anything a person may write or read: all detectors run; dropped in ``metadata`` mode."""
    URL = "url"
    """Origin + path kept; query and fragment dropped unless allow-listed; path segments that
    look like identifiers are redacted."""
    IDENTIFIER = "identifier"
    """Machine names (element ids, app classes): secret and contact detectors run."""
    VOCABULARY = "vocabulary"
    """A closed vocabulary (tag names, roles, key names): kept as is, bounded length."""
    SELECTOR = "selector"
    """A CSS path: kept, with attribute values inside it treated as identifiers."""


TEXT_FIELDS: Final[dict[str, TextRule]] = {
    "agent.name": TextRule.VOCABULARY,
    "agent.version": TextRule.VOCABULARY,
    "agent.os": TextRule.VOCABULARY,
    "device_id": TextRule.VOCABULARY,
    "context.app": TextRule.IDENTIFIER,
    "context.window_title": TextRule.FREE_TEXT,
    "context.url": TextRule.URL,
    "target.tag": TextRule.VOCABULARY,
    "target.role": TextRule.VOCABULARY,
    "target.name": TextRule.FREE_TEXT,
    "target.text": TextRule.FREE_TEXT,
    "target.selector": TextRule.SELECTOR,
    "target.frame": TextRule.SELECTOR,
    "attrs.id": TextRule.IDENTIFIER,
    "attrs.name": TextRule.IDENTIFIER,
    "attrs.type": TextRule.VOCABULARY,
    "attrs.placeholder": TextRule.FREE_TEXT,
    "attrs.aria_label": TextRule.FREE_TEXT,
    "attrs.href": TextRule.URL,
    "element.tag": TextRule.VOCABULARY,
    "element.role": TextRule.VOCABULARY,
    "element.name": TextRule.FREE_TEXT,
    "element.text": TextRule.FREE_TEXT,
    "element.selector": TextRule.SELECTOR,
    "element.frame": TextRule.SELECTOR,
    "element.value": TextRule.FREE_TEXT,
    "element.options": TextRule.FREE_TEXT,
    "privacy.policy_version": TextRule.VOCABULARY,
    "privacy.redactions": TextRule.VOCABULARY,
    "consent.grant_id": TextRule.VOCABULARY,
    "consent.notice_version": TextRule.VOCABULARY,
    "type.text": TextRule.FREE_TEXT,
    "key.keys": TextRule.VOCABULARY,
    "select.value": TextRule.FREE_TEXT,
    "navigate.from_url": TextRule.URL,
    "task_start.task_id": TextRule.VOCABULARY,
    "task_start.label": TextRule.FREE_TEXT,
    "task_end.task_id": TextRule.VOCABULARY,
    "observe.same_as": TextRule.VOCABULARY,
}
"""Every string-typed field of the contract, by ``owner.field`` (owner: the struct's role, or
the kind for payload fields), with its redaction rule."""
