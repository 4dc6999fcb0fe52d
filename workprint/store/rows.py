"""The mapping between a wire event and a row of the ``events`` table, both ways.

Envelope fields become typed columns; ``target``, ``payload`` and the redaction counts are
JSON. :func:`row_to_wire` rebuilds the wire object exactly as it was accepted, with times in
milliseconds (the contract's precision).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any, NamedTuple

import msgspec

from workprint.core.clock import from_epoch_ms, to_epoch_ms
from workprint.core.events import EventBase

_encode = msgspec.json.Encoder().encode
_pack = msgspec.msgpack.Encoder().encode

EVENT_COLUMNS: tuple[str, ...] = (
    "event_id",
    "fingerprint",
    "kind",
    "stream",
    "device_id",
    "person_id",
    "session_id",
    "seq",
    "occurred_at_ms",
    "received_at_ms",
    "tz_offset_min",
    "duration_ms",
    "app",
    "window_title",
    "url",
    "tab_id",
    "capture_mode",
    "policy_version",
    "grant_id",
    "notice_version",
    "batch_id",
    "target",
    "payload",
    "redactions",
)
"""Columns of ``events`` written at ingest, in the order of :attr:`EventRow.values`."""


@dataclass(frozen=True, slots=True)
class EventRow:
    """One event ready to insert, with where it came from in its batch."""

    values: tuple[Any, ...]
    """Column values in :data:`EVENT_COLUMNS` order; JSON columns pre-encoded as text."""
    raw_index: int
    raw: bytes
    """The event's bytes as received (kept if it must be quarantined)."""

    @property
    def event_id(self) -> str:
        return self.values[0]  # type: ignore[no-any-return]

    @property
    def fingerprint(self) -> bytes:
        return self.values[1]  # type: ignore[no-any-return]

    @property
    def stream(self) -> str:
        return self.values[3]  # type: ignore[no-any-return]

    @property
    def seq(self) -> int:
        return self.values[7]  # type: ignore[no-any-return]

    def as_dict(self) -> dict[str, Any]:
        return dict(zip(EVENT_COLUMNS, self.values, strict=True))


def event_to_row(
    event: EventBase,
    *,
    person_id: str,
    batch_id: str,
    received_at_ms: int,
    raw_index: int = 0,
    raw: bytes = b"",
    fingerprint: bytes | None = None,
    content: Content | None = None,
) -> EventRow:
    """The row of one event.

    The content fingerprint (16 bytes of SHA-256, hardware-accelerated on current CPUs) covers
    every stored field of the event itself, encoded unambiguously with MessagePack: the same
    event re-sent gives the same fingerprint whatever the JSON key order, and any change in
    content gives another. Where and when it was received are not part of it.

    ``content``: the event's :func:`event_content`, when the caller already has it.
    """
    c = (content or event_content(event)).values
    digest = fingerprint or content_fingerprint(c)
    values = (
        c[0],
        digest,
        c[1],
        c[2],
        c[3],
        person_id,
        c[4],
        c[5],
        c[6],
        received_at_ms,
        *c[7:17],
        batch_id,
        c[17],
        c[18],
        c[19],
    )
    return EventRow(values, raw_index, raw)


class Content(NamedTuple):
    """The stored content of one event, in fingerprint order, with the event it was taken
    from (so that an event derived from that one can reuse what was computed)."""

    values: tuple[Any, ...]
    event: EventBase


def event_content(event: EventBase, *, derived_from: Content | None = None) -> Content:
    """What of ``event`` is stored and fingerprinted. ``derived_from``: the content of an
    event this one was made from (the same event before redaction); its encoded ``target``
    and ``payload`` and its time are reused where they are the very same objects."""
    ctx = event.context
    target = event.target
    payload = event.payload  # type: ignore[attr-defined]
    occurred_at = event.occurred_at
    privacy = event.privacy
    redactions = privacy.redactions
    if derived_from is not None:
        source = derived_from.event
        known = derived_from.values
        target_json = (
            known[17]
            if source.target is target
            else (None if target is None else _encode(target).decode())
        )
        payload_json = (
            known[18] if source.payload is payload else _encode(payload).decode()  # type: ignore[attr-defined]
        )
        at = known[6] if source.occurred_at is occurred_at else to_epoch_ms(occurred_at)
    else:
        target_json = None if target is None else _encode(target).decode()
        payload_json = _encode(payload).decode()
        at = to_epoch_ms(occurred_at)
    consent = event.consent
    values = (
        event.event_id,
        event.__struct_config__.tag,
        event.stream,
        event.device_id,
        event.session_id,
        event.seq,
        at,
        event.tz_offset_min,
        event.duration_ms,
        ctx.app,
        ctx.window_title,
        ctx.url,
        ctx.tab_id,
        privacy.mode,
        privacy.policy_version,
        consent.grant_id,
        consent.notice_version,
        target_json,
        payload_json,
        _encode(dict(sorted(redactions.items()))).decode() if redactions else None,
    )
    return Content(values, event)


def content_fingerprint(values: tuple[Any, ...]) -> bytes:
    """The fingerprint of :attr:`Content.values` (see :func:`event_to_row`)."""
    return hashlib.sha256(_pack(values)).digest()[:16]


def fingerprint(event: EventBase) -> bytes:
    """The content fingerprint of an event (see :func:`event_to_row`)."""
    return content_fingerprint(event_content(event).values)


def _json(value: Any) -> Any:
    if isinstance(value, str | bytes):
        return msgspec.json.decode(value)
    return value


def row_to_wire(row: dict[str, Any]) -> dict[str, Any]:
    """The wire form (plain JSON objects) of a stored event row."""
    context = {k: row[k] for k in ("app", "window_title", "url", "tab_id") if row[k] is not None}
    privacy: dict[str, Any] = {
        "mode": row["capture_mode"],
        "policy_version": row["policy_version"],
    }
    if row["redactions"] is not None:
        privacy["redactions"] = _json(row["redactions"])
    occurred = from_epoch_ms(row["occurred_at_ms"])
    return {
        "kind": row["kind"],
        "event_id": row["event_id"],
        "seq": row["seq"],
        "stream": row["stream"],
        "device_id": row["device_id"],
        "session_id": row["session_id"],
        "occurred_at": occurred.strftime("%Y-%m-%dT%H:%M:%S.")
        + f"{occurred.microsecond // 1000:03d}Z",
        "tz_offset_min": row["tz_offset_min"],
        "duration_ms": row["duration_ms"],
        "context": context,
        "target": None if row["target"] is None else _json(row["target"]),
        "payload": _json(row["payload"]),
        "privacy": privacy,
        "consent": {"grant_id": row["grant_id"], "notice_version": row["notice_version"]},
    }
