"""The ingest pipeline of one batch: decode, check, prepare rows, commit, answer.

:func:`prepare` is pure: it validates each event on its own (so one bad event never sinks the
batch), checks that it belongs to the authenticated device and names one of its person's live
capture grants, removes in-batch repeats, and maps the rest to rows. :func:`ingest` adds the
I/O: authentication, the transactional write, and the per-event result.
"""

from __future__ import annotations

import functools
import logging
import re
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass

import msgspec
from sqlalchemy.engine import Engine

from workprint.collector.auth import DeviceAuth, authenticate
from workprint.collector.errors import BatchTooLarge, BodyInvalid, UnsupportedEncoding
from workprint.core.clock import to_epoch_ms
from workprint.core.errors import ContractError
from workprint.core.events import Event, RawBatch, decode_event, decode_raw_batch
from workprint.store.events import BatchWrite, QuarantineRow, WriteResult, write_batch
from workprint.store.rows import EventRow, content_fingerprint, event_content, event_to_row

log = logging.getLogger(__name__)

QUARANTINE_CODES: dict[str, str] = {
    "schema_violation": "the event does not satisfy the v1 contract (the reason names the path)",
    "id_collision": "an event with this event_id and different content is already stored or "
    "earlier in the batch",
    "device_mismatch": "the event's device_id is not the authenticated device",
    "consent_mismatch": "consent.grant_id is not a live capture grant of the device's person",
    "policy_violation": "the event claims capture mode 'off', under which nothing may exist",
}
"""Codes of per-event quarantine results (the batch itself is answered 200)."""

Redactor = Callable[[Event], Event | None]
"""Re-applies the privacy policy at the collector (defence in depth); ``None`` when the
policy sets the event's context to ``off`` (the event is then not kept at all)."""


class Quarantined(msgspec.Struct, frozen=True):
    index: int | None
    event_id: str | None
    code: str
    reason: str


class Hints(msgspec.Struct, frozen=True):
    max_batch_events: int
    flush_interval_ms: int


class IngestResult(msgspec.Struct, frozen=True):
    """The 200 answer: what happened to each event of the batch."""

    batch_id: str
    accepted: int
    duplicates: list[str]
    quarantined: list[Quarantined]
    hints: Hints


def decompress(body: bytes, encoding: str | None, limit: int) -> bytes:
    """The body after ``Content-Encoding``; refuses more than ``limit`` bytes (zip bombs)."""
    enc = (encoding or "identity").strip().lower()
    if enc == "identity":
        if len(body) > limit:
            raise BatchTooLarge(f"body exceeds {limit} bytes; split the batch")
        return body
    if enc != "gzip":
        raise UnsupportedEncoding("Content-Encoding must be gzip or identity")
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    try:
        out = inflater.decompress(body, limit + 1)
    except zlib.error as exc:
        raise BodyInvalid("body is not valid gzip") from exc
    if len(out) > limit or inflater.unconsumed_tail:
        raise BatchTooLarge(f"decompressed body exceeds {limit} bytes; split the batch")
    if not inflater.eof:
        raise BodyInvalid("gzip body is truncated")
    return out


def parse(body: bytes, max_events: int) -> RawBatch:
    try:
        batch = decode_raw_batch(body)
    except ContractError as exc:
        raise BodyInvalid(f"not a valid batch: {_public_reason(exc)}") from exc
    agent = batch.agent
    if "\x00" in agent.name + agent.version + agent.os:
        raise BodyInvalid("not a valid batch: agent fields contain U+0000")
    if len(batch.events) > max_events:
        raise BatchTooLarge(
            f"batch has {len(batch.events)} events, the limit is {max_events}; split it",
            batch_id=batch.batch_id,
        )
    return batch


_QUOTED_VALUE = re.compile(r"(?i)(value|tag|got) '(?:[^'\\]|\\.)*'")


def _public_reason(exc: ContractError) -> str:
    """A validation message without the offending value (it may be personal data)."""
    text = _QUOTED_VALUE.sub(r"\1 <withheld>", exc.message)
    return text if len(text) <= 300 else text[:297] + "..."


def _lenient_event_id(raw: bytes) -> str | None:
    try:
        obj = msgspec.json.decode(raw)
    except msgspec.DecodeError:
        return None
    if isinstance(obj, dict):
        value = obj.get("event_id")
        if isinstance(value, str) and _ID_CHARS.fullmatch(value):
            return value
    return None


_ID_CHARS = re.compile(r"[0-9A-Za-z_-]{1,64}")
_NUL_ESCAPE = b"\\u0000"


def _has_nul(value: object) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


@dataclass(frozen=True, slots=True)
class Prepared:
    write: BatchWrite
    in_batch_duplicates: list[str]


