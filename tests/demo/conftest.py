"""Fixtures for the Nexus CRM tests: a seeded database (seeded once, copied per test), an
in-process client on a fake clock, and functions to sign in and read CSRF tokens."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from workprint.core.clock import FakeClock
from workprint.demo.crm import schema
from workprint.demo.crm.app import create_crm_app
from workprint.demo.crm.config import CrmConfig
from workprint.demo.crm.seed import DEMO_PASSWORD, seed_database

SEED = 7
_CSRF = re.compile(r'name="csrf_token" value="([0-9a-f]+)"')


@pytest.fixture(scope="session")
def seeded_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One database seeded with the default seed and team; tests get copies of it."""
    path = tmp_path_factory.mktemp("crm-template") / "crm.db"
    engine = schema.open_engine(path)
    seed_database(engine, SEED, 12)
    engine.dispose()  # the last connection closing folds the WAL into the file
    assert not Path(f"{path}-wal").exists()
    return path


@pytest.fixture
def crm_db(tmp_path: Path, seeded_template: Path) -> Path:
    path = tmp_path / "crm.db"
    shutil.copyfile(seeded_template, path)
    return path


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def client(crm_db: Path, clock: FakeClock) -> Iterator[TestClient]:
    app = create_crm_app(CrmConfig(db_path=crm_db, secret_key="test-secret"), clock=clock)
    with TestClient(app, follow_redirects=False) as c:
        yield c
    app.state.crm.engine.dispose()


def csrf_of(html: str) -> str:
    match = _CSRF.search(html)
    assert match, "the page has no form with a CSRF token"
    return match.group(1)


def sign_in(client: TestClient, username: str = "alice", password: str = DEMO_PASSWORD) -> str:
    """Sign in through the form; returns the CSRF token of the new session."""
    page = client.get("/login")
    r = client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": csrf_of(page.text)},
    )
    assert r.status_code == 303, r.text
    return csrf_of(client.get("/settings").text)


@pytest.fixture
def alice(client: TestClient) -> str:
    """``client`` signed in as alice; the value is the session's CSRF token."""
    return sign_in(client)
