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
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

import msgspec
import sqlalchemy as sa
from sqlalchemy import event as sa_event
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError

from workprint.store.errors import StoreBusy, StoreError, StoreUnavailable, StoreUrlInvalid

Synchronous = Literal["FULL", "NORMAL"]


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
) -> Engine:
    """An engine for ``url`` with Workprint's connection settings.

    ``busy_timeout_ms`` is how long a SQLite writer waits for the write lock before the
    operation fails as :class:`StoreBusy` (the collector answers 503 with Retry-After).
    """
    parsed = normalise_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(parsed, synchronous, busy_timeout_ms)
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


def _sqlite_engine(parsed: sa.URL, synchronous: Synchronous, busy_timeout_ms: int) -> Engine:
    database = parsed.database or ""
    if database and database != ":memory:":
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(
        parsed,
        json_serializer=_json_text,
        json_deserializer=_json_value,
        connect_args={"check_same_thread": False, "timeout": busy_timeout_ms / 1000},
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
        cur.execute("PRAGMA cache_size=-65536")
        cur.close()

    @sa_event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        immediate = conn.get_execution_options().get("workprint_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def is_sqlite(engine: Engine | Connection) -> bool:
    return engine.dialect.name == "sqlite"


@contextlib.contextmanager
def write_tx(engine: Engine) -> Iterator[Connection]:
    """A write transaction; on SQLite it takes the write lock at the start."""
    with translate_errors(), engine.connect() as conn:
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
