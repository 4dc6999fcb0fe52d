"""Signed-in portal sessions, their CSRF tokens, and the sign-in rate limit.

A session token is 32 random bytes in a cookie; the store keeps its SHA-256, so a copy of the
database cannot be replayed as a cookie. A session ends after ``idle_ms`` without a request
or ``max_ms`` after sign-in, whichever comes first. The CSRF token of a session's forms is an
HMAC of the session token under a server key, compared in constant time.

Failed sign-ins are counted per username and per client address in a sliding window, across
every worker process (they live in the store). Keys are HMACs under a server key: a password
typed into the username field by mistake is never stored.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from workprint.governance import audit
from workprint.governance.accounts import Account, Role, by_id
from workprint.store.engine import read_tx, write_tx
from workprint.store.keys import server_key
from workprint.store.schema import login_failures, portal_sessions

CSRF_KEY = "portal-csrf"
LOGIN_KEY = "portal-login"
_TOUCH_MS = 60_000
"""``last_seen_ms`` is written at most once a minute per session."""


@dataclass(frozen=True, slots=True)
class SessionLimits:
    idle_ms: int
    max_ms: int


@dataclass(frozen=True, slots=True)
class LoginLimits:
    window_ms: int
    per_user: int
    per_address: int


def _digest(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


def open_session(conn: Connection, account: Account, *, now_ms: int, limits: SessionLimits) -> str:
    """Start a session for ``account``; returns the cookie value (shown to nobody else)."""
    token = secrets.token_urlsafe(32)
    conn.execute(
        portal_sessions.insert().values(
            session_hash=_digest(token),
            account_id=account.account_id,
            created_at_ms=now_ms,
            last_seen_ms=now_ms,
            expires_at_ms=now_ms + limits.max_ms,
        )
    )
    if account.role is not Role.EMPLOYEE:
        # Privileged sign-ins are audited; employees' are not: when a person looks at their
        # own data is nobody else's business (the purpose lock).
        audit.append(
            conn,
            at_ms=now_ms,
            actor=account.username,
            action="account.login",
            subject=account.username,
            details={"role": account.role.value},
        )
    return token


def session_account(
    engine: Engine, token: str, *, now_ms: int, limits: SessionLimits
) -> Account | None:
    """The account of a live session, or None (unknown, idle too long, or past its end)."""
    digest = _digest(token)
    with read_tx(engine) as conn:
        row = conn.execute(
            sa.select(
                portal_sessions.c.account_id,
                portal_sessions.c.last_seen_ms,
                portal_sessions.c.expires_at_ms,
            ).where(portal_sessions.c.session_hash == digest)
        ).first()
        if row is None:
            return None
        if now_ms >= row.expires_at_ms or now_ms - row.last_seen_ms > limits.idle_ms:
            account = None
        else:
            account = by_id(conn, row.account_id)
    if account is None:
        with write_tx(engine) as conn:
            conn.execute(portal_sessions.delete().where(portal_sessions.c.session_hash == digest))
        return None
    if now_ms - row.last_seen_ms >= _TOUCH_MS:
        with write_tx(engine) as conn:
            conn.execute(
                portal_sessions.update()
                .where(portal_sessions.c.session_hash == digest)
                .values(last_seen_ms=now_ms)
            )
    return account


def close_session(conn: Connection, token: str) -> None:
    conn.execute(portal_sessions.delete().where(portal_sessions.c.session_hash == _digest(token)))


def purge_sessions(conn: Connection, *, now_ms: int, limits: SessionLimits) -> int:
    """Delete sessions that have ended; returns how many."""
    result = conn.execute(
        portal_sessions.delete().where(
            (portal_sessions.c.expires_at_ms <= now_ms)
            | (portal_sessions.c.last_seen_ms < now_ms - limits.idle_ms)
        )
    )
    return int(result.rowcount)


def csrf_token(engine: Engine, session_token: str) -> str:
    """The CSRF token that forms of this session carry."""
    key = server_key(engine, CSRF_KEY)
    return hmac.new(key, b"csrf:" + session_token.encode(), hashlib.sha256).hexdigest()


def csrf_ok(engine: Engine, session_token: str, submitted: str) -> bool:
    return hmac.compare_digest(csrf_token(engine, session_token), submitted)


# ---------------------------------------------------------------------------- rate limit


def login_keys(engine: Engine, username: str, address: str) -> tuple[bytes, bytes]:
    """The rate-limit keys of a sign-in attempt: (per username, per client address)."""
    key = server_key(engine, LOGIN_KEY)
    user = hmac.new(key, b"user:" + username.strip().lower().encode(), hashlib.sha256).digest()
    addr = hmac.new(key, b"addr:" + address.encode(), hashlib.sha256).digest()
    return user, addr


def retry_after_s(
    engine: Engine, keys: tuple[bytes, bytes], *, now_ms: int, limits: LoginLimits
) -> int:
    """Seconds until another attempt is allowed, or 0 when one is allowed now."""
    since = now_ms - limits.window_ms
    wait = 0
    with read_tx(engine) as conn:
        for key, most in zip(keys, (limits.per_user, limits.per_address), strict=True):
            times = list(
                conn.execute(
                    sa.select(login_failures.c.at_ms)
                    .where((login_failures.c.key_hash == key) & (login_failures.c.at_ms > since))
                    .order_by(login_failures.c.at_ms.desc())
                    .limit(most)
                ).scalars()
            )
            if len(times) >= most:
                # Allowed again when the oldest of the last ``most`` failures leaves the window.
                wait = max(wait, (times[-1] + limits.window_ms - now_ms + 999) // 1000)
    return max(wait, 0)


def record_failure(engine: Engine, keys: tuple[bytes, bytes], *, now_ms: int) -> None:
    with write_tx(engine) as conn:
        conn.execute(login_failures.insert(), [{"key_hash": k, "at_ms": now_ms} for k in keys])


def clear_failures(engine: Engine, user_key: bytes) -> None:
    """Forget the username's failures after a successful sign-in (the address keeps its)."""
    with write_tx(engine) as conn:
        conn.execute(login_failures.delete().where(login_failures.c.key_hash == user_key))


def purge_failures(conn: Connection, *, now_ms: int, limits: LoginLimits) -> int:
    result = conn.execute(
        login_failures.delete().where(login_failures.c.at_ms <= now_ms - limits.window_ms)
    )
    return int(result.rowcount)
