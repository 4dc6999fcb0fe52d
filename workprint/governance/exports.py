"""Export everything kept about a person: JSON (all of it) and Parquet (their events).

The JSON document is written piece by piece, reading events in bounded chunks, so an export
of any size needs little memory::

    {"export_version": 1, "exported_at_ms": ..., "person": {...}, "devices": [...],
     "consent": [...], "capture_paused": false, "events": [<wire v1 events>...],
     "quarantine": [{"code", "reason", "received_at_ms", "event_id", "raw"}...]}

The Parquet file has one row per event, the envelope as typed columns and ``target``,
``payload`` and ``redactions`` as JSON text; it needs PyArrow (the ``dataset`` extra).
The caller audits the export before it starts.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import msgspec
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from workprint.governance import timeline
from workprint.governance.errors import ExportUnavailable
from workprint.store.engine import read_tx
from workprint.store.rows import row_to_wire
from workprint.store.schema import events, quarantine

EXPORT_VERSION = 1
_encode = msgspec.json.Encoder(order="sorted").encode


def _rows(engine: Engine, table: sa.Table, person_id: str, chunk: int) -> Iterator[dict[str, Any]]:
    last = 0
    while True:
        with read_tx(engine) as conn:
            rows = [
                dict(r._mapping)
                for r in conn.execute(
                    sa.select(table)
                    .where((table.c.person_id == person_id) & (table.c.pk > last))
                    .order_by(table.c.pk)
                    .limit(chunk)
                )
            ]
        if not rows:
            return
        yield from rows
        last = rows[-1]["pk"]


def _quarantined(row: dict[str, Any]) -> dict[str, Any]:
    raw = bytes(row["raw"])
    return {
        "event_id": row["event_id"],
        "code": row["code"],
        "reason": row["reason"],
        "received_at_ms": row["received_at_ms"],
        "raw": raw.decode("utf-8", errors="replace"),
    }


def json_export(
    engine: Engine, person_id: str, *, now_ms: int, chunk: int = 1000
) -> Iterator[bytes]:
    """The JSON export of ``person_id`` as a stream of byte pieces."""
    with read_tx(engine) as conn:
        about = timeline.summary(conn, person_id)
    head = {
        "export_version": EXPORT_VERSION,
        "exported_at_ms": now_ms,
        "person": about["person"],
        "devices": about["devices"],
        "consent": about["consent"],
        "capture_paused": about["capture_paused"],
    }
    yield _encode(head)[:-1] + b',"events":['
    first = True
    for row in _rows(engine, events, person_id, chunk):
        yield (b"" if first else b",") + _encode(row_to_wire(row))
        first = False
    yield b'],"quarantine":['
    first = True
    for row in _rows(engine, quarantine, person_id, chunk):
        yield (b"" if first else b",") + _encode(_quarantined(row))
        first = False
    yield b"]}\n"


PARQUET_COLUMNS: tuple[str, ...] = (
    "event_id",
    "kind",
    "stream",
    "device_id",
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
    "target",
    "payload",
    "redactions",
)


def _json_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bytes):
        return value.decode()
    if isinstance(value, str):
        return value
    return msgspec.json.encode(value).decode()


def parquet_export(engine: Engine, person_id: str, *, chunk: int = 5000) -> bytes:
    """The person's events as one Parquet file (bytes)."""
    try:
        import pyarrow as pa  # type: ignore[import-untyped]
        import pyarrow.parquet as pq  # type: ignore[import-untyped]
    except ImportError as exc:
        raise ExportUnavailable(
            "Parquet export needs PyArrow: pip install 'workprint[dataset]'"
        ) from exc
    schema = pa.schema(
        [
            ("event_id", pa.string()),
            ("kind", pa.string()),
            ("stream", pa.string()),
            ("device_id", pa.string()),
            ("session_id", pa.string()),
            ("seq", pa.int64()),
            ("occurred_at", pa.timestamp("ms", tz="UTC")),
            ("received_at", pa.timestamp("ms", tz="UTC")),
            ("tz_offset_min", pa.int32()),
            ("duration_ms", pa.int64()),
            ("app", pa.string()),
            ("window_title", pa.string()),
            ("url", pa.string()),
            ("tab_id", pa.int64()),
            ("capture_mode", pa.string()),
            ("policy_version", pa.string()),
            ("grant_id", pa.string()),
            ("notice_version", pa.string()),
            ("target", pa.string()),
            ("payload", pa.string()),
            ("redactions", pa.string()),
        ]
    )
    sink = io.BytesIO()
    with pq.ParquetWriter(sink, schema, compression="zstd") as writer:
        buffer: list[dict[str, Any]] = []

        def flush() -> None:
            columns = {name: [r[name] for r in buffer] for name in PARQUET_COLUMNS}
            for name in ("target", "payload", "redactions"):
                columns[name] = [_json_text(v) for v in columns[name]]
            columns["occurred_at"] = columns.pop("occurred_at_ms")
            columns["received_at"] = columns.pop("received_at_ms")
            writer.write_table(pa.Table.from_pydict(columns, schema=schema))
            buffer.clear()

        for row in _rows(engine, events, person_id, chunk):
            buffer.append(row)
            if len(buffer) >= chunk:
                flush()
        if buffer or sink.tell() == 0:
            flush()
    return sink.getvalue()
