"""Routes a capturer needs besides ingest: who am I (``GET /v1/device``) and enrollment by a
one-time code (``POST /v1/enroll``), used by the browser extension and the SDK."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import anyio
import msgspec
import sqlalchemy as sa
from fastapi import FastAPI, Request
from fastapi.responses import Response
from sqlalchemy.engine import Engine

from workprint.collector.admin import redeem_code
from workprint.collector.auth import authenticate, bearer_token
from workprint.collector.errors import BodyInvalid, ConsentRequired
from workprint.collector.ingest import Limits
from workprint.core.clock import Clock
from workprint.governance.pause import is_paused
from workprint.store.engine import read_tx
from workprint.store.schema import consent_grants

_STATUS_TEXT = {
    400: "Body undecodable (body_invalid) or enrollment code unknown, used or expired",
    401: "Missing or unknown device token (token_invalid)",
    403: "No live capture consent (consent_missing)",
    410: "Device revoked (device_revoked)",
    413: "Too many events or bytes; split the batch (batch_too_large)",
    429: "Too many batches in flight; honour Retry-After (overloaded)",
    503: "Store busy or unreachable; honour Retry-After (unavailable)",
}


class ConsentRef(msgspec.Struct, frozen=True):
    grant_id: str
    notice_version: str


class Hints(msgspec.Struct, frozen=True):
    max_batch_events: int
    flush_interval_ms: int


class DeviceInfo(msgspec.Struct, frozen=True):
    """What a capturer stamps on its events: its device id and the live capture grant."""

    device_id: str
    consent: ConsentRef
    hints: Hints
    capture_paused: bool = False
    """The person paused capture in the portal: capture nothing until it is false again."""


class EnrollRequest(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    code: str


class EnrollResult(msgspec.Struct, frozen=True):
    device_id: str
    token: str


SCHEMAS = (DeviceInfo, EnrollRequest, EnrollResult)
_encoder = msgspec.json.Encoder()


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI entries for error answers, all ``{"code", "detail"}`` bodies."""
    return {
        status: {
            "description": _STATUS_TEXT[status],
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}},
        }
        for status in statuses
    }


def _ok(schema: str) -> dict[int | str, dict[str, Any]]:
    return {
        200: {
            "description": "OK",
            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
        }
    }


def device_info(engine: Engine, token: str, limits: Limits) -> DeviceInfo:
    auth = authenticate(engine, token)
    with read_tx(engine) as conn:
        row = conn.execute(
            sa.select(consent_grants.c.grant_id, consent_grants.c.notice_version)
            .where(consent_grants.c.grant_id.in_(sorted(auth.capture_grants)))
            .order_by(consent_grants.c.granted_at_ms.desc(), consent_grants.c.grant_id.desc())
            .limit(1)
        ).first()
        paused = is_paused(conn, auth.person_id)
    if row is None:  # withdrawn between the two reads
        raise ConsentRequired("no live capture consent for this device's person")
    return DeviceInfo(
        device_id=auth.device_id,
        consent=ConsentRef(row.grant_id, row.notice_version),
        hints=Hints(limits.max_batch_events, limits.flush_interval_ms),
        capture_paused=paused,
    )


def add(app: FastAPI, db: Callable[[], Engine], clock: Clock, limits: Limits) -> None:
    @app.get(
        "/v1/device",
        summary="The authenticated device and the consent grant its events must name",
        response_class=Response,
        responses={**_ok("DeviceInfo"), **error_responses(401, 403, 410, 503)},
        openapi_extra={"security": [{"deviceToken": []}]},
    )
    async def get_device(request: Request) -> Response:
        token = bearer_token(request.headers.get("authorization"))
        info = await anyio.to_thread.run_sync(device_info, db(), token, limits)
        return Response(_encoder.encode(info), media_type="application/json")

    @app.post(
        "/v1/enroll",
        summary="Exchange a one-time enrollment code for a device token",
        description=(
            "The code comes from an administrator (`workprint enroll PERSON --code`). It works "
            "once and expires; the new device sends only while its person has a live capture "
            "grant."
        ),
        response_class=Response,
        responses={**_ok("EnrollResult"), **error_responses(400, 503)},
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/EnrollRequest"}}
                },
            }
        },
    )
    async def enroll_by_code(request: Request) -> Response:
        body = await request.body()
        if len(body) > 4096:
            raise BodyInvalid("enrollment request too large")
        try:
            wanted = msgspec.json.decode(body, type=EnrollRequest)
        except msgspec.DecodeError as exc:
            raise BodyInvalid('body must be {"code": "WP-...."}') from exc
        enrollment = await anyio.to_thread.run_sync(
            lambda: redeem_code(db(), wanted.code, clock=clock)
        )
        result = EnrollResult(enrollment.device_id, enrollment.token)
        return Response(
            _encoder.encode(result),
            media_type="application/json",
            headers={"Cache-Control": "no-store"},
        )
