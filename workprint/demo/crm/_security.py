"""Sign-in sessions, CSRF tokens and the sign-in rate limit of the CRM.

Sessions live server-side in ``web_sessions``: the cookie holds a random token, the table
only its SHA-256, so a copy of the database cannot be replayed as a cookie. A visitor gets an
anonymous session on first contact (the sign-in form needs a CSRF token too); signing in
replaces it with a fresh one, so a planted token is worthless. The CSRF token of a form is an
HMAC of the session token under the app's secret key, checked in constant time.
"""

from __future__ import annotations

import collections
import hashlib
import hmac
import math
import secrets
import threading
from dataclasses import dataclass
from typing import Final

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from workprint.core.clock import Clock, to_epoch_ms
from workprint.demo.crm import schema as s
from workprint.demo.crm.schema import writing

COOKIE: Final = "nexus_session"
_LIMITER_KEYS: Final = 10_000
_REFRESH_MS: Final = 60_000


@dataclass(frozen=True, slots=True)
class User:
    """The signed-in person, as pages show them."""

    id: int
    username: str
    full_name: str
    email: str
    title: str


@dataclass(frozen=True, slots=True)
class Visit:
    """One request's view of its session: who (if anyone) and the token its forms carry."""

    token: str
    user: User | None
    csrf: str
    flash: str | None
    new: bool
    """True when this request created the session, so the answer must set the cookie."""


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Sessions:
    """Server-side sessions in the CRM database."""

    def __init__(self, engine: Engine, secret: bytes, clock: Clock, hours: int) -> None:
        self._engine = engine
        self._secret = secret
        self._clock = clock
        self._ttl_ms = hours * 3_600_000

    def csrf_for(self, token: str) -> str:
        """The CSRF token that forms of the session ``token`` must carry."""
        return hmac.new(self._secret, b"csrf:" + token.encode(), hashlib.sha256).hexdigest()

    def csrf_ok(self, token: str, submitted: str) -> bool:
        """True when ``submitted`` is the CSRF token of ``token`` (constant-time compare)."""
        return hmac.compare_digest(self.csrf_for(token), submitted)

    def visit(self, token: str | None) -> Visit:
        """The live session of ``token``, or a new anonymous one when it is missing or stale."""
        now = to_epoch_ms(self._clock.now())
        if token:
            digest = _digest(token)
            with self._engine.connect() as conn:
                row = conn.execute(
                    sa.select(
                        s.web_sessions.c.user_id,
                        s.web_sessions.c.flash,
                        s.web_sessions.c.expires_at,
                    ).where(
                        s.web_sessions.c.token_hash == digest, s.web_sessions.c.expires_at > now
                    )
                ).first()
                user = _load_user(conn, row.user_id) if row and row.user_id is not None else None
            if row is not None:
                # Page views write only to show a message once or to extend the sign-in.
                if row.flash is not None or now + self._ttl_ms - row.expires_at > _REFRESH_MS:
                    with writing(self._engine) as conn:
                        conn.execute(
                            s.web_sessions.update()
                            .where(s.web_sessions.c.token_hash == digest)
                            .values(expires_at=now + self._ttl_ms, flash=None)
                        )
                return Visit(token, user, self.csrf_for(token), row.flash, new=False)
        token = self.start(None)
        return Visit(token, None, self.csrf_for(token), None, new=True)

    def start(self, user_id: int | None, flash: str | None = None) -> str:
        """A new session (anonymous when ``user_id`` is None); returns its cookie token."""
        token = secrets.token_urlsafe(32)
        now = to_epoch_ms(self._clock.now())
        with writing(self._engine) as conn:
            conn.execute(
                s.web_sessions.insert().values(
                    token_hash=_digest(token),
                    user_id=user_id,
                    flash=flash,
                    created_at=now,
                    expires_at=now + self._ttl_ms,
                )
            )
            if user_id is not None:
                conn.execute(s.web_sessions.delete().where(s.web_sessions.c.expires_at <= now))
        return token

    def end(self, token: str) -> None:
        """Forget the session of ``token`` (sign-out)."""
        with writing(self._engine) as conn:
            conn.execute(
                s.web_sessions.delete().where(s.web_sessions.c.token_hash == _digest(token))
            )

    def end_others(self, user_id: int, keep: str) -> None:
        """Sign the person out everywhere but the session ``keep`` (after a password change)."""
        with writing(self._engine) as conn:
            conn.execute(
                s.web_sessions.delete().where(
                    s.web_sessions.c.user_id == user_id,
                    s.web_sessions.c.token_hash != _digest(keep),
                )
            )

    def flash(self, token: str, message: str) -> None:
        """Show ``message`` once, on the next page this session loads."""
        with writing(self._engine) as conn:
            conn.execute(
                s.web_sessions.update()
                .where(s.web_sessions.c.token_hash == _digest(token))
                .values(flash=message[:200])
            )


def _load_user(conn: sa.Connection, user_id: int) -> User | None:
    row = conn.execute(
        sa.select(
            s.users.c.id, s.users.c.username, s.users.c.full_name, s.users.c.email, s.users.c.title
        ).where(s.users.c.id == user_id)
    ).first()
    if row is None:
        return None
    return User(row.id, row.username, row.full_name, row.email, row.title)


class LoginLimiter:
    """At most ``limit`` failed sign-ins per username in any ``window_s`` seconds."""

    def __init__(self, clock: Clock, limit: int, window_s: float = 60.0) -> None:
        self._clock = clock
        self._limit = limit
        self._window = window_s
        self._failures: dict[str, collections.deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str) -> collections.deque[float]:
        now = self._clock.monotonic()
        times = self._failures.get(key, collections.deque())
        while times and now - times[0] >= self._window:
            times.popleft()
        return times

    def retry_after(self, username: str) -> int:
        """Seconds until ``username`` may try again; 0 when it may try now."""
        with self._lock:
            times = self._recent(username.casefold())
            if len(times) < self._limit:
                return 0
            return max(1, math.ceil(times[0] + self._window - self._clock.monotonic()))

    def failed(self, username: str) -> None:
        """Count one failed sign-in for ``username``."""
        key = username.casefold()
        with self._lock:
            times = self._recent(key)
            times.append(self._clock.monotonic())
            self._failures[key] = times
            if len(self._failures) > _LIMITER_KEYS:
                stale = [k for k in self._failures if not self._recent(k)]
                for k in stale:
                    del self._failures[k]
                while len(self._failures) > _LIMITER_KEYS:
                    del self._failures[next(iter(self._failures))]

    def succeeded(self, username: str) -> None:
        """Forget the failures of ``username`` after a good sign-in."""
        with self._lock:
            self._failures.pop(username.casefold(), None)
