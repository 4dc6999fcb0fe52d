"""The administrator's pages: devices (with revocation) and one-time enrollment codes.

An enrollment code grants no consent: the person gives it themself, in their portal, and
their device sends nothing until they do.

The device list shows status and dates of enrollment and revocation, deliberately not when
a device was last seen or how much it sent: per device that is per person, and the purpose
lock forbids per-person activity or timing views.
"""

from __future__ import annotations

from typing import Annotated

import sqlalchemy as sa
from fastapi import FastAPI, Form, Request
from fastapi.responses import Response

from workprint.collector import admin
from workprint.collector.portal._access import viewer
from workprint.collector.portal._context import Portal
from workprint.collector.portal.errors import NotFound
from workprint.store.schema import devices, enrollment_codes


def add(app: FastAPI, portal: Portal) -> None:
    web = portal.web

    @app.get("/admin/devices", name="admin.devices")
    def admin_devices(request: Request) -> Response:
        with portal.read() as conn:
            rows = conn.execute(
                sa.select(
                    devices.c.device_id,
                    devices.c.person_id,
                    devices.c.status,
                    devices.c.created_at_ms,
                    devices.c.revoked_at_ms,
                ).order_by(devices.c.created_at_ms.desc(), devices.c.device_id)
            ).all()
        return web.page(
            request, "admin_devices.html", devices=rows, done=request.query_params.get("done")
        )

    @app.post("/admin/devices/{device_id}/revoke", name="admin.devices.revoke")
    def admin_devices_revoke(request: Request, device_id: str) -> Response:
        if not admin.revoke(
            portal.db(), device_id, actor=viewer(request).username, clock=portal.clock
        ):
            raise NotFound("no active device with that id", device_id=device_id)
        return web.redirect(request, "admin.devices", query="done=revoked")

    def codes_page(request: Request, *, code: str | None = None, status: int = 200) -> Response:
        with portal.read() as conn:
            rows = conn.execute(
                sa.select(
                    enrollment_codes.c.person_id,
                    enrollment_codes.c.created_at_ms,
                    enrollment_codes.c.expires_at_ms,
                    enrollment_codes.c.used_at_ms,
                )
                .order_by(enrollment_codes.c.created_at_ms.desc())
                .limit(200)
            ).all()
        return web.page(
            request,
            "admin_codes.html",
            status=status,
            codes=rows,
            code=code,
            now=portal.now(),
        )

    @app.get("/admin/codes", name="admin.codes")
    def admin_codes(request: Request) -> Response:
        return codes_page(request)

    @app.post("/admin/codes", name="admin.codes.create")
    def admin_codes_create(
        request: Request,
        person_id: Annotated[str, Form(max_length=64)],
    ) -> Response:
        # No consent is granted here: the person gives it themself, in their portal.
        code = admin.create_code(
            portal.db(), person_id.strip(), actor=viewer(request).username, clock=portal.clock
        )
        return codes_page(request, code=code)
