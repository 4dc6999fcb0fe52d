"""Writing and reading events: one transaction per batch, permanent dedup by ``event_id``.

The write path (:func:`write_batch`) inserts every new event with ``ON CONFLICT DO NOTHING``
and learns from ``RETURNING`` which ones were new. For the rest it compares the stored content
fingerprint: equal means a duplicate (acknowledged, not stored again), different means an
``id_collision`` (quarantined with its original bytes). Sequence gaps, clock skew and the batch
record are written in the same transaction, so a batch is either wholly committed or not at
all, and the caller acknowledges only after the commit returns.

Rows are inserted in ``event_id`` order, so two concurrent batches that share ids take their
row locks in the same order on PostgreSQL and cannot deadlock.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine

from workprint.store import seqgaps
from workprint.store.engine import is_sqlite, read_tx, translate_errors, write_tx
from workprint.store.errors import StoreError, StoreUnavailable
from workprint.store.rows import EVENT_COLUMNS, EventRow
from workprint.store.schema import batches, devices, events, quarantine, seq_gaps, streams

# SQLite allows 32766 bound parameters per statement; keep IN lists well below it.
_IN_CHUNK = 900


@dataclass(frozen=True, slots=True)
class QuarantineRow:
    """An event that could not be accepted, kept with its original bytes."""

    index: int | None
    event_id: str | None
    code: str
    reason: str
    raw: bytes


@dataclass(frozen=True, slots=True)
class BatchWrite:
    """Everything one batch writes, prepared by the collector."""

    batch_id: str
    device_id: str
    person_id: str
    received_at_ms: int
    sent_at_ms: int
    agent_name: str
    agent_version: str
    events_total: int
    rows: Sequence[EventRow]
    quarantined: Sequence[QuarantineRow] = ()


@dataclass(frozen=True, slots=True)
class WriteResult:
    """What the store did with a batch."""

    accepted: int
    duplicates: list[str]
    quarantined: list[QuarantineRow] = field(default_factory=list)
    gaps_opened: int = 0


_EVENT_COLUMNS = list(EVENT_COLUMNS)


def write_batch(engine: Engine, batch: BatchWrite) -> WriteResult:
    """Commit one batch; returns only after the transaction is durable."""
    with write_tx(engine) as conn:
        return write_in(conn, batch)


def write_in(conn: Connection, batch: BatchWrite) -> WriteResult:
    """Write one batch inside the caller's transaction (see ``group_commit``)."""
    with translate_errors():
        return _write(conn, batch)


_SQLITE_INSERT = (
    f"INSERT INTO events ({', '.join(EVENT_COLUMNS)}) "  # noqa: S608 - schema names
    f"VALUES ({', '.join('?' * len(EVENT_COLUMNS))}) ON CONFLICT (event_id) DO NOTHING"
)


def _pg_array_type(column: sa.Column[Any]) -> tuple[str, str]:
    """(array type of the parameter, cast applied to each element) for a column."""
    kind = column.type
    if isinstance(kind, sa.JSON):
        return "text[]", "::json"
    if isinstance(kind, sa.LargeBinary):
        return "bytea[]", ""
    if isinstance(kind, sa.BigInteger):
        return "int8[]", ""
    if isinstance(kind, sa.Integer):
        return "int4[]", ""
    return "text[]", ""


def _pg_insert_sql() -> str:
    types = [_pg_array_type(events.c[c]) for c in _EVENT_COLUMNS]
    arrays = ", ".join(f"%b::{t}" for t, _ in types)
    names = [f"c{i}" for i in range(len(_EVENT_COLUMNS))]
    select = ", ".join(f"{n}{cast}" for n, (_, cast) in zip(names, types, strict=True))
    # Names from the schema module, values bound as arrays: no injection surface.
    return (
        f"INSERT INTO events ({', '.join(_EVENT_COLUMNS)}) "  # noqa: S608
        f"SELECT {select} FROM unnest({arrays}) AS u({', '.join(names)}) "
        "ON CONFLICT (event_id) DO NOTHING RETURNING event_id"
    )


_PG_INSERT = _pg_insert_sql()


