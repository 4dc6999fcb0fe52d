"""Redaction again at the collector (defence in depth), under the active policy.

Capturers redact before anything touches their disk; the collector runs the same engine once
more before the store, with what capturers do not have: the name deny-list (the directory of
employees and customers is never sent to devices or browsers) and the policy as it is now.
An event whose context the policy sets to ``off`` is not stored at all.

Placeholders made here are numbered from a keyed digest of the value (``<PERSON_4821>``),
not in order of appearance: every worker process, restart and re-sent batch names the same
value in the same session alike without sharing state, and numbers from 1000 up never meet
the small ordinal numbers capturers give (``<EMAIL_1>``). The key is a server key of the store.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from workprint.core.events import Event
from workprint.privacy.detectors import Detector, default_detectors
from workprint.privacy.policy import Policy
from workprint.privacy.redact import Vault, Vaults, redact_or_gap
from workprint.store.engine import read_tx
from workprint.store.keys import server_key
from workprint.store.schema import people

log = logging.getLogger(__name__)

KEY_NAME = "collector.redaction"


class KeyedVault(Vault):
    """Placeholder numbers from a keyed digest: stateless, so consistent across processes."""

    def placeholder(self, entity: str, value: str) -> str:
        digest = hmac.new(self._key, f"{entity}\0{value}".encode(), hashlib.sha256).digest()
        return f"<{entity}_{1000 + int.from_bytes(digest[:4], 'big') % 9000}>"


class KeyedVaults(Vaults):
    """The collector's vaults: memory bounded whatever the number of devices and sessions.

    Keyed placeholders need no state, so a session's vault dropped under pressure costs
    only the detector runs it saved. At most ``budget`` remembered results in all sessions
    together (each holds a text or a struct and what redaction made of it, a few hundred
    bytes), ``memo_size`` in one session, and ``clean_size`` in the set of results shared
    by all sessions."""

    def __init__(
        self,
        key: bytes,
        *,
        capacity: int = 1024,
        memo_size: int = 5_000,
        budget: int = 100_000,
        clean_size: int = 100_000,
    ) -> None:
        super().__init__(key, capacity, clean_size=clean_size, budget=budget)
        self._memo_size = memo_size

    def _new_vault(self, session_key: bytes) -> Vault:
        return KeyedVault(session_key, memo_size=self._memo_size)


def directory_names(engine: Engine, sources: Iterable[str]) -> list[str]:
    """Names of the deny-list sources a policy names: ``store:people`` (display names of
    enrolled people) and ``file:PATH`` (one name per line). A missing file is logged by
    position only and skipped: a typo must not stop ingest."""
    names: list[str] = []
    for index, source in enumerate(sources):
        kind, _, arg = source.partition(":")
        if kind == "store" and arg == "people":
            with read_tx(engine) as conn:
                names.extend(
                    str(n)
                    for n in conn.execute(
                        sa.select(people.c.display_name).where(people.c.display_name.is_not(None))
                    ).scalars()
                )
        elif kind == "file":
            try:
                text = Path(arg).read_text(encoding="utf-8")
            except OSError:
                log.warning("deny-list source %d unreadable; skipped", index)
                continue
            names.extend(line.strip() for line in text.splitlines() if line.strip())
    return names


def _file_states(sources: Iterable[str]) -> tuple[tuple[int, int] | None, ...]:
    """(size, modification time) of each ``file:`` source, ``None`` where it is missing."""
    states: list[tuple[int, int] | None] = []
    for source in sources:
        kind, _, arg = source.partition(":")
        if kind == "file":
            try:
                st = os.stat(arg)
            except OSError:
                states.append(None)
            else:
                states.append((st.st_size, st.st_mtime_ns))
    return tuple(states)


class CollectorRedactor:
    """``event -> event | None`` for :func:`workprint.collector.ingest.prepare`.

    ``policy`` is called for every batch-sized piece of work and should be cheap (a cache).
    Detectors are rebuilt when the policy version changes, when a ``file:`` source of the
    deny-list changes (its size and modification time are looked at every ``watch_s``), and
    otherwise every ``refresh_s`` (``store:people``): a name a directory sync writes is
    redacted within about a second, a newly enrolled person within ``refresh_s``.
    """

    def __init__(
        self,
        engine: Engine,
        policy: Callable[[], Policy],
        key: bytes | None = None,
        *,
        refresh_s: float = 60.0,
        watch_s: float = 1.0,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._engine = engine
        self._policy = policy
        self._vaults: KeyedVaults | None = None if key is None else KeyedVaults(key)
        self._refresh_s = refresh_s
        self._watch_s = watch_s
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._detectors: tuple[Detector, ...] = ()
        self._names: list[str] = []
        self._built_for: tuple[int, float] = (-1, 0.0)
        self._files: tuple[tuple[int, int] | None, ...] = ()
        self._watched_at = 0.0
        self.errors = 0

    def detectors(self, policy: Policy) -> tuple[Detector, ...]:
        version, at = self._built_for
        now = self._monotonic()
        sources = policy.document.deny_list.sources
        stale = version != policy.version or now - at > self._refresh_s
        if not stale and now - self._watched_at >= self._watch_s:
            self._watched_at = now
            stale = _file_states(sources) != self._files
        if stale:
            with self._lock:
                if self._built_for == (version, at):
                    # Looked at before reading, so a change made during the read is seen next.
                    files = _file_states(sources)
                    names = directory_names(self._engine, sources)
                    # The same names give the same detectors: keeping the object keeps what
                    # redaction remembered under it (results are keyed by the detectors).
                    if not self._detectors or names != self._names:
                        self._detectors = default_detectors(names)
                        self._names = names
                    self._files = files
                    self._watched_at = now
                    self._built_for = (policy.version, now)
        return self._detectors

    def vaults(self) -> KeyedVaults:
        """The session vaults, keyed by the store's redaction key (read on first use)."""
        if self._vaults is None:
            with self._lock:
                if self._vaults is None:
                    self._vaults = KeyedVaults(server_key(self._engine, KEY_NAME))
        return self._vaults

    def __call__(self, event: Event) -> Event | None:
        policy = self._policy()
        return redact_or_gap(
            event,
            policy,
            detectors=self.detectors(policy),
            vaults=self.vaults(),
            on_error=self._failed,
        )

    def _failed(self, exc: BaseException) -> None:
        self.errors += 1
        log.error("redaction failed (%s); event replaced by a gap", type(exc).__name__)
