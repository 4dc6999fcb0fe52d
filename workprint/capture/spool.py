"""The spool: an SQLite outbox on the device that survives crashes, reboots and months offline.

Events are written here, redacted, before anything is sent; the uploader deletes only what the
collector acknowledged. The file runs in WAL mode with ``synchronous=FULL``, so an event is on
disk once :meth:`Spool.append` returns, and each append is one transaction with the sequence
number it allocated (``seq`` is monotonic per device and stream, from 1, across restarts).

The spool is bounded by a quota on the bytes of its events. Past it, the oldest events not in
flight are evicted and one ``gap`` event (reason ``quota_evicted``) takes their place, naming
the evicted ``seq`` range and how many there were. While the collector stays out of reach
that one gap is widened in place (same id and ``seq``), so months offline cost one gap event,
not one per eviction; a gap already offered to the collector is never rewritten.

stdlib :mod:`sqlite3` is used on purpose: capture does not import the store. One agent at a
time owns a spool (an advisory ``flock`` on ``<file>.lock``).
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from workprint.capture.errors import AgentAlreadyRunning, SpoolError
from workprint.core import events as ev

log = logging.getLogger(__name__)

GapFactory = Callable[[int, int, int, int], ev.GapEvent]
"""``(from_seq, to_seq, count, seq) -> gap event`` for a range evicted by the quota."""

_SCHEMA: Final = (
    """CREATE TABLE IF NOT EXISTS outbox (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        seq INTEGER NOT NULL,
        event_id TEXT NOT NULL,
        size INTEGER NOT NULL,
        gap_from INTEGER,
        gap_to INTEGER,
        gap_count INTEGER,
        body BLOB NOT NULL)""",
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL)",
)


@dataclass(frozen=True, slots=True)
class SpoolRow:
    rowid: int
    seq: int
    event_id: str
    body: bytes


class Spool:
    """The outbox. Thread-safe: the pipeline appends while the uploader peeks and deletes."""

    def __init__(self, path: Path, *, quota_bytes: int) -> None:
        self.path = path
        self.quota_bytes = quota_bytes
        self._lock = threading.Lock()
        self._pinned = 0
        """Rows up to this id are in flight to the collector: eviction leaves them alone."""
        self._offered = 0
        """Rows up to this id were offered to the collector at least once: a gap among them
        is never rewritten (the collector may hold it already)."""
        try:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            self._lock_fd = os.open(f"{path}.lock", os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as exc:
            raise SpoolError(f"cannot create the spool folder: {exc.strerror}") from exc
        try:
            fcntl.flock(self._lock_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            os.close(self._lock_fd)
            raise AgentAlreadyRunning("another agent holds this spool") from exc
        try:
            os.close(os.open(path, os.O_RDWR | os.O_CREAT, 0o600))
            self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
            self._db.execute("PRAGMA auto_vacuum=INCREMENTAL")
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            for statement in _SCHEMA:
                self._db.execute(statement)
            self._next_seq, self._bytes, self._depth = self._load()
        except sqlite3.Error as exc:
            self._release_lock()
            raise SpoolError(f"cannot open the spool: {type(exc).__name__}") from exc

    def _load(self) -> tuple[int, int, int]:
        stored = self._db.execute("SELECT value FROM meta WHERE key='next_seq'").fetchone()
        top, size, depth = self._db.execute(
            "SELECT MAX(seq), COALESCE(SUM(size), 0), COUNT(*) FROM outbox"
        ).fetchone()
        next_seq = max(int(stored[0]) if stored else 1, int(top or 0) + 1, 1)
        return next_seq, int(size), int(depth)

    def _release_lock(self) -> None:
        with contextlib.suppress(OSError):
            fcntl.flock(self._lock_fd, fcntl.LOCK_UN)
            os.close(self._lock_fd)

    def close(self) -> None:
        with self._lock:
            with contextlib.suppress(sqlite3.Error):
                self._db.close()
            self._release_lock()

    @contextlib.contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        try:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")
        except sqlite3.Error as exc:
            raise SpoolError(f"spool write failed: {type(exc).__name__}") from exc

    # ------------------------------------------------------------------ counters

    def allocate_seq(self) -> int:
        """The next sequence number; persisted by the :meth:`append` that uses it."""
        with self._lock:
            seq = self._next_seq
            self._next_seq += 1
            return seq

    def depth(self) -> int:
        """Events waiting to be acknowledged."""
        return self._depth

    def size_bytes(self) -> int:
        return self._bytes

    # ------------------------------------------------------------------ writing

    def append(self, events: Sequence[ev.Event], make_gap: GapFactory) -> int:
        """Write ``events`` (sequence numbers already allocated) in one durable transaction;
        evict past the quota. Returns how many events were evicted."""
        if not events:
            return 0
        rows = [(e.seq, e.event_id, ev.encode(e)) for e in events]
        with self._lock, self._tx() as db:
            db.executemany(
                "INSERT INTO outbox (seq, event_id, size, body) VALUES (?, ?, ?, ?)",
                [(seq, eid, len(body), body) for seq, eid, body in rows],
            )
            self._bytes += sum(len(body) for _, _, body in rows)
            self._depth += len(rows)
            evicted = self._evict(db, make_gap) if self._bytes > self.quota_bytes else 0
            db.execute(
                "INSERT INTO meta (key, value) VALUES ('next_seq', ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (self._next_seq,),
            )
        return evicted

    def _evict(self, db: sqlite3.Connection, make_gap: GapFactory) -> int:
        """Delete the oldest events (never gaps, never rows in flight) until the spool fits,
        and record them in the open gap: the newest gap never offered to the collector,
        widened in place, else a new one."""
        reserve = 1024  # room for the gap event itself
        victims: list[tuple[int, int, int]] = []
        freed = 0
        cursor = db.execute(
            "SELECT id, seq, size FROM outbox WHERE id > ? AND gap_count IS NULL ORDER BY id",
            (self._pinned,),
        )
        for row in cursor:
            if self._bytes - freed + reserve <= self.quota_bytes:
                break
            victims.append(row)
            freed += row[2]
        cursor.close()
        if not victims:
            return 0
        db.executemany("DELETE FROM outbox WHERE id = ?", [(r[0],) for r in victims])
        low = min(r[1] for r in victims)
        high = max(r[1] for r in victims)
        count = len(victims)
        open_gap = db.execute(
            "SELECT id, seq, size, gap_from, gap_to, gap_count FROM outbox "
            "WHERE gap_count IS NOT NULL AND id > ? ORDER BY id DESC LIMIT 1",
            (max(self._pinned, self._offered),),
        ).fetchone()
        if open_gap is not None:
            rowid, seq, size, gap_from, gap_to, gap_count = open_gap
            low, high, count = min(low, gap_from), max(high, gap_to), count + gap_count
            freed += size
            db.execute("DELETE FROM outbox WHERE id = ?", (rowid,))
        else:
            seq = self._next_seq
            self._next_seq += 1
            log.warning("spool quota reached: the oldest events are evicted into a gap")
        gap = make_gap(low, high, count, seq)
        body = ev.encode(gap)
        db.execute(
            "INSERT INTO outbox (seq, event_id, size, gap_from, gap_to, gap_count, body) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (seq, gap.event_id, len(body), low, high, count, body),
        )
        self._bytes += len(body) - freed
        self._depth += 1 - len(victims) - (1 if open_gap is not None else 0)
        return len(victims)

    # ------------------------------------------------------------------ reading

    def peek(self, limit: int) -> list[SpoolRow]:
        """The oldest ``limit`` events, pinned (safe from eviction) until :meth:`unpin`."""
        with self._lock:
            try:
                rows = self._db.execute(
                    "SELECT id, seq, event_id, body FROM outbox ORDER BY id LIMIT ?", (limit,)
                ).fetchall()
            except sqlite3.Error as exc:
                raise SpoolError(f"spool read failed: {type(exc).__name__}") from exc
            if rows:
                self._pinned = max(self._pinned, rows[-1][0])
                self._offered = max(self._offered, rows[-1][0])
        return [SpoolRow(r[0], r[1], r[2], bytes(r[3])) for r in rows]

    def unpin(self) -> None:
        with self._lock:
            self._pinned = 0

    def delete(self, rowids: Iterable[int]) -> int:
        """Remove acknowledged events; returns how many went."""
        ids = [(i,) for i in rowids]
        if not ids:
            return 0
        with self._lock, self._tx() as db:
            freed = 0
            gone = 0
            for (rowid,) in ids:
                row = db.execute("DELETE FROM outbox WHERE id = ? RETURNING size", (rowid,))
                hit = row.fetchone()
                if hit is not None:
                    freed += int(hit[0])
                    gone += 1
            self._bytes -= freed
            self._depth -= gone
            free_pages = int(db.execute("PRAGMA freelist_count").fetchone()[0])
        if free_pages > 2048:
            with self._lock, contextlib.suppress(sqlite3.Error):
                self._db.execute("PRAGMA incremental_vacuum(1024)")
        return gone
