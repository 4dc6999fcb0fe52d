"""Sign-in and sign-out, the dashboard, and the global search of the header."""

from __future__ import annotations

import logging

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from workprint.demo.crm import _queries as db
from workprint.demo.crm import schema
from workprint.demo.crm._passwords import dummy_verify, verify_password
from workprint.demo.crm._web import (
    AnyVisit,
    Posted,
    Services,
    SignedIn,
    redirect,
    render,
    safe_next,
    start_session,
)

log = logging.getLogger(__name__)
router = APIRouter()


@router.get("/healthz", include_in_schema=False)
def healthz() -> Response:
    return Response("ok\n", media_type="text/plain")


@router.get("/login", response_model=None)
def login_form(request: Request, visit: AnyVisit, next: str = "/") -> HTMLResponse | Response:
    if visit.user is not None:
        return redirect(safe_next(next))
    return render(request, "login.html", {"next": safe_next(next), "values": {}, "error": None})


@router.post("/login", response_model=None)
def login(request: Request, crm: Services, visit: AnyVisit, form: Posted) -> Response:
    username = form.get("username", "").strip().lower()
    password = form.get("password", "")
    target = safe_next(form.get("next", "/"))
    context = {"next": target, "values": {"username": username}}
    wait = crm.limiter.retry_after(username)
    if wait:
        log.info("crm sign-in refused: too many failures, retry_after=%d", wait)
        return render(
            request,
            "login.html",
            {**context, "error": "Too many failed sign-ins. Wait a minute and try again."},
            status=429,
            headers={"Retry-After": str(wait)},
        )
    with crm.engine.connect() as conn:
        user = db.user_by_username(conn, username) if username else None
    if user is None:
        dummy_verify(password)
        ok = False
    else:
        ok = verify_password(user.password_hash, password)
    if not ok or user is None:
        crm.limiter.failed(username)
        log.info("crm sign-in failed")
        return render(
            request,
            "login.html",
            {**context, "error": "Wrong username or password."},
            status=400,
        )
    crm.limiter.succeeded(username)
    crm.sessions.end(visit.token)
    start_session(request, crm.sessions.start(user.id))
    log.info("crm sign-in user_id=%d", user.id)
    return redirect(target)


@router.post("/logout")
def logout(request: Request, crm: Services, visit: AnyVisit, _form: Posted) -> RedirectResponse:
    crm.sessions.end(visit.token)
    start_session(request, crm.sessions.start(None, flash="You are signed out."))
    return redirect("/login")


@router.get("/")
def dashboard(request: Request, crm: Services, member: SignedIn) -> HTMLResponse:
    with crm.engine.connect() as conn:
        stages = db.pipeline(conn)
        mine = [
            d for d in db.deals(conn, owner=member.user.username) if d.stage in schema.OPEN_STAGES
        ]
        recent = db.activities(conn, user=member.user.username, limit=10)
    return render(
        request,
        "dashboard.html",
        {"section": "home", "pipeline": stages, "my_deals": mine, "recent": recent},
    )


@router.get("/search")
def search(request: Request, crm: Services, member: SignedIn, q: str = "") -> HTMLResponse:
    text = " ".join(q.split())[:100]
    found: dict[str, db.Rows] = {"companies": [], "contacts": [], "deals": []}
    if text:
        with crm.engine.connect() as conn:
            found = db.search(conn, text)
    return render(request, "search.html", {"section": "search", "q": text, "found": found})
