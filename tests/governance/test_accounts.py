"""Accounts, roles, passwords, API tokens and portal sessions, over every backend."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from tests.governance._seed import T0_MS
from workprint.governance import accounts, sessions
from workprint.governance.accounts import HashParams, Passwords, Role
from workprint.governance.errors import AccountInvalid, AccountUnknown
from workprint.store.engine import read_tx, write_tx
from workprint.store.schema import accounts as accounts_table
from workprint.store.schema import api_tokens, login_failures

CHEAP = Passwords(HashParams(time_cost=1, memory_kib=8, parallelism=1))
LIMITS = sessions.SessionLimits(idle_ms=30 * 60_000, max_ms=12 * 3_600_000)


def _add(engine: Engine, name: str, role: Role, person: str | None = None) -> accounts.Account:
    with write_tx(engine) as conn:
        return accounts.create_account(
            conn,
            name,
            role,
            password_hash=CHEAP.hash("a long passphrase"),
            person_id=person,
            at_ms=T0_MS,
            actor="test",
        )


def test_passwords_are_argon2id_and_verified() -> None:
    stored = CHEAP.hash("correct horse battery")
    assert stored.startswith("$argon2id$")
    assert CHEAP.verify(stored, "correct horse battery")
    assert not CHEAP.verify(stored, "correct horse battery!")
    assert not CHEAP.verify(None, "correct horse battery")
    assert not CHEAP.verify("not a hash", "x")


@pytest.mark.parametrize("password", ["short", "x" * 1025], ids=["too-short", "too-long"])
def test_password_rules(password: str) -> None:
    with pytest.raises(AccountInvalid):
        CHEAP.hash(password)


@pytest.mark.parametrize(
    ("name", "role", "person"),
    [
        ("Bad Name", Role.ADMIN, None),
        ("", Role.ADMIN, None),
        ("emp", Role.EMPLOYEE, None),
        ("po", Role.PRIVACY_OFFICER, "emp001"),
    ],
    ids=["space-in-name", "empty-name", "employee-without-person", "officer-with-person"],
)
def test_account_rules(engine: Engine, name: str, role: Role, person: str | None) -> None:
    with pytest.raises(AccountInvalid), write_tx(engine) as conn:
        accounts.create_account(
            conn, name, role, password_hash=None, person_id=person, at_ms=T0_MS, actor="t"
        )


def test_usernames_are_unique_and_case_insensitive(engine: Engine) -> None:
    _add(engine, "Ada", Role.ADMIN)
    with pytest.raises(AccountInvalid, match="taken"):
        _add(engine, "ada", Role.RESEARCHER)
    with read_tx(engine) as conn:
        found = accounts.find(conn, "ADA")
    assert found is not None and found[0].role is Role.ADMIN


def test_an_employee_account_creates_its_person(engine: Engine) -> None:
    made = _add(engine, "emp001", Role.EMPLOYEE, "emp001")
    assert made.person_id == "emp001"
    with read_tx(engine) as conn:
        accounts.require_person(conn, "emp001")


def test_api_tokens_carry_the_role_and_stop_working(engine: Engine) -> None:
    _add(engine, "res", Role.RESEARCHER)
    with write_tx(engine) as conn:
        token_id, token = accounts.issue_token(
            conn, "res", "nightly", at_ms=T0_MS, expires_at_ms=T0_MS + 1000, actor="t"
        )
        stored = list(conn.execute(sa.select(api_tokens.c.token_hash)).scalars())
    assert token.startswith("wpa_") and token.encode() not in [bytes(s) for s in stored]
    found = accounts.token_account(engine, token, T0_MS)
    assert found is not None and found.role is Role.RESEARCHER
    assert accounts.token_account(engine, token, T0_MS + 1000) is None  # expired
    assert accounts.token_account(engine, token + "x", T0_MS) is None
    with write_tx(engine) as conn:
        assert accounts.revoke_token(conn, token_id, at_ms=T0_MS, actor="t")
    assert accounts.token_account(engine, token, T0_MS) is None


def test_disabling_ends_sessions_and_tokens(engine: Engine) -> None:
    made = _add(engine, "po", Role.PRIVACY_OFFICER)
    with write_tx(engine) as conn:
        session = sessions.open_session(conn, made, now_ms=T0_MS, limits=LIMITS)
        _, token = accounts.issue_token(conn, "po", "s", at_ms=T0_MS, expires_at_ms=None, actor="t")
    assert sessions.session_account(engine, session, now_ms=T0_MS, limits=LIMITS) == made
    with write_tx(engine) as conn:
        accounts.disable(conn, "po", at_ms=T0_MS, actor="t")
    assert sessions.session_account(engine, session, now_ms=T0_MS, limits=LIMITS) is None
    assert accounts.token_account(engine, token, T0_MS) is None
    with pytest.raises(AccountUnknown), write_tx(engine) as conn:
        accounts.disable(conn, "po", at_ms=T0_MS, actor="t")


@pytest.mark.parametrize(
    ("after_ms", "alive"),
    [(29 * 60_000, True), (31 * 60_000, False)],
    ids=["within-idle-limit", "idle-too-long"],
)
def test_sessions_end_when_idle(engine: Engine, after_ms: int, alive: bool) -> None:
    made = _add(engine, "po", Role.PRIVACY_OFFICER)
    with write_tx(engine) as conn:
        token = sessions.open_session(conn, made, now_ms=T0_MS, limits=LIMITS)
    found = sessions.session_account(engine, token, now_ms=T0_MS + after_ms, limits=LIMITS)
    assert (found is not None) is alive


def test_sessions_end_at_their_maximum_however_busy(engine: Engine) -> None:
    made = _add(engine, "po", Role.PRIVACY_OFFICER)
    with write_tx(engine) as conn:
        token = sessions.open_session(conn, made, now_ms=T0_MS, limits=LIMITS)
    step = 20 * 60_000
    alive_until = 0
    for i in range(1, 60):  # a request every 20 minutes, for up to 20 hours
        if sessions.session_account(engine, token, now_ms=T0_MS + i * step, limits=LIMITS) is None:
            break
        alive_until = i * step
    assert 11 * 3_600_000 < alive_until < 12 * 3_600_000


def test_login_rate_limit_counts_per_user_and_address(engine: Engine) -> None:
    limits = sessions.LoginLimits(window_ms=15 * 60_000, per_user=3, per_address=5)
    keys = sessions.login_keys(engine, "Ada", "10.0.0.1")
    assert keys == sessions.login_keys(engine, " ada ", "10.0.0.1")
    for i in range(3):
        assert sessions.retry_after_s(engine, keys, now_ms=T0_MS + i, limits=limits) == 0
        sessions.record_failure(engine, keys, now_ms=T0_MS + i)
    wait = sessions.retry_after_s(engine, keys, now_ms=T0_MS + 10, limits=limits)
    assert 890 <= wait <= 900
    assert sessions.retry_after_s(engine, keys, now_ms=T0_MS + 15 * 60_000 + 1, limits=limits) == 0
    with read_tx(engine) as conn:
        stored = [bytes(k) for k in conn.execute(sa.select(login_failures.c.key_hash)).scalars()]
    assert all(b"ada" not in k for k in stored)
    sessions.clear_failures(engine, keys[0])
    assert sessions.retry_after_s(engine, keys, now_ms=T0_MS + 10, limits=limits) == 0


def test_account_rows_never_hold_a_password(engine: Engine) -> None:
    _add(engine, "po", Role.PRIVACY_OFFICER)
    with read_tx(engine) as conn:
        row = conn.execute(sa.select(accounts_table)).one()
    assert "a long passphrase" not in str(tuple(row))
