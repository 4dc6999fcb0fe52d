"""Engines for the two supported databases, with their settings applied on every connection.

* SQLite (the embedded default): WAL journal, ``synchronous=FULL`` so an acknowledged batch
  survives power loss (``NORMAL`` is available and survives process crashes), a busy timeout,
  foreign keys on, and write transactions that start with ``BEGIN IMMEDIATE`` so two writers
  never deadlock on a lock upgrade.
* PostgreSQL through psycopg 3; ``postgresql://`` URLs are mapped to that driver.

JSON columns are bound as JSON text that the caller has already encoded (msgspec), so no
value is serialised twice.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - not on Windows
    fcntl = None  # type: ignore[assignment]
from typing import Any, Literal

import msgspec
import sqlalchemy as sa
from sqlalchemy import event as sa_event
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError

from workprint.store.errors import StoreBusy, StoreError, StoreUnavailable, StoreUrlInvalid

Synchronous = Literal["FULL", "NORMAL"]
_log = logging.getLogger(__name__)


def _json_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    return msgspec.json.encode(value).decode()


def _json_value(text: str | bytes) -> Any:
    return msgspec.json.decode(text)


def normalise_url(url: str) -> sa.URL:
    """Parse a database URL, choosing the psycopg 3 driver for PostgreSQL."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise StoreUrlInvalid(
            "database URL is not valid; use sqlite:///PATH or postgresql://HOST/DB"
        ) from exc
    backend = parsed.get_backend_name()
    if backend == "postgresql":
        return parsed.set(drivername="postgresql+psycopg")
    if backend == "sqlite":
        return parsed.set(drivername="sqlite")
    raise StoreUrlInvalid(f"database engine {backend!r} is not supported; use sqlite or postgresql")


def create_engine(
    url: str,
    *,
    synchronous: Synchronous = "FULL",
    pool_size: int = 8,
    busy_timeout_ms: int = 30_000,
    background_checkpoints: bool = False,
) -> Engine:
    """An engine for ``url`` with Workprint's connection settings.

    ``busy_timeout_ms`` is how long a SQLite writer waits for the write lock before the
    operation fails as :class:`StoreBusy` (the collector answers 503 with Retry-After).
    With ``background_checkpoints`` SQLite commits never checkpoint the WAL themselves; run a
    :class:`Checkpointer` beside the engine (the collector does).
    """
    parsed = normalise_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(parsed, synchronous, busy_timeout_ms, background_checkpoints)
    try:
        return sa.create_engine(
            parsed,
            pool_size=pool_size,
            max_overflow=pool_size,
            pool_pre_ping=True,
            json_serializer=_json_text,
            json_deserializer=_json_value,
        )
    except ImportError as exc:
        raise StoreUrlInvalid(
            "PostgreSQL needs the 'postgres' extra: pip install 'workprint[postgres]'"
        ) from exc


