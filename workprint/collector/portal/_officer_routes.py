"""The privacy officer's pages: policy editor, consent overview and notices, subject requests,
audit search, retention settings and dataset export approvals.

The consent overview is counts only (suppressed under k people). The audit search is itself
audited: reading who did what to whom is a read of personal data too.
"""

from __future__ import annotations

import dataclasses
import difflib
import json
from typing import Annotated, Any

import msgspec
import sqlalchemy as sa
from fastapi import FastAPI, Form, Query, Request
from fastapi.responses import Response

from workprint.collector.portal._access import viewer
from workprint.collector.portal._context import Portal
from workprint.collector.portal._web import parse_day
from workprint.governance import aggregates, approvals, audit, consent, policies, retention, rights
from workprint.privacy.errors import PolicyInvalid
from workprint.privacy.policy import parse
from workprint.store.schema import policies as policy_table

MAX_POLICY_CHARS = 200_000


def _audit_filters(
    actor: str, action: str, subject: str, since: str, until: str, before: str
) -> dict[str, Any]:
    return {
        "actor": actor.strip() or None,
        "action": action.strip() or None,
        "subject": subject.strip() or None,
        "since_ms": parse_day(since),
        "until_ms": parse_day(until, end=True),
        "before_seq": int(before) if before.isdigit() else None,
    }


