"""The plumbing every CRM page shares: services, sign-in and CSRF dependencies, rendering.

Handlers are plain ``def`` functions (run in the threadpool) that declare what they need:
``Visit`` for any page, ``Member`` for pages behind sign-in, ``Posted`` for a form whose
CSRF token has been checked. Errors a person can cause (a stale form, a missing record) are
raised as the exceptions below and answered as pages by the handlers in ``app.py``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any, cast

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy.engine import Engine
from starlette.templating import Jinja2Templates

from workprint.core.clock import Clock, to_epoch_ms
from workprint.demo.crm._security import COOKIE, LoginLimiter, Sessions, User, Visit
from workprint.demo.crm.config import CrmConfig

Fields = dict[str, str]


@dataclass(frozen=True, slots=True)
class Crm:
    """The services of one CRM app, kept on ``app.state.crm``."""

    config: CrmConfig
    engine: Engine
    sessions: Sessions
    limiter: LoginLimiter
    clock: Clock
    templates: Jinja2Templates

    def now_ms(self) -> int:
        return to_epoch_ms(self.clock.now())

    def today(self) -> date:
        return self.clock.now().date()


@dataclass(frozen=True, slots=True)
class Member:
    """A request from a signed-in person."""

    visit: Visit
    user: User


class SignInRequired(Exception):
    """The page needs a signed-in person; answered with a redirect to the sign-in form."""

    def __init__(self, next_path: str) -> None:
        super().__init__("sign-in required")
        self.next_path = next_path


class CsrfRejected(Exception):
    """A form came without this session's CSRF token; answered with 403."""


class PageNotFound(Exception):
    """No such record; answered with 404."""


def crm_of(request: Request) -> Crm:
    return cast(Crm, request.app.state.crm)


def current_visit(request: Request) -> Visit:
    crm = crm_of(request)
    visit = crm.sessions.visit(request.cookies.get(COOKIE))
    request.state.visit = visit
    if visit.new:
        request.state.set_cookie = visit.token
    return visit


def current_member(request: Request, visit: Annotated[Visit, Depends(current_visit)]) -> Member:
    if visit.user is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise SignInRequired(target)
    return Member(visit, visit.user)


async def _form_fields(request: Request) -> Fields:
    form = await request.form(max_files=0, max_fields=100, max_part_size=64 * 1024)
    fields: Fields = {}
    for key, value in form.multi_items():
        if isinstance(value, str):
            fields.setdefault(key, value)
    return fields


def posted_form(
    request: Request,
    visit: Annotated[Visit, Depends(current_visit)],
    fields: Annotated[Fields, Depends(_form_fields)],
) -> Fields:
    if not crm_of(request).sessions.csrf_ok(visit.token, fields.get("csrf_token", "")):
        raise CsrfRejected
    return fields


Services = Annotated[Crm, Depends(crm_of)]
AnyVisit = Annotated[Visit, Depends(current_visit)]
SignedIn = Annotated[Member, Depends(current_member)]
Posted = Annotated[Fields, Depends(posted_form)]


def start_session(request: Request, token: str) -> None:
    """Make ``token`` the session cookie of this answer (sign-in, sign-out)."""
    request.state.set_cookie = token


def render(
    request: Request,
    template: str,
    context: Mapping[str, Any] | None = None,
    *,
    status: int = 200,
    headers: Mapping[str, str] | None = None,
) -> HTMLResponse:
    crm = crm_of(request)
    response: HTMLResponse = crm.templates.TemplateResponse(
        request, template, dict(context or {}), status_code=status, headers=headers
    )
    return response


def redirect(path: str) -> RedirectResponse:
    """303 See Other: after a POST, the browser loads ``path`` with GET."""
    return RedirectResponse(path, status_code=303)


def form_page(
    request: Request,
    template: str,
    context: Mapping[str, Any],
    *,
    values: Mapping[str, str],
    errors: Mapping[str, str],
) -> HTMLResponse:
    """Render a form again with what was entered and a message per invalid field (422)."""
    return render(
        request,
        template,
        {**context, "values": values, "errors": errors},
        status=422 if errors else 200,
    )


def page_number(raw: str) -> int:
    return int(raw) if raw.isdigit() and 0 < int(raw) < 10_000 else 1


def int_or_none(raw: str) -> int | None:
    return int(raw) if raw.isdigit() and len(raw) < 10 else None


def safe_next(raw: str) -> str:
    """A local path to return to after sign-in; anything else (another host) becomes ``/``."""
    if raw.startswith("/") and not raw.startswith(("//", "/\\")) and "\n" not in raw:
        return raw
    return "/"