def _sqlite_engine(
    parsed: sa.URL, synchronous: Synchronous, busy_timeout_ms: int, background_checkpoints: bool
) -> Engine:
    database = parsed.database or ""
    if not database or database == ":memory:" or database.startswith("file::memory:"):
        raise StoreUrlInvalid(
            "in-memory SQLite is not supported (each connection would see its own empty "
            "database); use sqlite:///PATH"
        )
    Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(
        parsed,
        json_serializer=_json_text,
        json_deserializer=_json_value,
        connect_args={"check_same_thread": False, "timeout": busy_timeout_ms / 1000},
        execution_options={"workprint_busy_timeout_s": busy_timeout_ms / 1000},
        pool_size=4,
        max_overflow=8,
    )

    @sa_event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Take transaction control from the sqlite3 module; "begin" below issues BEGIN.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute(f"PRAGMA synchronous={synchronous}")
        cur.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA cache_size=-16384")  # 16 MiB of pages per connection
        if background_checkpoints:
            cur.execute("PRAGMA wal_autocheckpoint=0")
        cur.close()

    @sa_event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        immediate = conn.get_execution_options().get("workprint_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


class Checkpointer:
    """Checkpoints a SQLite WAL from a background thread, off the writers' critical path.

    By default the commit that pushes the WAL past 1000 pages copies it into the database and
    syncs it while holding the write lock, so every writer queued behind it waits. Here a
    thread runs ``PRAGMA wal_checkpoint(PASSIVE)`` every ``interval_s`` seconds instead: it
    never blocks writers or readers, and the WAL restarts from its beginning once it has been
    copied. Does nothing for PostgreSQL.
    """

    def __init__(self, engine: Engine, interval_s: float = 0.5) -> None:
        self._engine = engine
        self._interval_s = interval_s
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.checkpoints = 0

    def start(self) -> None:
        if not is_sqlite(self._engine) or self._thread is not None:
            return
        self._thread = threading.Thread(target=self._run, name="wal-checkpointer", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
            self._thread = None
        self.checkpoint()

    def checkpoint(self) -> None:
        """One passive checkpoint now; errors are logged as their type and retried later."""
        if not is_sqlite(self._engine):
            return
        try:
            with self._engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")
            self.checkpoints += 1
        except DBAPIError as exc:
            _log.warning("wal checkpoint failed error=%s", type(exc.orig).__name__)

    def _run(self) -> None:
        while not self._stop.wait(self._interval_s):
            self.checkpoint()


def is_sqlite(engine: Engine | Connection) -> bool:
    return engine.dialect.name == "sqlite"


class _SqliteWriter:
    """One writer at a time per SQLite file: across threads and across processes.

    SQLite admits one writer. A writer that finds the lock taken waits in SQLite's busy
    handler, which sleeps in coarse steps (up to 100 ms) and so wakes late: under load most of
    the time goes to sleeping. Writers queue here instead: on a thread lock within the process
    (woken at once on release), then on an advisory ``flock`` of ``<database>-wplock`` across
    processes, polled every millisecond. SQLite's own lock still guards correctness; this only
    orders the queue. Both waits end after the busy timeout with :class:`StoreBusy`.
    """

    def __init__(self, database: str) -> None:
        self._thread_lock = threading.Lock()
        self._fd: int | None = None
        if fcntl is not None and database and database != ":memory:":
            path = Path(database).expanduser()
            self._fd = os.open(f"{path}-wplock", os.O_RDWR | os.O_CREAT, 0o600)

    @contextlib.contextmanager
    def hold(self, timeout_s: float) -> Iterator[None]:
        self._acquire(timeout_s)
        try:
            yield
        finally:
            self._release()

    def _acquire(self, timeout_s: float) -> None:
        deadline = time.monotonic() + timeout_s
        if not self._thread_lock.acquire(timeout=timeout_s):
            raise StoreBusy("database is busy; retry shortly")
        if self._fd is None:
            return
        try:
            while True:
                try:
                    fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    return
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise StoreBusy("database is busy; retry shortly") from None
                    time.sleep(0.001)
        except BaseException:
            self._thread_lock.release()
            raise

    def _release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
        self._thread_lock.release()


_SQLITE_WRITERS: dict[str, _SqliteWriter] = {}
_SQLITE_WRITERS_GUARD = threading.Lock()


def _writer_lock(engine: Engine) -> contextlib.AbstractContextManager[None]:
    if not is_sqlite(engine):
        return contextlib.nullcontext()
    key = str(engine.url.database or "")
    with _SQLITE_WRITERS_GUARD:
        writer = _SQLITE_WRITERS.get(key)
        if writer is None:
            writer = _SQLITE_WRITERS[key] = _SqliteWriter(key)
    timeout_s = float(engine.get_execution_options().get("workprint_busy_timeout_s", 30.0))
    return writer.hold(timeout_s)


@contextlib.contextmanager
def write_tx(engine: Engine) -> Iterator[Connection]:
    """A write transaction; on SQLite it takes the write lock at the start."""
    with _writer_lock(engine), translate_errors(), engine.connect() as conn:
        conn = conn.execution_options(workprint_write=True)
        with conn.begin():
            yield conn


@contextlib.contextmanager
def read_tx(engine: Engine) -> Iterator[Connection]:
    """A read-only unit of work."""
    with translate_errors(), engine.connect() as conn, conn.begin():
        yield conn


@contextlib.contextmanager
def translate_errors() -> Iterator[None]:
    """Turn driver errors into the store's error tree (no SQL or values in the message)."""
    try:
        yield
    except DBAPIError as exc:
        text = str(exc.orig).lower() if exc.orig is not None else ""
        if "locked" in text or "busy" in text:
            raise StoreBusy("database is busy; retry shortly") from exc
        if isinstance(exc, OperationalError) or exc.connection_invalidated:
            raise StoreUnavailable(f"database unavailable ({type(exc.orig).__name__})") from exc
        raise StoreError(f"database error ({type(exc.orig).__name__})") from exc