def add(app: FastAPI, portal: Portal) -> None:
    web = portal.web

    def policy_page(request: Request, *, status: int = 200, **extra: Any) -> Response:
        with portal.read() as conn:
            active = policies.active(conn)
            history = conn.execute(
                sa.select(
                    policy_table.c.version,
                    policy_table.c.created_at_ms,
                    policy_table.c.created_by,
                    policy_table.c.active,
                )
                .order_by(policy_table.c.version.desc())
                .limit(50)
            ).all()
        context: dict[str, Any] = {
            "active": active,
            "history": history,
            "document": active.source,
            "error": None,
            "diff": None,
            "reason": "",
            "done": request.query_params.get("done"),
        }
        context.update(extra)
        return web.page(request, "po_policy.html", status=status, **context)

    def diff_lines(old: str, new: str) -> list[tuple[str, str]]:
        lines = difflib.unified_diff(
            old.splitlines(), new.splitlines(), "active", "proposed", lineterm="", n=2
        )
        out: list[tuple[str, str]] = []
        for line in lines:
            kind = {"+": "add", "-": "del", "@": "hunk"}.get(line[:1], "ctx")
            if line.startswith(("+++", "---")):
                kind = "file"
            out.append((kind, line))
        return out

    @app.get("/po/policy", name="po.policy")
    def po_policy(request: Request) -> Response:
        return policy_page(request)

    @app.post("/po/policy/preview", name="po.policy.preview")
    def po_policy_preview(
        request: Request,
        document: Annotated[str, Form(max_length=MAX_POLICY_CHARS)],
        reason: Annotated[str, Form(max_length=500)] = "",
    ) -> Response:
        text = document.replace("\r\n", "\n")
        try:
            proposed = parse(text, name="proposed policy")
        except PolicyInvalid as exc:
            return policy_page(request, status=400, document=text, error=str(exc), reason=reason)
        with portal.read() as conn:
            active = policies.active(conn)
        error = None
        if proposed.version <= active.version:
            error = (
                f"version {proposed.version} is not above the active version {active.version}; "
                "raise 'version'"
            )
        return policy_page(
            request,
            status=400 if error else 200,
            document=text,
            error=error,
            diff=diff_lines(active.source, text),
            reason=reason,
        )

    @app.post("/po/policy/apply", name="po.policy.apply")
    def po_policy_apply(
        request: Request,
        document: Annotated[str, Form(max_length=MAX_POLICY_CHARS)],
        reason: Annotated[str, Form(max_length=500)] = "",
    ) -> Response:
        text = document.replace("\r\n", "\n")
        try:
            policies.apply(
                portal.db(),
                parse(text, name="proposed policy"),
                actor=viewer(request).username,
                reason=reason.strip() or None,
                clock=portal.clock,
            )
        except PolicyInvalid as exc:
            return policy_page(request, status=400, document=text, error=str(exc), reason=reason)
        return web.redirect(request, "po.policy", query="done=applied")

    @app.get("/po/consent", name="po.consent")
    def po_consent(request: Request) -> Response:
        with portal.write() as conn:
            consent.ensure_default(conn, portal.now())
            total, counts = aggregates.consent_overview(conn)
            published = consent.notices(conn)
        return web.page(
            request,
            "po_consent.html",
            total=total,
            counts=counts,
            notices=published,
            k=aggregates.K,
            error=None,
            done=request.query_params.get("done"),
        )

    @app.post("/po/notice", name="po.notice.publish")
    def po_notice_publish(
        request: Request,
        version: Annotated[str, Form(max_length=64)],
        text: Annotated[str, Form(max_length=20_000)],
    ) -> Response:
        with portal.write() as conn:
            consent.publish(
                conn, version.strip(), text, at_ms=portal.now(), actor=viewer(request).username
            )
        return web.redirect(request, "po.consent", query="done=published")

    @app.get("/po/requests", name="po.requests")
    def po_requests(request: Request) -> Response:
        with portal.write() as conn:
            entries = audit.search(conn, action="rights.", limit=200)
            audit.append(
                conn,
                at_ms=portal.now(),
                actor=viewer(request).username,
                action="audit.search",
                details={"view": "subject_requests", "rows": len(entries)},
            )
        return web.page(request, "po_requests.html", entries=entries, report=None, error=None)

    @app.post("/po/erase", name="po.erase")
    def po_erase(
        request: Request,
        person_id: Annotated[str, Form(max_length=64)],
        confirm: Annotated[str, Form(max_length=64)],
        reason: Annotated[str, Form(min_length=3, max_length=500)],
    ) -> Response:
        person = person_id.strip()
        if confirm.strip() != person:
            with portal.read() as conn:
                entries = audit.search(conn, action="rights.", limit=200)
            return web.page(
                request,
                "po_requests.html",
                status=400,
                entries=entries,
                report=None,
                error="Type the person id again in the confirmation box.",
            )
        report = rights.erase_person(
            portal.db(),
            person,
            actor=viewer(request).username,
            reason=reason.strip(),
            now_ms=portal.now(),
        )
        with portal.read() as conn:
            entries = audit.search(conn, action="rights.", limit=200)
        return web.page(
            request,
            "po_requests.html",
            entries=entries,
            report=json.dumps(report.to_dict(), indent=2, sort_keys=True),
            error=None,
        )

    def search(request: Request, filters: dict[str, Any], view: str) -> list[audit.Entry]:
        with portal.write() as conn:
            entries = audit.search(conn, limit=200, **filters)
            audit.append(
                conn,
                at_ms=portal.now(),
                actor=viewer(request).username,
                action="audit.search",
                details={"view": view, "rows": len(entries)},
            )
        return entries

    @app.get("/po/audit", name="po.audit")
    def po_audit(
        request: Request,
        actor: Annotated[str, Query(max_length=128)] = "",
        action: Annotated[str, Query(max_length=64)] = "",
        subject: Annotated[str, Query(max_length=128)] = "",
        since: Annotated[str, Query(alias="from", max_length=10)] = "",
        until: Annotated[str, Query(alias="to", max_length=10)] = "",
        before: Annotated[str, Query(max_length=20)] = "",
    ) -> Response:
        filters = _audit_filters(actor, action, subject, since, until, before)
        entries = search(request, filters, "audit")
        query = {"actor": actor, "action": action, "subject": subject, "from": since, "to": until}
        more = "&".join(f"{k}={v}" for k, v in query.items() if v)
        if len(entries) == 200:
            more += f"&before={entries[-1].seq}"
        else:
            more = ""
        return web.page(request, "po_audit.html", entries=entries, query=query, more=more)

    @app.get("/api/audit", name="api.audit")
    def api_audit(
        request: Request,
        actor: Annotated[str, Query(max_length=128)] = "",
        action: Annotated[str, Query(max_length=64)] = "",
        subject: Annotated[str, Query(max_length=128)] = "",
        since: Annotated[str, Query(alias="from", max_length=10)] = "",
        until: Annotated[str, Query(alias="to", max_length=10)] = "",
        before: Annotated[str, Query(max_length=20)] = "",
    ) -> Response:
        filters = _audit_filters(actor, action, subject, since, until, before)
        entries = search(request, filters, "api")
        body = {"entries": [dataclasses.asdict(e) for e in entries]}
        return Response(msgspec.json.encode(body), media_type="application/json")

    @app.get("/po/retention", name="po.retention")
    def po_retention(request: Request) -> Response:
        with portal.read() as conn:
            current = retention.settings(conn, portal.retention)
        return web.page(
            request,
            "po_retention.html",
            settings=current,
            done=request.query_params.get("done"),
        )

    @app.post("/po/retention", name="po.retention.set")
    def po_retention_set(
        request: Request,
        target: Annotated[str, Form(max_length=32)],
        ttl_days: Annotated[int, Form(ge=1, le=3650)],
    ) -> Response:
        with portal.write() as conn:
            retention.set_ttl(
                conn, target, ttl_days, at_ms=portal.now(), actor=viewer(request).username
            )
        return web.redirect(request, "po.retention", query="done=saved")

    @app.get("/po/exports", name="po.exports")
    def po_exports(request: Request) -> Response:
        with portal.read() as conn:
            pending = approvals.requests(conn)
            known = {v.version_id: v for v in approvals.versions(conn)}
        return web.page(
            request,
            "po_exports.html",
            requests=pending,
            versions=known,
            done=request.query_params.get("done"),
        )

    @app.post("/po/exports/{export_id}", name="po.exports.decide")
    def po_exports_decide(
        request: Request,
        export_id: str,
        decision: Annotated[str, Form(pattern="^(approve|reject)$")],
        reason: Annotated[str, Form(max_length=500)] = "",
    ) -> Response:
        with portal.write() as conn:
            ttl = retention.settings(conn, portal.retention)["exports"].ttl_days
            approvals.decide(
                conn,
                export_id,
                decision == "approve",
                actor=viewer(request).username,
                at_ms=portal.now(),
                ttl_days=ttl,
                reason=reason.strip() or None,
            )
        return web.redirect(request, "po.exports", query=f"done={decision}")
