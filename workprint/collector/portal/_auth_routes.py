"""Signing in and out, the home page and the style sheet.

Sign-in is rate-limited per username and per client address (429 with ``Retry-After``; the
password is not even checked while limited, so the limit is no oracle). The sign-in form has
its own CSRF token (a random cookie the form must echo), so nobody can sign a visitor into an
account of theirs. A successful sign-in always starts a fresh session.
"""

from __future__ import annotations

import hmac
import secrets
from functools import cache
from importlib import resources
from typing import Annotated, Final

from fastapi import FastAPI, Form, Request
from fastapi.responses import Response

from workprint.collector.portal._access import CSRF_FIELD, SESSION_COOKIE, viewer
from workprint.collector.portal._context import Portal
from workprint.collector.portal.errors import CsrfInvalid, LoginFailed, LoginThrottled
from workprint.governance import accounts, sessions

LOGIN_COOKIE: Final = "wp_portal_login"


@cache
def _css() -> bytes:
    return (resources.files("workprint.collector.portal") / "static" / "portal.css").read_bytes()


def _safe_next(portal: Portal, request: Request, target: str | None) -> str:
    home = portal.web.url(request, "home")
    root = request.scope.get("root_path", "").rstrip("/")
    if (
        not target
        or not target.startswith(root + "/")
        or target.startswith("//")
        or "\\" in target
        or any(ch in target for ch in "\r\n")
    ):
        return home
    return target


def add(app: FastAPI, portal: Portal) -> None:
    web = portal.web

    @app.get("/static/portal.css", name="static.css")
    def style() -> Response:
        return Response(
            _css(), media_type="text/css", headers={"Cache-Control": "public, max-age=3600"}
        )

    def login_page(
        request: Request, *, status: int = 200, error: str | None = None, username: str = ""
    ) -> Response:
        token = request.cookies.get(LOGIN_COOKIE) or secrets.token_urlsafe(24)
        response = web.page(
            request,
            "login.html",
            status=status,
            login_csrf=token,
            error=error,
            username=username,
            next=request.query_params.get("next", ""),
        )
        response.set_cookie(
            LOGIN_COOKIE,
            token,
            httponly=True,
            samesite="strict",
            secure=portal.is_https(request),
            path=portal.cookie_path(request),
        )
        return response

    @app.get("/login", name="login.form")
    def login_form(request: Request) -> Response:
        if getattr(request.state, "viewer", None) is not None:
            return web.redirect(request, "home")
        return login_page(request)

    @app.post("/login", name="login.submit")
    def login_submit(
        request: Request,
        username: Annotated[str, Form(max_length=256)] = "",
        password: Annotated[str, Form(max_length=1024)] = "",
        csrf_token: Annotated[str, Form(alias=CSRF_FIELD, max_length=256)] = "",
        next_url: Annotated[str, Form(alias="next", max_length=2048)] = "",
    ) -> Response:
        expected = request.cookies.get(LOGIN_COOKIE, "")
        if (
            not expected
            or not hmac.compare_digest(expected, csrf_token)
            or request.headers.get("sec-fetch-site", "same-origin") not in ("same-origin", "none")
        ):
            raise CsrfInvalid("the sign-in form is stale; reload it and try again")
        engine = portal.db()
        now = portal.now()
        limits = portal.config.logins
        keys = sessions.login_keys(engine, username, portal.client_address(request))
        wait = sessions.retry_after_s(engine, keys, now_ms=now, limits=limits)
        if wait:
            exc = LoginThrottled("too many failed sign-ins; wait and try again")
            exc.retry_after = wait
            raise exc
        with portal.read() as conn:
            found = accounts.find(conn, username)
        ok = portal.passwords.verify(found[1] if found else None, password)
        if found is None or not ok:
            sessions.record_failure(engine, keys, now_ms=now)
            return login_page(
                request,
                status=LoginFailed.status,
                error="That username and password do not match an account.",
                username=username[:64],
            )
        sessions.clear_failures(engine, keys[0])
        with portal.write() as conn:
            token = sessions.open_session(conn, found[0], now_ms=now, limits=portal.config.sessions)
        response = Response(
            status_code=303, headers={"Location": _safe_next(portal, request, next_url)}
        )
        response.set_cookie(
            SESSION_COOKIE,
            token,
            max_age=portal.config.session_max_hours * 3600,
            httponly=True,
            samesite="strict",
            secure=portal.is_https(request),
            path=portal.cookie_path(request),
        )
        response.delete_cookie(LOGIN_COOKIE, path=portal.cookie_path(request))
        return response

    @app.post("/logout", name="logout")
    def logout(request: Request) -> Response:
        who = viewer(request)
        if who.session_token:
            with portal.write() as conn:
                sessions.close_session(conn, who.session_token)
        response = web.redirect(request, "login.form")
        response.delete_cookie(SESSION_COOKIE, path=portal.cookie_path(request))
        return response

    @app.get("/", name="home")
    def home(request: Request) -> Response:
        return web.page(request, "home.html")
