"""Shared fixtures: a migrated store on every backend, enrolled devices, the collector app.

Backends: ``sqlite`` always; ``postgres`` against the server named by ``WORKPRINT_TEST_PG_URL``
(default ``postgresql://postgres@127.0.0.1:5432/test``), each test in a schema of its own.
A postgres test skips only when that server is truly unreachable, and fails instead when
``WORKPRINT_TEST_STRICT=1`` (set by CI), so CI can never skip it silently.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from starlette.testclient import TestClient

from workprint.collector.admin import Enrollment, enroll
from workprint.collector.app import create_app
from workprint.collector.config import CollectorConfig
from workprint.demo.workload import WORKLOAD_ORIGIN
from workprint.governance import policies
from workprint.governance.consent import Purpose
from workprint.store import migrate
from workprint.store.engine import create_engine

PG_URL = os.environ.get("WORKPRINT_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")
STRICT = os.environ.get("WORKPRINT_TEST_STRICT") == "1"


def _pg_available() -> str | None:
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return "psycopg is not installed (pip install 'workprint[postgres]')"
    try:
        eng = sa.create_engine(PG_URL.replace("postgresql://", "postgresql+psycopg://"))
        with eng.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
        eng.dispose()
    except Exception as exc:  # noqa: BLE001 - any failure means "not reachable"
        return f"PostgreSQL not reachable at {PG_URL}: {type(exc).__name__}"
    return None


_PG_PROBLEM: str | bool | None = False


def require_postgres() -> None:
    global _PG_PROBLEM
    if _PG_PROBLEM is False:
        _PG_PROBLEM = _pg_available()
    if _PG_PROBLEM:
        if STRICT:
            pytest.fail(f"postgres required in strict mode: {_PG_PROBLEM}")
        pytest.skip(str(_PG_PROBLEM))


def pg_schema_url() -> Iterator[str]:
    """A URL whose connections use a fresh schema; dropped afterwards."""
    require_postgres()
    schema = f"wp_{secrets.token_hex(6)}"
    admin = sa.create_engine(PG_URL.replace("postgresql://", "postgresql+psycopg://"))
    with admin.begin() as conn:
        conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
    sep = "&" if "?" in PG_URL else "?"
    try:
        yield f"{PG_URL}{sep}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database URL on each backend (empty, not migrated)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'workprint.db'}"
    else:
        yield from pg_schema_url()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'workprint.db'}"


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    eng = create_engine(db_url)
    migrate.upgrade(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def enrolled(engine: Engine) -> Enrollment:
    """A device whose person has a live capture grant, under a policy that allows the tool
    the generated workload claims to come from."""
    policies.allow(engine, WORKLOAD_ORIGIN, "redacted", actor="test")
    return enroll(engine, "emp001", purposes=[Purpose.CAPTURE])


@pytest.fixture
def client(engine: Engine) -> Iterator[TestClient]:
    app = create_app(CollectorConfig(policy_cache_s=0), engine=engine)
    with TestClient(app) as c:
        yield c


def auth(e: Enrollment) -> dict[str, str]:
    return {"Authorization": f"Bearer {e.token}"}
