"""Rendering for the portal: Jinja2 pages, links under the mount point, redirects, headers.

Pages are server-rendered HTML with no script at all: every action is a link or a form, so
the portal works from the keyboard and with assistive technology, and the Content Security
Policy can forbid scripts outright.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any, Final

import jinja2
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from markupsafe import Markup, escape
from sqlalchemy.engine import Engine
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from workprint.collector.portal._access import CSRF_FIELD, Viewer
from workprint.core.clock import from_epoch_ms
from workprint.governance import sessions
from workprint.governance.accounts import Role
from workprint.store.errors import StoreError

_PLACEHOLDER = re.compile(r"&lt;([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*_\d+)&gt;")

NAV: Final[dict[Role, tuple[tuple[str, str], ...]]] = {
    Role.EMPLOYEE: (
        ("me.timeline", "My timeline"),
        ("me.policy", "What is recorded"),
        ("me.capture", "Pause or resume"),
        ("me.consent", "Notice and consent"),
        ("me.range", "Delete a time range"),
        ("me.erase", "Export or erase"),
    ),
    Role.PRIVACY_OFFICER: (
        ("po.policy", "Policy"),
        ("po.consent", "Consent"),
        ("po.requests", "Subject requests"),
        ("po.audit", "Audit log"),
        ("po.retention", "Retention"),
        ("po.exports", "Export approvals"),
        ("aggregates", "Aggregates"),
    ),
    Role.ADMIN: (("admin.devices", "Devices"), ("admin.codes", "Enrollment codes")),
    Role.RESEARCHER: (("research.datasets", "Datasets"), ("aggregates", "Aggregates")),
}

SECURITY_HEADERS: Final = (
    (
        b"content-security-policy",
        b"default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
        b"frame-ancestors 'none'; base-uri 'none'",
    ),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
)


class SecurityHeaders:
    """Adds the portal's security headers, and ``Cache-Control: no-store`` to everything but
    the style sheet (pages hold personal data; shared caches must never keep them)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {k.lower() for k, _ in headers}
                headers.extend(h for h in SECURITY_HEADERS if h[0] not in names)
                if b"cache-control" not in names:
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


def when(ms: int | None) -> str:
    """An epoch-ms time as ``2026-01-05 09:00:00 UTC``."""
    if ms is None:
        return ""
    return from_epoch_ms(int(ms)).strftime("%Y-%m-%d %H:%M:%S UTC")


def day(ms: int | None) -> str:
    if ms is None:
        return ""
    return from_epoch_ms(int(ms)).strftime("%Y-%m-%d")


def local_time(ms: int, offset_min: int) -> str:
    local = from_epoch_ms(ms) + timedelta(minutes=offset_min)
    sign = "+" if offset_min >= 0 else "-"
    hours, minutes = divmod(abs(offset_min), 60)
    return local.strftime("%H:%M:%S") + f" (UTC{sign}{hours:02d}:{minutes:02d})"


def placeholders(text: object) -> Markup:
    """Escaped text with redaction placeholders (``<EMAIL_1>``) marked up as such, so a
    reader sees what was replaced and a screen reader says "redacted"."""
    escaped = str(escape("" if text is None else str(text)))
    return Markup(  # noqa: S704 - built from escaped text; only the placeholders are marked
        _PLACEHOLDER.sub(
            lambda m: (
                f'<span class="ph">&lt;{m.group(1)}&gt;<span class="vh"> (redacted)</span></span>'
            ),
            escaped,
        )
    )


def parse_day(text: str | None, *, end: bool = False) -> int | None:
    """``YYYY-MM-DD`` (UTC) as epoch ms: the day's start, or the next day's with ``end``."""
    if not text:
        return None
    try:
        start = datetime.strptime(text, "%Y-%m-%d").replace(tzinfo=UTC)
    except ValueError:
        return None
    if end:
        start += timedelta(days=1)
    return int(start.timestamp() * 1000)


def parse_minute(text: str | None) -> int | None:
    """``YYYY-MM-DDTHH:MM`` (a ``datetime-local`` field, read as UTC) as epoch ms."""
    if not text:
        return None
    for fmt in ("%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"):
        try:
            return int(datetime.strptime(text, fmt).replace(tzinfo=UTC).timestamp() * 1000)
        except ValueError:
            continue
    return None


class Web:
    """Renders the portal's pages."""

    def __init__(self, app: FastAPI, engine_provider: Callable[[], Engine]) -> None:
        self.app = app
        self.engine_provider = engine_provider
        self.env = jinja2.Environment(
            loader=jinja2.PackageLoader("workprint.collector.portal", "templates"),
            autoescape=jinja2.select_autoescape(["html"], default=True),
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.env.filters.update(when=when, day=day, placeholders=placeholders)
        self.env.globals.update(local_time=local_time, CSRF_FIELD=CSRF_FIELD)

    def url(self, request: Request, name: str, **params: Any) -> str:
        """The path of a portal route, under the mount point."""
        root = str(request.scope.get("root_path", "")).rstrip("/")
        return root + str(self.app.url_path_for(name, **params))

    def redirect(
        self, request: Request, name: str, query: str = "", **params: Any
    ) -> RedirectResponse:
        target = self.url(request, name, **params) + (f"?{query}" if query else "")
        return RedirectResponse(target, status_code=303)

    def page(
        self,
        request: Request,
        template: str,
        *,
        status: int = 200,
        headers: dict[str, str] | None = None,
        **context: Any,
    ) -> HTMLResponse:
        who: Viewer | None = getattr(request.state, "viewer", None)
        csrf = ""
        if who is not None and who.session_token:
            try:
                csrf = sessions.csrf_token(self.engine_provider(), who.session_token)
            except StoreError:
                csrf = ""  # an error page about the store itself; its forms would fail anyway
        nav = (
            [(self.url(request, n), label, n) for n, label in NAV.get(who.role, ())] if who else []
        )
        route = request.scope.get("route")
        html = self.env.get_template(template).render(
            viewer=who,
            csrf=csrf,
            nav=nav,
            current=getattr(route, "name", ""),
            url=lambda name, **p: self.url(request, name, **p),
            **context,
        )
        return HTMLResponse(html, status_code=status, headers=headers)
