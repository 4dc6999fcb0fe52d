"""The people's portal: server-rendered pages where people see, pause, export and erase
what is kept about them, and where the privacy officer, administrators and researchers do
their work, each role seeing only what its purpose needs.

:func:`create_portal` returns a sub-app for the collector to mount at ``/portal``::

    app.mount("/portal", create_portal(db, portal_config))

Who may use which route is decided in one table (``_access.ACCESS``); see
``docs/governance.md`` for the tour.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from urllib.parse import quote

import msgspec
from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from sqlalchemy.engine import Engine
from starlette.exceptions import HTTPException as StarletteHTTPException

from workprint.collector.portal import (
    _admin_routes,
    _auth_routes,
    _me_routes,
    _officer_routes,
    _research_routes,
)
from workprint.collector.portal._access import make_authorize
from workprint.collector.portal._context import Portal
from workprint.collector.portal._web import SecurityHeaders, Web
from workprint.collector.portal.config import PortalConfig
from workprint.collector.portal.errors import LoginRequired, PortalError
from workprint.core.clock import Clock, SystemClock
from workprint.core.errors import WorkprintError
from workprint.governance.accounts import Passwords
from workprint.governance.config import RetentionConfig
from workprint.store.errors import StoreBusy, StoreError, StoreUnavailable

__all__ = ["PortalConfig", "create_portal"]

log = logging.getLogger(__name__)


def create_portal(
    engine_provider: Callable[[], Engine],
    config: PortalConfig,
    *,
    retention: RetentionConfig | None = None,
    clock: Clock | None = None,
) -> FastAPI:
    """The portal as an ASGI sub-app; ``engine_provider`` is called per request (the
    collector's engine exists only once its lifespan has started)."""
    clk = clock or SystemClock()
    app = FastAPI(
        title="Workprint portal",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        dependencies=[Depends(make_authorize(engine_provider, clk, config.sessions))],
    )
    web = Web(app, engine_provider)
    portal = Portal(
        engine_provider,
        web,
        clk,
        config,
        retention or RetentionConfig(),
        Passwords(config.hashing),
    )
    app.add_middleware(SecurityHeaders)
    _add_error_pages(app, web)
    for module in (
        _auth_routes,
        _me_routes,
        _officer_routes,
        _admin_routes,
        _research_routes,
    ):
        module.add(app, portal)
    return app


def _wants_json(request: Request) -> bool:
    route = request.scope.get("route")
    name = getattr(route, "name", "") or ""
    return name.startswith("api.") or "authorization" in request.headers


def _add_error_pages(app: FastAPI, web: Web) -> None:
    def answer(
        request: Request, status: int, code: str, detail: str, retry_after: int | None = None
    ) -> Response:
        headers = {"Retry-After": str(retry_after)} if retry_after is not None else None
        if _wants_json(request):
            return Response(
                msgspec.json.encode({"code": code, "detail": detail}),
                status,
                headers,
                media_type="application/json",
            )
        return web.page(
            request, "error.html", status=status, headers=headers, code=code, detail=detail
        )

    @app.exception_handler(LoginRequired)
    async def _login(request: Request, exc: LoginRequired) -> Response:
        if _wants_json(request):
            return answer(request, exc.status, exc.code, str(exc))
        target = web.url(request, "login.form")
        wanted = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return Response(
            status_code=303, headers={"Location": f"{target}?next={quote(wanted, safe='')}"}
        )

    @app.exception_handler(PortalError)
    async def _portal(request: Request, exc: PortalError) -> Response:
        return answer(request, exc.status, exc.code, str(exc), exc.retry_after)

    @app.exception_handler(StoreError)
    async def _store(request: Request, exc: StoreError) -> Response:
        if isinstance(exc, StoreBusy | StoreUnavailable):
            return answer(request, 503, "unavailable", "the store is busy; try again", 2)
        log.error("portal store error code=%s", exc.code)
        return answer(request, 500, exc.code, "internal store error")

    @app.exception_handler(WorkprintError)
    async def _workprint(request: Request, exc: WorkprintError) -> Response:
        return answer(request, 400, exc.code, str(exc))

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        fields = sorted({str(e.get("loc", ("", ""))[-1]) for e in exc.errors()})
        return answer(
            request,
            400,
            "request_invalid",
            f"these fields are missing or not valid: {', '.join(fields)}",
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        return answer(
            request,
            exc.status_code,
            code,
            "no such page" if exc.status_code == 404 else str(exc.detail),
        )

    @app.exception_handler(Exception)
    async def _unhandled(request: Request, exc: Exception) -> Response:
        log.error("portal unhandled error type=%s", type(exc).__name__)
        return answer(request, 500, "internal_error", "internal error")
