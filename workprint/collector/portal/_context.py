"""What every portal route needs: the store, the renderer, the clock and the settings."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from fastapi import Request
from sqlalchemy.engine import Connection, Engine

from workprint.collector.portal._web import Web
from workprint.collector.portal.config import PortalConfig
from workprint.core.clock import Clock, to_epoch_ms
from workprint.governance.accounts import Passwords
from workprint.governance.config import RetentionConfig
from workprint.store.engine import read_tx, write_tx


@dataclass(frozen=True)
class Portal:
    db: Callable[[], Engine]
    web: Web
    clock: Clock
    config: PortalConfig
    retention: RetentionConfig
    passwords: Passwords

    def now(self) -> int:
        return to_epoch_ms(self.clock.now())

    @contextmanager
    def write(self) -> Iterator[Connection]:
        with write_tx(self.db()) as conn:
            yield conn

    @contextmanager
    def read(self) -> Iterator[Connection]:
        with read_tx(self.db()) as conn:
            yield conn

    def client_address(self, request: Request) -> str:
        if self.config.trust_proxy_headers:
            forwarded = request.headers.get("x-forwarded-for", "")
            first = forwarded.split(",")[0].strip()
            if first:
                return first
        return request.client.host if request.client else "unknown"

    def is_https(self, request: Request) -> bool:
        if self.config.cookie_secure == "always":
            return True
        if self.config.trust_proxy_headers:
            proto = request.headers.get("x-forwarded-proto", "").split(",")[0].strip()
            if proto:
                return proto == "https"
        return request.url.scheme == "https"

    def cookie_path(self, request: Request) -> str:
        return request.scope.get("root_path", "").rstrip("/") or "/"
