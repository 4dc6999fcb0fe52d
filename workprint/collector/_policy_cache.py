"""The active capture policy, read from the store at most once per ``ttl_s``.

Ingest threads, the CORS check and ``GET /v1/policy`` all need the policy; reading it per
request would cost a query each. A new version is seen within ``ttl_s`` seconds.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from sqlalchemy.engine import Engine

from workprint.governance import policies
from workprint.privacy.policy import Policy, normalise_origin


class PolicyCache:
    def __init__(
        self,
        engine: Callable[[], Engine],
        ttl_s: float,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._engine = engine
        self._ttl_s = ttl_s
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._policy: Policy | None = None
        self._origins: frozenset[str] = frozenset()
        self._loaded_at = float("-inf")

    def fresh(self) -> Policy | None:
        """The cached policy if it is still fresh, else ``None`` (call :meth:`get`)."""
        if self._monotonic() - self._loaded_at < self._ttl_s:
            return self._policy
        return None

    def get(self) -> Policy:
        """The active policy; blocks on one store read when the cached one is stale."""
        policy = self.fresh()
        if policy is not None:
            return policy
        with self._lock:
            policy = self.fresh()
            if policy is None:
                policy = policies.load_active(self._engine())
                self._origins = frozenset(
                    normalise_origin(rule.origin)
                    for rule in policy.document.origins
                    if rule.mode != "off"
                )
                self._policy = policy
                self._loaded_at = self._monotonic()
            return policy

    def origin_allowed(self, origin: str) -> bool:
        """Whether browser requests from ``origin`` may be answered (its mode is not off).
        Call :meth:`get` first; this reads the cached set only."""
        try:
            return normalise_origin(origin) in self._origins
        except ValueError:
            return False
