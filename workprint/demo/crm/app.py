"""The Nexus CRM ASGI application: ``create_crm_app`` builds it from a :class:`CrmConfig`.

It opens (and on first use creates and seeds) the SQLite database, mounts the pages and the
static files, and answers every page with ``Cache-Control: no-store`` and the usual
hardening headers. The session cookie is ``HttpOnly`` and ``SameSite=Lax`` (``Secure`` too
when served over HTTPS). Pages that a person can reach by mistake (a stale form, a deleted
record, a wrong address) are answered with a page, never a traceback.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Final
from urllib.parse import quote

import jinja2
import sqlalchemy as sa
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from workprint.core.clock import Clock, SystemClock, from_epoch_ms
from workprint.demo.crm import (
    _pages_account,
    _pages_companies,
    _pages_contacts,
    _pages_deals,
    _pages_main,
    schema,
)
from workprint.demo.crm._security import COOKIE, LoginLimiter, Sessions
from workprint.demo.crm._web import Crm, CsrfRejected, PageNotFound, SignInRequired, render
from workprint.demo.crm.config import CrmConfig
from workprint.demo.crm.seed import seed_database

log = logging.getLogger(__name__)
_HERE: Final = Path(__file__).resolve().parent
_HARDENING: Final = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    # Scripts and connections stay open: the browser SDK and extension load and send there.
    "Content-Security-Policy": "frame-ancestors 'none'; form-action 'self'; base-uri 'none'; "
    "object-src 'none'",
}


class _PageHeaders:
    """Adds the session cookie a request asked for, no-store and the hardening headers."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        state = scope.setdefault("state", {})
        static = str(scope.get("path", "")).startswith("/static/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in _HARDENING.items():
                    headers[name] = value
                if not static:
                    headers["Cache-Control"] = "no-store"
                token = state.get("set_cookie")
                if token:
                    secure = "; Secure" if scope.get("scheme") == "https" else ""
                    headers.append(
                        "Set-Cookie", f"{COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax{secure}"
                    )
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _money(cents: int) -> str:
    return f"${cents / 100:,.0f}"


def _when(ms: int) -> str:
    return from_epoch_ms(ms).strftime("%Y-%m-%d %H:%M UTC")


def _iso(ms: int) -> str:
    return from_epoch_ms(ms).strftime("%Y-%m-%dT%H:%M:%SZ")


def _pairs(values: Iterable[str]) -> list[tuple[str, str]]:
    return [(v, v.capitalize()) for v in values]


def _options(rows: Iterable[Any], value: str = "id", label: str = "name") -> list[tuple[Any, Any]]:
    return [(getattr(r, value), getattr(r, label)) for r in rows]


def _templates(config: CrmConfig) -> Jinja2Templates:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(_HERE / "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["money"] = _money
    env.filters["when"] = _when
    env.filters["iso"] = _iso
    env.filters["pairs"] = _pairs
    env.filters["options"] = _options
    env.globals.update(
        stages=schema.STAGES,
        activity_kinds=schema.ACTIVITY_KINDS,
        industries=schema.INDUSTRIES,
        embed_sdk=config.embed_sdk,
        sdk_endpoint=config.sdk_endpoint,
    )

    def per_request(request: Request) -> dict[str, object]:
        visit = getattr(request.state, "visit", None)
        return {
            "user": visit.user if visit else None,
            "csrf": visit.csrf if visit else "",
            "flash": visit.flash if visit else None,
            "path": request.url.path,
        }

    return Jinja2Templates(env=env, context_processors=[per_request])


def _error_page(
    request: Request,
    status: int,
    title: str,
    message: str,
    headers: Mapping[str, str] | None = None,
) -> HTMLResponse:
    context = {"section": "", "title": title, "message": message}
    return render(request, "error.html", context, status=status, headers=headers)


def _install_error_pages(app: FastAPI) -> None:
    async def sign_in(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, SignInRequired)
        target = "/login" if exc.next_path == "/" else f"/login?next={_quote(exc.next_path)}"
        return RedirectResponse(target, status_code=303)

    async def csrf(request: Request, exc: Exception) -> Response:
        log.info("crm form refused: csrf token missing or stale")
        return _error_page(
            request,
            403,
            "This form has expired",
            "The page was open too long or you signed in elsewhere. Go back, reload the page "
            "and submit the form again.",
        )

    async def not_found(request: Request, exc: Exception) -> Response:
        return _error_page(request, 404, "Not found", "There is no such page or record.")

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        if exc.status_code == 404:
            return await not_found(request, exc)
        title = "Method not allowed" if exc.status_code == 405 else "Request refused"
        return _error_page(
            request, exc.status_code, title, "That request cannot be handled.", exc.headers
        )

    app.add_exception_handler(SignInRequired, sign_in)
    app.add_exception_handler(CsrfRejected, csrf)
    app.add_exception_handler(PageNotFound, not_found)
    app.add_exception_handler(RequestValidationError, not_found)
    app.add_exception_handler(StarletteHTTPException, http_error)


def _quote(path: str) -> str:
    return quote(path, safe="/")


def _prepare_database(config: CrmConfig) -> sa.Engine:
    config.db_path.parent.mkdir(parents=True, exist_ok=True)
    engine = schema.open_engine(config.db_path)
    schema.create_tables(engine)
    with engine.connect() as conn:
        people = conn.execute(sa.select(sa.func.count()).select_from(schema.users)).scalar_one()
    if not people:
        seed_database(engine, config.seed, config.users)
    return engine


def create_crm_app(config: CrmConfig, *, clock: Clock | None = None) -> FastAPI:
    """The CRM app on ``config.db_path``, seeding the database first when it has no team."""
    clock = clock or SystemClock()
    engine = _prepare_database(config)
    secret = (config.secret_key or secrets.token_hex(32)).encode()
    crm = Crm(
        config=config,
        engine=engine,
        sessions=Sessions(engine, secret, clock, config.session_hours),
        limiter=LoginLimiter(clock, config.login_failures_per_minute),
        clock=clock,
        templates=_templates(config),
    )
    app = FastAPI(title="Nexus CRM", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.crm = crm
    for module in (_pages_main, _pages_companies, _pages_contacts, _pages_deals, _pages_account):
        app.include_router(module.router)
    app.mount("/static", StaticFiles(directory=_HERE / "static"), name="static")
    _install_error_pages(app)
    app.add_middleware(_PageHeaders)
    log.info("crm app ready sdk=%s", "embedded" if config.embed_sdk else "none")
    return app