def _insert_events(conn: Connection, ordered: Sequence[EventRow]) -> set[str]:
    """Insert the rows; returns the ids that were new (``RETURNING``).

    Values go straight to the driver, skipping per-row parameter processing: on PostgreSQL as
    one array per column through ``unnest`` (a fixed, prepared statement), on SQLite through
    ``executemany`` of one prepared statement.
    """
    if not is_sqlite(conn):
        columns = tuple(map(list, zip(*(r.values for r in ordered), strict=True)))
        # %b: binary array parameters; text-format arrays would escape every JSON quote.
        import psycopg  # present whenever a PostgreSQL engine exists

        driver = conn.connection.driver_connection
        assert driver is not None
        try:
            with driver.cursor() as cur:
                cur.execute(_PG_INSERT, columns)
                return {row[0] for row in cur.fetchall()}
        except psycopg.OperationalError as exc:
            raise StoreUnavailable(f"database unavailable ({type(exc).__name__})") from exc
        except psycopg.Error as exc:
            raise StoreError(f"database error ({type(exc).__name__})") from exc
    # SQLite: one prepared statement bound per row in C (executemany). The write lock is held
    # (BEGIN IMMEDIATE), so rows with a rowid above the current maximum are exactly ours.
    before = conn.exec_driver_sql("SELECT COALESCE(MAX(pk), 0) FROM events").scalar_one()
    result = conn.exec_driver_sql(_SQLITE_INSERT, [r.values for r in ordered])
    if result.rowcount == len(ordered):
        return {r.event_id for r in ordered}
    rows = conn.exec_driver_sql("SELECT event_id FROM events WHERE pk > ?", (before,))
    return {row[0] for row in rows}


def _write(conn: Connection, batch: BatchWrite) -> WriteResult:
    ordered = sorted(batch.rows, key=lambda r: r.event_id)
    inserted = _insert_events(conn, ordered) if ordered else set()

    duplicates: list[str] = []
    quarantined = list(batch.quarantined)
    rejected = [r for r in ordered if r.event_id not in inserted]
    if rejected:
        stored = _fingerprints(conn, [r.event_id for r in rejected])
        for row in rejected:
            if stored.get(row.event_id) == row.fingerprint:
                duplicates.append(row.event_id)
            else:
                quarantined.append(
                    QuarantineRow(
                        index=row.raw_index,
                        event_id=row.event_id,
                        code="id_collision",
                        reason="an event with this event_id and different content is stored",
                        raw=row.raw,
                    )
                )

    if quarantined:
        conn.execute(
            quarantine.insert(),
            [
                {
                    "batch_id": batch.batch_id,
                    "device_id": batch.device_id,
                    "person_id": batch.person_id,
                    "event_index": q.index,
                    "event_id": q.event_id,
                    "code": q.code,
                    "reason": q.reason,
                    "raw": q.raw,
                    "received_at_ms": batch.received_at_ms,
                }
                for q in quarantined
            ],
        )

    new_rows = [r for r in ordered if r.event_id in inserted]
    gaps_opened = _track_streams(conn, batch, new_rows)

    skew = batch.received_at_ms - batch.sent_at_ms
    conn.execute(
        _new_batch(conn.dialect.name),
        {
            "b_batch_id": batch.batch_id,
            "b_device_id": batch.device_id,
            "b_received_at_ms": batch.received_at_ms,
            "b_sent_at_ms": batch.sent_at_ms,
            "b_skew_ms": skew,
            "b_agent_name": batch.agent_name,
            "b_agent_version": batch.agent_version,
            "b_events_total": batch.events_total,
            "b_accepted": len(inserted),
            "b_duplicates": len(duplicates),
            "b_quarantined": len(quarantined),
        },
    )
    conn.execute(
        _DEVICE_SEEN,
        {"b_device": batch.device_id, "b_skew": skew, "b_seen": batch.received_at_ms},
    )
    return WriteResult(
        accepted=len(inserted),
        duplicates=duplicates,
        quarantined=quarantined,
        gaps_opened=gaps_opened,
    )


def _fingerprints(conn: Connection, ids: list[str]) -> dict[str, bytes]:
    found: dict[str, bytes] = {}
    for start in range(0, len(ids), _IN_CHUNK):
        chunk = ids[start : start + _IN_CHUNK]
        rows = conn.execute(
            sa.select(events.c.event_id, events.c.fingerprint).where(events.c.event_id.in_(chunk))
        )
        found.update({r.event_id: bytes(r.fingerprint) for r in rows})
    return found


# The statements every batch runs, built once (building one costs several times what
# executing it does); values are bound per call.
_STREAM_KEY = (streams.c.device_id == sa.bindparam("b_device")) & (
    streams.c.stream == sa.bindparam("b_stream")
)
_STREAM_MAX = sa.select(streams.c.max_seq).where(_STREAM_KEY)
_STREAM_MAX_LOCKED = _STREAM_MAX.with_for_update()
_STREAM_ADVANCE = (
    streams.update()
    .where(_STREAM_KEY)
    .values(max_seq=sa.bindparam("b_max"), events=streams.c.events + sa.bindparam("b_count"))
)
_DEVICE_SEEN = (
    devices.update()
    .where(devices.c.device_id == sa.bindparam("b_device"))
    .values(last_skew_ms=sa.bindparam("b_skew"), last_seen_ms=sa.bindparam("b_seen"))
)


