"""The employee's pages: their own data and nobody else's.

Every route here takes the person from the signed-in account, never from the request, so
no parameter can point it at someone else. Every read of personal data (timeline pages,
range previews, exports) is audited in the same transaction as the read.
"""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import FastAPI, Form, Query, Request
from fastapi.responses import Response, StreamingResponse

from workprint.collector.portal._access import SESSION_COOKIE, viewer
from workprint.collector.portal._context import Portal
from workprint.collector.portal._web import parse_day, parse_minute
from workprint.collector.portal.errors import Forbidden
from workprint.core.events import EVENT_TYPES
from workprint.governance import audit, consent, exports, pause, policies, rights, timeline
from workprint.governance.consent import Purpose
from workprint.governance.errors import RangeInvalid

KINDS = tuple(sorted(k.value for k in EVENT_TYPES))
MODE_TEXT = {
    "off": "Nothing is recorded, not even that you used it.",
    "metadata": "What kind of step you took and when; no text, no window titles.",
    "redacted": "Steps and the text you commit, with personal data and secrets replaced by "
    "placeholders on your own computer.",
    "full": "Text exactly as typed (only for test and synthetic accounts).",
}


def _person(request: Request) -> tuple[str, str]:
    who = viewer(request)
    if who.account.person_id is None:
        raise Forbidden("this employee account is not linked to a person")
    return who.username, who.account.person_id


