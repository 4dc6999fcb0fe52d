"""The portal mounted in the collector app as the lead mounts it, with one account per role.

Sessions are opened directly in the store (fast); ``test_login.py`` covers the sign-in form.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi import FastAPI
from sqlalchemy.engine import Engine
from starlette.testclient import TestClient

from tests.governance import _seed
from workprint.collector.admin import Enrollment
from workprint.collector.app import create_app
from workprint.collector.config import CollectorConfig
from workprint.collector.portal import PortalConfig, create_portal
from workprint.collector.portal._access import SESSION_COOKIE
from workprint.core.clock import FakeClock
from workprint.governance import accounts, sessions
from workprint.governance.accounts import Passwords, Role
from workprint.governance.consent import Purpose
from workprint.store.engine import write_tx

PASSWORD = "correct horse battery staple"
CONFIG = PortalConfig(argon2_time_cost=1, argon2_memory_kib=8, argon2_parallelism=1)
USERS = {
    Role.EMPLOYEE: "emp001",
    Role.PRIVACY_OFFICER: "olivia",
    Role.ADMIN: "adam",
    Role.RESEARCHER: "rosa",
}


@dataclass
class Site:
    """A running app, its store and clock, and a client that can act as any role."""

    app: FastAPI
    client: TestClient
    engine: Engine
    clock: FakeClock
    employee: Enrollment
    tmp: Path
    tokens: dict[Role, str] = field(default_factory=dict)

    def now(self) -> int:
        from workprint.core.clock import to_epoch_ms

        return to_epoch_ms(self.clock.now())

    def sign_in(self, role: Role | None) -> str | None:
        """Open a fresh session for ``role`` and use it (None: nobody)."""
        self.client.cookies.clear()
        if role is None:
            return None
        with write_tx(self.engine) as conn:
            found = accounts.find(conn, USERS[role])
            assert found is not None, f"no account for {role}"
            token = sessions.open_session(conn, found[0], now_ms=self.now(), limits=CONFIG.sessions)
        self.client.cookies.set(SESSION_COOKIE, token)
        self.tokens[role] = token
        return token

    def csrf(self, role: Role) -> str:
        return sessions.csrf_token(self.engine, self.tokens[role])

    def api_token(self, role: Role) -> str:
        with write_tx(self.engine) as conn:
            _, token = accounts.issue_token(
                conn, USERS[role], "test", at_ms=self.now(), expires_at_ms=None, actor="test"
            )
        return token


def make_site(engine: Engine, tmp: Path) -> Iterator[Site]:
    clock = FakeClock(_seed.T0 + timedelta(days=1))
    app = create_app(CollectorConfig(policy_cache_s=0), engine=engine, clock=clock)
    app.mount("/portal", create_portal(lambda: engine, CONFIG, clock=clock))
    employee = _seed.person(engine, USERS[Role.EMPLOYEE], Purpose.CAPTURE)
    hashed = Passwords(CONFIG.hashing).hash(PASSWORD)
    with write_tx(engine) as conn:
        for role, name in USERS.items():
            accounts.create_account(
                conn,
                name,
                role,
                password_hash=hashed,
                person_id=name if role is Role.EMPLOYEE else None,
                at_ms=0,
                actor="test",
            )
    with TestClient(app, follow_redirects=False) as client:
        yield Site(app, client, engine, clock, employee, tmp)


@pytest.fixture
def site(engine: Engine, tmp_path: Path) -> Iterator[Site]:
    yield from make_site(engine, tmp_path)