def prepare(
    batch: RawBatch,
    auth: DeviceAuth,
    received_at_ms: int,
    redact: Redactor | None = None,
) -> Prepared:
    """Validate each event and build the rows to store (pure)."""
    batch_id = batch.batch_id
    rows: list[EventRow] = []
    quarantined: list[QuarantineRow] = []
    seen: dict[str, bytes] = {}
    repeats: list[str] = []
    for index, raw in enumerate(batch.events):
        raw_bytes = bytes(raw)
        try:
            event = decode_event(raw_bytes)
        except ContractError as exc:
            quarantined.append(
                QuarantineRow(
                    index,
                    _lenient_event_id(raw_bytes),
                    "schema_violation",
                    _public_reason(exc),
                    raw_bytes,
                )
            )
            continue
        event_id = event.event_id
        problem = _check(event, auth)
        if problem is None and _NUL_ESCAPE in raw_bytes and _has_nul(msgspec.to_builtins(event)):
            problem = ("schema_violation", "a text field contains U+0000, which no store keeps")
        if problem is not None:
            # Nothing of an event from a context captured in mode off is kept, not its bytes.
            kept = b"" if problem[0] == "policy_violation" else raw_bytes
            quarantined.append(QuarantineRow(index, event_id, problem[0], problem[1], kept))
            continue
        original_fingerprint: bytes | None = None
        if redact is not None:
            # The fingerprint is the capturer's content: a re-sent event stays a duplicate
            # even when the policy changed between the two sends.
            original = event_content(event)
            original_fingerprint = content_fingerprint(original.values)
            redacted = redact(event)
            if redacted is None:
                quarantined.append(
                    QuarantineRow(
                        index,
                        event_id,
                        "policy_violation",
                        "the policy captures nothing in this context (mode off)",
                        b"",
                    )
                )
                continue
            # Parts redaction left alone are the same objects: their JSON is not made twice.
            content = event_content(redacted, derived_from=original)
            event = redacted
        else:
            content = event_content(event)
        row = event_to_row(
            event,
            person_id=auth.person_id,
            batch_id=batch_id,
            received_at_ms=received_at_ms,
            raw_index=index,
            raw=raw_bytes,
            fingerprint=original_fingerprint,
            content=content,
        )
        earlier = seen.get(event_id)
        if earlier is not None:
            if earlier == row.fingerprint:
                repeats.append(event_id)
            else:
                quarantined.append(
                    QuarantineRow(
                        index,
                        event_id,
                        "id_collision",
                        "event_id repeated in the batch with different content",
                        raw_bytes,
                    )
                )
            continue
        seen[event_id] = row.fingerprint
        rows.append(row)
    write = BatchWrite(
        batch_id=batch_id,
        device_id=auth.device_id,
        person_id=auth.person_id,
        received_at_ms=received_at_ms,
        sent_at_ms=to_epoch_ms(batch.sent_at),
        agent_name=batch.agent.name,
        agent_version=batch.agent.version,
        events_total=len(batch.events),
        rows=rows,
        quarantined=quarantined,
    )
    return Prepared(write, repeats)


def _check(event: Event, auth: DeviceAuth) -> tuple[str, str] | None:
    if event.device_id != auth.device_id:
        return "device_mismatch", "device_id differs from the authenticated device"
    if event.consent.grant_id not in auth.capture_grants:
        return "consent_mismatch", "consent.grant_id is not a live capture grant of this person"
    if event.privacy.mode == "off":
        return "policy_violation", "events captured in mode 'off' must not exist"
    return None


@dataclass(frozen=True, slots=True)
class Limits:
    max_batch_events: int
    max_body_bytes: int
    flush_interval_ms: int


def ingest(
    engine: Engine,
    token: str,
    body: bytes,
    encoding: str | None,
    limits: Limits,
    now_ms: int,
    redact: Redactor | None = None,
    write: Callable[[BatchWrite], WriteResult] | None = None,
) -> tuple[IngestResult, WriteResult]:
    """Authenticate, decode, commit; returns the answer only after the commit."""
    started = time.perf_counter()
    auth = authenticate(engine, token)
    raw = decompress(body, encoding, limits.max_body_bytes)
    batch = parse(raw, limits.max_batch_events)
    prepared = prepare(batch, auth, now_ms, redact)
    result = (write or functools.partial(write_batch, engine))(prepared.write)
    answer = IngestResult(
        batch_id=prepared.write.batch_id,
        accepted=result.accepted,
        duplicates=prepared.in_batch_duplicates + result.duplicates,
        quarantined=[
            Quarantined(q.index, q.event_id, q.code, q.reason) for q in result.quarantined
        ],
        hints=Hints(limits.max_batch_events, limits.flush_interval_ms),
    )
    log.info(
        "batch committed batch_id=%s device_id=%s events=%d accepted=%d duplicates=%d "
        "quarantined=%d bytes=%d ms=%.1f",
        answer.batch_id,
        auth.device_id,
        len(batch.events),
        answer.accepted,
        len(answer.duplicates),
        len(answer.quarantined),
        len(raw),
        (time.perf_counter() - started) * 1000,
    )
    return answer, result