@functools.cache
def _new_stream(dialect: str) -> Any:
    insert = sqlite.insert if dialect == "sqlite" else postgresql.insert
    return (
        insert(streams)
        .values(
            device_id=sa.bindparam("b_device"), stream=sa.bindparam("b_stream"), max_seq=0, events=0
        )
        .on_conflict_do_nothing(index_elements=["device_id", "stream"])
    )


_BATCH_COLUMNS = (
    "batch_id",
    "device_id",
    "received_at_ms",
    "sent_at_ms",
    "skew_ms",
    "agent_name",
    "agent_version",
    "events_total",
    "accepted",
    "duplicates",
    "quarantined",
)


@functools.cache
def _new_batch(dialect: str) -> Any:
    insert = sqlite.insert if dialect == "sqlite" else postgresql.insert
    return (
        insert(batches)
        .values({c: sa.bindparam(f"b_{c}") for c in _BATCH_COLUMNS})
        .on_conflict_do_nothing(index_elements=["batch_id"])
    )


def _track_streams(conn: Connection, batch: BatchWrite, rows: Sequence[EventRow]) -> int:
    by_stream: dict[str, list[int]] = {}
    for r in rows:
        by_stream.setdefault(r.stream, []).append(r.seq)
    opened = 0
    on_sqlite = is_sqlite(conn)
    for stream, seqs in sorted(by_stream.items()):
        bound = {"b_device": batch.device_id, "b_stream": stream}
        conn.execute(_new_stream(conn.dialect.name), bound)
        query = _STREAM_MAX if on_sqlite else _STREAM_MAX_LOCKED
        max_seq = conn.execute(query, bound).scalar_one()
        gap_key = (seq_gaps.c.device_id == batch.device_id) & (seq_gaps.c.stream == stream)
        old = []
        if min(seqs) <= max_seq:
            old = [
                (r.from_seq, r.to_seq)
                for r in conn.execute(
                    sa.select(seq_gaps.c.from_seq, seq_gaps.c.to_seq).where(gap_key)
                )
            ]
        new_max, new_gaps = seqgaps.advance(max_seq, old, seqs)
        removed = set(old) - set(new_gaps)
        added = set(new_gaps) - set(old)
        for lo, _hi in sorted(removed):
            conn.execute(seq_gaps.delete().where(gap_key & (seq_gaps.c.from_seq == lo)))
        if added:
            conn.execute(
                seq_gaps.insert(),
                [
                    {
                        "device_id": batch.device_id,
                        "stream": stream,
                        "from_seq": lo,
                        "to_seq": hi,
                        "detected_at_ms": batch.received_at_ms,
                    }
                    for lo, hi in sorted(added)
                ],
            )
            opened += sum(1 for lo, _ in added if lo > max_seq)
        conn.execute(_STREAM_ADVANCE, {**bound, "b_max": new_max, "b_count": len(seqs)})
    return opened


# ---------------------------------------------------------------------------- reading


def count_events(engine: Engine) -> int:
    with read_tx(engine) as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(events)).scalar_one())


def count_quarantined(engine: Engine) -> int:
    with read_tx(engine) as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(quarantine)).scalar_one())


def iter_event_rows(engine: Engine, *, chunk: int = 2000) -> Iterator[dict[str, Any]]:
    """Every stored event row in storage order, read in bounded chunks (keyset paging)."""
    last = 0
    while True:
        with read_tx(engine) as conn:
            rows = [
                dict(r._mapping)
                for r in conn.execute(
                    sa.select(events).where(events.c.pk > last).order_by(events.c.pk).limit(chunk)
                )
            ]
        if not rows:
            return
        yield from rows
        last = rows[-1]["pk"]


def list_gaps(engine: Engine, device_id: str) -> list[tuple[str, int, int]]:
    """Open sequence gaps of one device as ``(stream, from_seq, to_seq)``."""
    with read_tx(engine) as conn:
        rows = conn.execute(
            sa.select(seq_gaps.c.stream, seq_gaps.c.from_seq, seq_gaps.c.to_seq)
            .where(seq_gaps.c.device_id == device_id)
            .order_by(seq_gaps.c.stream, seq_gaps.c.from_seq)
        )
        return [(r.stream, r.from_seq, r.to_seq) for r in rows]
