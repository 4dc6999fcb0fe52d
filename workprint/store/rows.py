"""The mapping between a wire event and a row of the ``events`` table, both ways.

Envelope fields become typed columns; ``target``, ``payload`` and the redaction counts are
JSON. :func:`row_to_wire` rebuilds the wire object exactly as it was accepted, with times in
milliseconds (the contract's precision).
"""

from __future__ import annotations

import hashlib
from typing import Any

import msgspec

from workprint.core.clock import from_epoch_ms, to_epoch_ms
from workprint.core.events import EventBase, canonical

_encode = msgspec.json.Encoder().encode


def fingerprint(event: EventBase) -> bytes:
    """16-byte content fingerprint: BLAKE2b of the canonical (sorted-key) JSON."""
    return hashlib.blake2b(canonical(event), digest_size=16).digest()


def event_to_row(
    event: EventBase, *, person_id: str, batch_id: str, received_at_ms: int
) -> dict[str, Any]:
    """Column values of one event (JSON columns pre-encoded as text)."""
    ctx = event.context
    payload = event.payload  # type: ignore[attr-defined]
    return {
        "event_id": event.event_id,
        "fingerprint": fingerprint(event),
        "kind": event.__struct_config__.tag,
        "stream": event.stream,
        "device_id": event.device_id,
        "person_id": person_id,
        "session_id": event.session_id,
        "seq": event.seq,
        "occurred_at_ms": to_epoch_ms(event.occurred_at),
        "received_at_ms": received_at_ms,
        "tz_offset_min": event.tz_offset_min,
        "duration_ms": event.duration_ms,
        "app": ctx.app,
        "window_title": ctx.window_title,
        "url": ctx.url,
        "tab_id": ctx.tab_id,
        "capture_mode": event.privacy.mode,
        "policy_version": event.privacy.policy_version,
        "grant_id": event.consent.grant_id,
        "notice_version": event.consent.notice_version,
        "batch_id": batch_id,
        "target": None if event.target is None else _encode(event.target).decode(),
        "payload": _encode(payload).decode(),
        "redactions": _encode(event.privacy.redactions).decode()
        if event.privacy.redactions
        else None,
    }


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
