"""Who may use which portal route: one table, checked in one place.

:data:`ACCESS` maps every route name to the roles allowed on it (or marks it public).
:func:`authorize` runs before every route of the portal (an app-wide dependency): it finds
the caller (an API token in ``Authorization: Bearer``, else the session cookie), refuses
anyone the table does not list for the route, and checks the CSRF token of every form a
session sends. A route missing from the table is refused: a test fails on any route that is
not in it, and tries every route as every role and as nobody.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

import anyio
from fastapi import Request
from sqlalchemy.engine import Engine

from workprint.collector.portal.errors import CsrfInvalid, Forbidden, LoginRequired
from workprint.core.clock import Clock, to_epoch_ms
from workprint.governance import accounts, sessions
from workprint.governance.accounts import Account, Role
from workprint.governance.sessions import SessionLimits

log = logging.getLogger(__name__)

SESSION_COOKIE: Final = "wp_portal"
CSRF_FIELD: Final = "csrf_token"

PUBLIC: Final[frozenset[Role]] = frozenset()
"""Marker: the route needs no account (sign-in form, style sheet)."""
ANYONE: Final = frozenset(Role)
EMPLOYEE: Final = frozenset({Role.EMPLOYEE})
OFFICER: Final = frozenset({Role.PRIVACY_OFFICER})
ADMIN: Final = frozenset({Role.ADMIN})
RESEARCHER: Final = frozenset({Role.RESEARCHER})
AGGREGATE_READERS: Final = frozenset({Role.RESEARCHER, Role.PRIVACY_OFFICER})

ACCESS: Final[dict[str, frozenset[Role]]] = {
    # public
    "static.css": PUBLIC,
    "login.form": PUBLIC,
    "login.submit": PUBLIC,
    # every account
    "home": ANYONE,
    "logout": ANYONE,
    # the employee's own data, and nobody else's
    "me.timeline": EMPLOYEE,
    "me.policy": EMPLOYEE,
    "me.capture": EMPLOYEE,
    "me.capture.set": EMPLOYEE,
    "me.consent": EMPLOYEE,
    "me.consent.set": EMPLOYEE,
    "me.range": EMPLOYEE,
    "me.range.delete": EMPLOYEE,
    "me.export.json": EMPLOYEE,
    "me.export.parquet": EMPLOYEE,
    "me.erase": EMPLOYEE,
    "me.erase.confirm": EMPLOYEE,
    # privacy officer
    "po.policy": OFFICER,
    "po.policy.preview": OFFICER,
    "po.policy.apply": OFFICER,
    "po.consent": OFFICER,
    "po.notice.publish": OFFICER,
    "po.requests": OFFICER,
    "po.erase": OFFICER,
    "po.audit": OFFICER,
    "po.retention": OFFICER,
    "po.retention.set": OFFICER,
    "po.exports": OFFICER,
    "po.exports.decide": OFFICER,
    "api.audit": OFFICER,
    # admin
    "admin.devices": ADMIN,
    "admin.devices.revoke": ADMIN,
    "admin.codes": ADMIN,
    "admin.codes.create": ADMIN,
    # researcher
    "research.datasets": RESEARCHER,
    "research.exports.request": RESEARCHER,
    "research.exports.download": RESEARCHER,
    # aggregates over at least k people: the only activity summaries there are
    "aggregates": AGGREGATE_READERS,
    "api.aggregates": AGGREGATE_READERS,
}


@dataclass(frozen=True, slots=True)
class Viewer:
    """The caller of one request."""

    account: Account
    via: str
    """``session`` or ``token``."""
    session_token: str | None = None

    @property
    def role(self) -> Role:
        return self.account.role

    @property
    def username(self) -> str:
        return self.account.username


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization")
    if not header:
        return None
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        raise LoginRequired("Authorization header must be 'Bearer <API token>'")
    return value.strip()


def identify(
    request: Request, engine: Engine, clock: Clock, limits: SessionLimits
) -> Viewer | None:
    """The account behind the request's API token or session cookie, if any."""
    now = to_epoch_ms(clock.now())
    token = _bearer(request)
    if token is not None:
        account = accounts.token_account(engine, token, now)
        if account is None:
            raise LoginRequired("unknown, revoked or expired API token")
        return Viewer(account, "token")
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        account = sessions.session_account(engine, cookie, now_ms=now, limits=limits)
        if account is not None:
            return Viewer(account, "session", cookie)
    return None


def make_authorize(
    engine_provider: Callable[[], Engine], clock: Clock, limits: SessionLimits
) -> Callable[[Request], object]:
    """The dependency every portal route runs first."""

    async def authorize(request: Request) -> None:
        route = request.scope.get("route")
        name = getattr(route, "name", None)
        allowed = ACCESS.get(name or "")
        if allowed is None:
            log.error("portal route missing from the access table route=%s", name)
            raise Forbidden("this route is not in the access table")
        engine = engine_provider()
        viewer = await anyio.to_thread.run_sync(identify, request, engine, clock, limits)
        request.state.viewer = viewer
        if not allowed:  # PUBLIC
            return
        if viewer is None:
            raise LoginRequired("sign in first")
        if viewer.role not in allowed:
            log.info("portal access refused route=%s role=%s", name, viewer.role.value)
            raise Forbidden("your role may not use this page")
        if request.method not in ("GET", "HEAD") and viewer.via == "session":
            await check_csrf(request, engine, viewer.session_token or "")

    return authorize


async def check_csrf(request: Request, engine: Engine, session_token: str) -> None:
    """Refuse a form from another site or without this session's CSRF token."""
    if request.headers.get("sec-fetch-site", "same-origin") not in ("same-origin", "none"):
        raise CsrfInvalid("forms are accepted from this site only")
    form = await request.form()
    submitted = form.get(CSRF_FIELD)
    if not isinstance(submitted, str) or not await anyio.to_thread.run_sync(
        sessions.csrf_ok, engine, session_token, submitted
    ):
        raise CsrfInvalid("the form's security token is missing or stale; reload and retry")


def viewer(request: Request) -> Viewer:
    """The signed-in caller (routes that are not public always have one)."""
    found: Viewer | None = getattr(request.state, "viewer", None)
    if found is None:
        raise LoginRequired("sign in first")
    return found
