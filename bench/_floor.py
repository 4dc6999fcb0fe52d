"""The floor: the least a collector that stores every event durably must do, and no more.

A bare ASGI application (no framework) for ``bench/ingest.py``: it reads the body, decodes the
batch, and inserts each event's id and bytes under a unique key in SQLite (WAL mode,
``synchronous=FULL``, one transaction per batch), then answers how many were new. There is no
authentication, validation, consent check, redaction, typed columns, index beyond the key,
quarantine, sequence tracking or log line: what it commits per second bounds what any
collector keeping the contract can commit on the same machine, with the same Python, HTTP
server and SQLite. Run it with ``uvicorn _floor:app --app-dir bench`` and ``FLOOR_DB=PATH``.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import msgspec

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]


class _Event(msgspec.Struct):
    event_id: str


class _Batch(msgspec.Struct):
    batch_id: str
    events: list[msgspec.Raw]


_decode_batch = msgspec.json.Decoder(_Batch).decode
_decode_event = msgspec.json.Decoder(_Event).decode
_encode = msgspec.json.Encoder().encode
_db: sqlite3.Connection | None = None


def _connection() -> sqlite3.Connection:
    global _db
    if _db is None:
        db = sqlite3.connect(os.environ["FLOOR_DB"], isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=FULL")
        db.execute("PRAGMA busy_timeout=30000")
        db.execute(
            "CREATE TABLE IF NOT EXISTS events (event_id TEXT PRIMARY KEY, raw BLOB NOT NULL)"
        )
        _db = db
    return _db


def _store(body: bytes) -> dict[str, Any]:
    batch = _decode_batch(body)
    rows = [(_decode_event(raw).event_id, bytes(raw)) for raw in batch.events]
    db = _connection()
    db.execute("BEGIN IMMEDIATE")
    try:
        cur = db.executemany("INSERT INTO events VALUES (?, ?) ON CONFLICT DO NOTHING", rows)
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise
    return {
        "batch_id": batch.batch_id,
        "accepted": cur.rowcount,
        "duplicates": [],
        "quarantined": [],
    }


async def _answer(send: Send, status: int, body: bytes) -> None:
    headers = [(b"content-type", b"application/json")]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def app(scope: Scope, receive: Receive, send: Send) -> None:
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                _connection()
                await send({"type": "lifespan.startup.complete"})
            else:
                await send({"type": "lifespan.shutdown.complete"})
                return
    if scope["path"] == "/readyz":
        await _answer(send, 200, b'{"status":"ok"}')
        return
    chunks = []
    more = True
    while more:
        message = await receive()
        chunks.append(message.get("body", b""))
        more = message.get("more_body", False)
    try:
        answer = _store(b"".join(chunks))
    except (msgspec.DecodeError, sqlite3.Error) as exc:
        await _answer(send, 400, _encode({"code": "floor_error", "detail": type(exc).__name__}))
        return
    await _answer(send, 200, _encode(answer))
