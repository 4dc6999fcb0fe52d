"""Settings of the people's portal (section ``[portal]``, env ``WORKPRINT_PORTAL__*``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from workprint.governance.accounts import HashParams
from workprint.governance.sessions import LoginLimits, SessionLimits


@dataclass(frozen=True, slots=True)
class PortalConfig:
    session_idle_minutes: int = 30
    """A portal session ends after this many minutes without a request."""
    session_max_hours: int = 12
    """A portal session ends this many hours after sign-in, however busy."""
    cookie_secure: Literal["auto", "always"] = "auto"
    """``auto`` marks the session cookie Secure when the request came over HTTPS; ``always``
    marks it Secure everywhere (set this behind a TLS proxy that forwards plain HTTP)."""
    trust_proxy_headers: bool = False
    """Take the client address and scheme from ``X-Forwarded-For`` / ``X-Forwarded-Proto``
    (only behind a proxy that sets them; otherwise anyone could forge them)."""
    login_window_minutes: int = 15
    """Sliding window of the sign-in rate limit."""
    login_max_failures: int = 5
    """Failed sign-ins per username within the window before further tries get 429."""
    login_max_failures_per_address: int = 50
    """Failed sign-ins per client address within the window before further tries get 429."""
    argon2_time_cost: int = 3
    """argon2id passes over memory when hashing a portal password."""
    argon2_memory_kib: int = 65536
    """argon2id memory per password hash, in KiB."""
    argon2_parallelism: int = 4
    """argon2id lanes per password hash."""
    timeline_page_size: int = 100
    """Events per page of a person's timeline."""

    def __post_init__(self) -> None:
        if self.session_idle_minutes < 1 or self.session_max_hours < 1:
            raise ValueError("portal sessions last at least a minute")
        if self.login_max_failures < 1 or self.login_max_failures_per_address < 1:
            raise ValueError("the sign-in rate limit needs at least one try")
        if not 1 <= self.timeline_page_size <= 500:
            raise ValueError("timeline_page_size must be between 1 and 500")

    @property
    def sessions(self) -> SessionLimits:
        return SessionLimits(
            idle_ms=self.session_idle_minutes * 60_000, max_ms=self.session_max_hours * 3_600_000
        )

    @property
    def logins(self) -> LoginLimits:
        return LoginLimits(
            window_ms=self.login_window_minutes * 60_000,
            per_user=self.login_max_failures,
            per_address=self.login_max_failures_per_address,
        )

    @property
    def hashing(self) -> HashParams:
        return HashParams(self.argon2_time_cost, self.argon2_memory_kib, self.argon2_parallelism)