def add(app: FastAPI, portal: Portal) -> None:
    web = portal.web

    @app.get("/me/timeline", name="me.timeline")
    def my_timeline(
        request: Request,
        kind: Annotated[str, Query(max_length=32)] = "",
        since: Annotated[str, Query(alias="from", max_length=10)] = "",
        until: Annotated[str, Query(alias="to", max_length=10)] = "",
        before: Annotated[str, Query(max_length=40)] = "",
    ) -> Response:
        username, person = _person(request)
        chosen = kind if kind in KINDS else ""
        since_ms, until_ms = parse_day(since), parse_day(until, end=True)
        with portal.write() as conn:
            shown = timeline.page(
                conn,
                person,
                kind=chosen or None,
                since_ms=since_ms,
                until_ms=until_ms,
                before=timeline.Cursor.decode(before),
                limit=portal.config.timeline_page_size,
            )
            audit.record_read(
                conn,
                at_ms=portal.now(),
                actor=username,
                subject=person,
                view="timeline",
                details={
                    "kind": chosen or None,
                    "rows": len(shown.events),
                    "filtered": bool(since_ms or until_ms),
                },
            )
        query = {"kind": chosen, "from": since if since_ms else "", "to": until if until_ms else ""}
        return web.page(
            request,
            "me_timeline.html",
            page=shown,
            kinds=KINDS,
            query=query,
            next_query="&".join(f"{k}={v}" for k, v in query.items() if v)
            + (f"&before={shown.next.encode()}" if shown.next else ""),
        )

    @app.get("/me/policy", name="me.policy")
    def my_policy(request: Request) -> Response:
        with portal.read() as conn:
            policy = policies.active(conn)
        return web.page(request, "me_policy.html", policy=policy.document, mode_text=MODE_TEXT)

    @app.get("/me/capture", name="me.capture")
    def my_capture(request: Request) -> Response:
        _, person = _person(request)
        with portal.read() as conn:
            state = pause.state(conn, person)
        return web.page(
            request, "me_capture.html", state=state, done=request.query_params.get("done")
        )

    @app.post("/me/capture", name="me.capture.set")
    def my_capture_set(
        request: Request, action: Annotated[str, Form(pattern="^(pause|resume)$")]
    ) -> Response:
        _, person = _person(request)
        with portal.write() as conn:
            pause.set_paused(conn, person, action == "pause", at_ms=portal.now())
        return web.redirect(request, "me.capture", query=f"done={action}")

    @app.get("/me/consent", name="me.consent")
    def my_consent(request: Request) -> Response:
        _, person = _person(request)
        with portal.write() as conn:
            version = consent.ensure_default(conn, portal.now())
            current = consent.notice(conn, version)
            grants = consent.history(conn, person)
        live = {g.purpose: g for g in grants if g.withdrawn_at_ms is None}
        return web.page(
            request,
            "me_consent.html",
            notice=current,
            grants=list(reversed(grants)),
            live=live,
            purposes=list(Purpose),
            done=request.query_params.get("done"),
        )

    @app.post("/me/consent", name="me.consent.set")
    def my_consent_set(
        request: Request,
        purpose: Annotated[str, Form(pattern="^(capture|training|evaluation)$")],
        action: Annotated[str, Form(pattern="^(grant|withdraw)$")],
    ) -> Response:
        username, person = _person(request)
        with portal.write() as conn:
            if action == "grant":
                consent.grant_current(conn, person, Purpose(purpose), portal.now(), username)
            else:
                consent.withdraw(conn, person, Purpose(purpose), portal.now(), username)
        return web.redirect(request, "me.consent", query=f"done={action}")

    @app.get("/me/range", name="me.range")
    def my_range(
        request: Request,
        start: Annotated[str, Query(max_length=19)] = "",
        end: Annotated[str, Query(max_length=19)] = "",
    ) -> Response:
        username, person = _person(request)
        start_ms, end_ms = parse_minute(start), parse_minute(end)
        count = None
        error = None
        if start or end:
            if start_ms is None or end_ms is None or end_ms <= start_ms:
                error = "Give a start and an end, the end after the start."
            else:
                with portal.write() as conn:
                    count = timeline.count_in_range(conn, person, start_ms, end_ms)
                    audit.record_read(
                        conn,
                        at_ms=portal.now(),
                        actor=username,
                        subject=person,
                        view="range_preview",
                        details={"rows": count},
                    )
        return web.page(
            request, "me_range.html", start=start, end=end, count=count, error=error, report=None
        )

    @app.post("/me/range", name="me.range.delete")
    def my_range_delete(
        request: Request,
        start: Annotated[str, Form(max_length=19)],
        end: Annotated[str, Form(max_length=19)],
    ) -> Response:
        username, person = _person(request)
        start_ms, end_ms = parse_minute(start), parse_minute(end)
        if start_ms is None or end_ms is None:
            raise RangeInvalid("give a start and an end as date and time")
        report = rights.delete_range(
            portal.db(),
            person,
            start_ms,
            end_ms,
            actor=username,
            reason="deleted by the person in the portal",
            now_ms=portal.now(),
        )
        return web.page(
            request,
            "me_range.html",
            start=start,
            end=end,
            count=None,
            error=None,
            report=json.dumps(
                dict(report.to_dict(), report_sha256=rights.report_sha256(report)),
                indent=2,
                sort_keys=True,
            ),
        )

    @app.get("/me/export.json", name="me.export.json")
    def my_export_json(request: Request) -> Response:
        username, person = _person(request)
        now = portal.now()
        with portal.write() as conn:
            audit.record_read(
                conn,
                at_ms=now,
                actor=username,
                subject=person,
                view="export",
                details={"format": "json"},
            )
        return StreamingResponse(
            exports.json_export(portal.db(), person, now_ms=now),
            media_type="application/json",
            headers={"Content-Disposition": 'attachment; filename="workprint-my-data.json"'},
        )

    @app.get("/me/export.parquet", name="me.export.parquet")
    def my_export_parquet(request: Request) -> Response:
        username, person = _person(request)
        with portal.write() as conn:
            audit.record_read(
                conn,
                at_ms=portal.now(),
                actor=username,
                subject=person,
                view="export",
                details={"format": "parquet"},
            )
        body = exports.parquet_export(portal.db(), person)
        return Response(
            body,
            media_type="application/vnd.apache.parquet",
            headers={"Content-Disposition": 'attachment; filename="workprint-my-events.parquet"'},
        )

    @app.get("/me/erase", name="me.erase")
    def my_erase(request: Request) -> Response:
        _, person = _person(request)
        with portal.read() as conn:
            about = timeline.summary(conn, person)
        return web.page(request, "me_erase.html", about=about, error=None)

    @app.post("/me/erase", name="me.erase.confirm")
    def my_erase_confirm(
        request: Request, confirm: Annotated[str, Form(max_length=32)] = ""
    ) -> Response:
        username, person = _person(request)
        if confirm.strip().upper() != "ERASE":
            with portal.read() as conn:
                about = timeline.summary(conn, person)
            return web.page(
                request,
                "me_erase.html",
                status=400,
                about=about,
                error="Type ERASE in the box to confirm.",
            )
        report = rights.erase_person(
            portal.db(),
            person,
            actor=username,
            reason="erased by the person in the portal",
            now_ms=portal.now(),
        )
        request.state.viewer = None  # the account is gone with everything else
        response = web.page(
            request, "erased.html", report=json.dumps(report.to_dict(), indent=2, sort_keys=True)
        )
        response.delete_cookie(SESSION_COOKIE, path=portal.cookie_path(request))
        return response
