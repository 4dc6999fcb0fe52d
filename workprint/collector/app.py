"""The collector's ASGI application (FastAPI): ``create_app`` is the one app/server seam.

Routes: ``POST /v1/ingest/batch``, ``POST /v1/ingest/beacon`` (page hide, token in the
body), ``GET /v1/policy``, ``GET /v1/device``, ``POST /v1/enroll``, ``GET /healthz``,
``GET /readyz``, ``GET /metrics``. Browsers are answered (CORS) on the origins the policy
allows. Every error answer is ``{"code": ..., "detail": ...}`` with the status of
DESIGN.md section 4, and ``Retry-After`` on 429 and 503. The OpenAPI document is generated
from the same types the handlers use (the batch schema comes from the event contract).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import logging
import time
from collections.abc import AsyncIterator
from typing import Any

import anyio
import msgspec
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy.engine import Engine
from starlette.exceptions import HTTPException as StarletteHTTPException

import workprint
from workprint.collector import balance, device_routes
from workprint.collector._policy_cache import PolicyCache
from workprint.collector.auth import authenticate, bearer_token
from workprint.collector.config import CollectorConfig
from workprint.collector.cors import PolicyCors
from workprint.collector.errors import (
    BatchTooLarge,
    BodyInvalid,
    CollectorError,
    Overloaded,
    Unavailable,
)
from workprint.collector.ingest import IngestResult, Limits, Redactor, ingest
from workprint.collector.metrics import Metrics
from workprint.collector.portal import PortalConfig, create_portal
from workprint.collector.redaction import CollectorRedactor
from workprint.core.clock import Clock, SystemClock, to_epoch_ms
from workprint.core.errors import WorkprintError
from workprint.core.events import Batch
from workprint.governance.config import RetentionConfig
from workprint.privacy.policy import PolicyDocument
from workprint.store import migrate
from workprint.store.engine import Checkpointer, create_engine, is_sqlite
from workprint.store.errors import StoreBusy, StoreError, StoreUnavailable
from workprint.store.events import write_batch
from workprint.store.group_commit import GroupCommitter

log = logging.getLogger(__name__)


class ErrorBody(msgspec.Struct, frozen=True):
    """Every non-2xx answer."""

    code: str
    detail: str


class Beacon(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """``POST /v1/ingest/beacon``: what ``navigator.sendBeacon`` can send (no headers)."""

    token: str
    batch: msgspec.Raw


class Health(msgspec.Struct, frozen=True):
    status: str
    version: str


_encoder = msgspec.json.Encoder()
_CLOSE = {"Connection": "close"}

API_CODES: dict[str, str] = {
    "not_found": "404: no such route",
    "method_not_allowed": "405: the route exists with another method",
    "request_invalid": "400: query or header parameters are not valid",
    "not_ready": "503 from /readyz: store unreachable or schema not current",
    "internal_error": "500: a defect; the log has the error type, never the payload",
    "http_error": "another HTTP-level error from the server framework",
}
"""Codes the API answers with that are not raised as Workprint errors."""


def _json(value: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(_encoder.encode(value), status, headers, media_type="application/json")


def _error(status: int, code: str, detail: str, retry_after: int | None = None) -> Response:
    headers = {"Retry-After": str(retry_after)} if retry_after is not None else None
    return _json(ErrorBody(code, detail), status, headers)


def create_app(
    config: CollectorConfig | None = None,
    *,
    engine: Engine | None = None,
    clock: Clock | None = None,
    redactor: Redactor | None = None,
    portal: PortalConfig | None = None,
    retention: RetentionConfig | None = None,
) -> FastAPI:
    """The collector app. Pass ``engine`` to share one (tests); otherwise it is made from
    ``config.db_url`` at start-up and disposed at shutdown."""
    cfg = config or CollectorConfig()
    clk = clock or SystemClock()
    metrics = Metrics()
    limits = Limits(cfg.max_batch_events, cfg.max_body_bytes, cfg.flush_interval_ms)
    state: dict[str, Any] = {"engine": engine, "inflight": 0, "redactor": redactor}

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        owned = state["engine"] is None
        if owned:
            state["engine"] = create_engine(
                cfg.db_url,
                synchronous=cfg.sqlite_synchronous,
                busy_timeout_ms=cfg.sqlite_busy_timeout_ms,
                background_checkpoints=True,
            )
        if cfg.auto_migrate:
            await anyio.to_thread.run_sync(migrate.upgrade, state["engine"])
        checkpointer = Checkpointer(state["engine"]) if owned else None
        if checkpointer is not None:
            checkpointer.start()
        state["committer"] = GroupCommitter(state["engine"])
        if state["redactor"] is None and cfg.redact:
            state["redactor"] = CollectorRedactor(state["engine"], policy_cache.get)
        threads = cfg.ingest_threads or (1 if is_sqlite(state["engine"]) else 4)
        state["limiter"] = anyio.CapacityLimiter(threads)
        # With one ingest thread there is never a second batch to group with: write directly
        # and spare the hand-over to the writer thread.
        state["write"] = (
            functools.partial(write_batch, state["engine"])
            if threads == 1
            else state["committer"].write
        )
        log.info(
            "collector ready version=%s backend=%s",
            workprint.__version__,
            state["engine"].dialect.name,
        )
        try:
            yield
        finally:
            await anyio.to_thread.run_sync(state["committer"].close)
            if checkpointer is not None:
                await anyio.to_thread.run_sync(checkpointer.stop)
            if owned:
                state["engine"].dispose()

    app = FastAPI(
        title="Workprint collector",
        version=workprint.__version__,
        summary="Ingest of consented, redacted work-activity events (wire format v1).",
        lifespan=lifespan,
    )
    app.state.metrics = metrics
    app.state.config = cfg

    def db() -> Engine:
        eng = state["engine"]
        if eng is None:  # pragma: no cover - lifespan always sets it
            raise Unavailable("collector is starting")
        return eng  # type: ignore[no-any-return]

    policy_cache = PolicyCache(db, cfg.policy_cache_s)
    app.add_middleware(PolicyCors, policy=policy_cache)

    @app.exception_handler(CollectorError)
    async def _collector_error(_r: Request, exc: CollectorError) -> Response:
        return _error(exc.status, exc.code, str(exc), exc.retry_after)

    @app.exception_handler(StoreError)
    async def _store_error(_r: Request, exc: StoreError) -> Response:
        if isinstance(exc, StoreBusy | StoreUnavailable):
            return _error(503, "unavailable", "store busy or unreachable; retry", 2)
        log.error("store error code=%s", exc.code)
        return _error(500, exc.code, "internal store error")

    @app.exception_handler(WorkprintError)
    async def _wp_error(_r: Request, exc: WorkprintError) -> Response:
        return _error(400, exc.code, str(exc))

    @app.exception_handler(RequestValidationError)
    async def _validation(_r: Request, exc: RequestValidationError) -> Response:
        return _error(400, "request_invalid", "request parameters are not valid")

    @app.exception_handler(StarletteHTTPException)
    async def _http(_r: Request, exc: StarletteHTTPException) -> Response:
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        return _error(exc.status_code, code, str(exc.detail))

    @app.exception_handler(Exception)
    async def _unhandled(_r: Request, exc: Exception) -> Response:
        log.error("unhandled error type=%s", type(exc).__name__)
        return _error(500, "internal_error", "internal error")

    @app.post(
        "/v1/ingest/batch",
        summary="Ingest a batch of events",
        description=(
            "Answers only after the batch is committed. Duplicates (same event_id, same "
            "content) are acknowledged and never stored twice; invalid events are quarantined "
            "while the valid rest is kept. Body: a v1 batch as JSON, optionally gzip."
        ),
        response_class=Response,
        responses={
            200: {
                "description": "Committed",
                "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/IngestResult"}}
                },
            },
            **{
                status: {
                    "description": text,
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}
                    },
                }
                for status, text in (
                    (400, "Body undecodable or not a batch (code body_invalid)"),
                    (401, "Missing or unknown device token (code token_invalid)"),
                    (403, "No live capture consent; nothing stored (code consent_missing)"),
                    (410, "Device revoked (code device_revoked)"),
                    (413, "Too many events or bytes; split the batch (code batch_too_large)"),
                    (415, "Content-Encoding not gzip or identity (code encoding_unsupported)"),
                    (429, "Too many batches in flight; honour Retry-After (code overloaded)"),
                    (503, "Store busy or unreachable; honour Retry-After (code unavailable)"),
                )
            },
        },
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Batch"}}},
            },
            "security": [{"deviceToken": []}],
        },
    )
    async def ingest_batch(request: Request) -> Response:
        token = bearer_token(request.headers.get("authorization"))
        return await run_ingest(request, token)

    async def run_ingest(request: Request, token: str | None) -> Response:
        declared = request.headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > cfg.max_body_bytes:
            raise BatchTooLarge(f"body exceeds {cfg.max_body_bytes} bytes; split the batch")
        if state["inflight"] >= cfg.max_inflight_batches:
            metrics.batches.labels("429", "overloaded").inc()
            raise Overloaded("too many batches in flight; retry after the delay")
        state["inflight"] += 1
        metrics.inflight.inc()
        try:
            body = await _read_body(request, cfg.max_body_bytes)
            encoding = request.headers.get("content-encoding")
            if token is None:  # a beacon: the token travels in the body
                token, body = _unwrap_beacon(body)
                encoding = None
            started = time.perf_counter()
            work = functools.partial(
                ingest,
                db(),
                token,
                body,
                encoding,
                limits,
                to_epoch_ms(clk.now()),
                state["redactor"],
                state["write"],
            )
            answer, result = await anyio.to_thread.run_sync(work, limiter=state["limiter"])
            metrics.latency.observe(time.perf_counter() - started)
        except CollectorError as exc:
            metrics.batches.labels(str(exc.status), exc.code).inc()
            raise
        except (StoreBusy, StoreUnavailable):
            metrics.batches.labels("503", "unavailable").inc()
            raise
        finally:
            state["inflight"] -= 1
            metrics.inflight.dec()
        metrics.batches.labels("200", "ok").inc()
        metrics.events.labels("accepted").inc(answer.accepted)
        metrics.events.labels("duplicate").inc(len(answer.duplicates))
        metrics.events.labels("quarantined").inc(len(answer.quarantined))
        for q in answer.quarantined:
            metrics.quarantined.labels(q.code).inc()
        metrics.gaps.inc(result.gaps_opened)
        metrics.bytes.inc(len(body))
        # A worker holding more than its share of connections lets this one go (balance.py).
        return _json(answer, headers=_CLOSE if balance.should_close() else None)

    @app.post(
        "/v1/ingest/beacon",
        summary="Ingest a batch sent by navigator.sendBeacon on page hide",
        description=(
            "The same as /v1/ingest/batch for clients that cannot set headers: the body is "
            '`{"token": <device token>, "batch": <v1 batch>}` sent as text/plain (no CORS '
            "preflight). Clients keep the events queued and send them again later; the "
            "collector deduplicates by event_id."
        ),
        response_class=Response,
        responses=device_routes.error_responses(400, 401, 403, 410, 413, 429, 503),
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {
                    "text/plain": {"schema": {"$ref": "#/components/schemas/Beacon"}},
                    "application/json": {"schema": {"$ref": "#/components/schemas/Beacon"}},
                },
            }
        },
    )
    async def ingest_beacon(request: Request) -> Response:
        return await run_ingest(request, None)

    device_routes.add(app, db, clk, limits)
    app.mount(
        "/portal", create_portal(db, portal or PortalConfig(), retention=retention, clock=clk)
    )

    @app.get(
        "/v1/policy",
        summary="The capture policy for agents and SDKs",
        response_class=Response,
        responses={
            200: {
                "description": "The active policy",
                "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/PolicyDocument"}}
                },
            },
            304: {"description": "Unchanged since the ETag sent in If-None-Match"},
            401: {
                "description": "Missing or unknown device token",
                "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}
                },
            },
            403: {
                "description": "No live capture consent",
                "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}
                },
            },
            410: {
                "description": "Device revoked",
                "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}
                },
            },
            503: {
                "description": "Store unavailable",
                "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}
                },
            },
        },
        openapi_extra={"security": [{"deviceToken": []}]},
    )
    async def get_policy(request: Request) -> Response:
        token = bearer_token(request.headers.get("authorization"))
        await anyio.to_thread.run_sync(authenticate, db(), token)
        policy = await anyio.to_thread.run_sync(policy_cache.get)
        body = _encoder.encode(policy.document)
        etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
        if request.headers.get("if-none-match") == etag:
            return Response(status_code=304, headers={"ETag": etag})
        return Response(body, 200, {"ETag": etag}, media_type="application/json")

    @app.get(
        "/healthz",
        summary="Liveness",
        response_class=Response,
        responses={
            200: {
                "description": "Process is up",
                "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/Health"}}
                },
            }
        },
    )
    async def healthz() -> Response:
        return _json(Health("ok", workprint.__version__))

    @app.get(
        "/readyz",
        summary="Readiness: store reachable and schema current",
        response_class=Response,
        responses={
            200: {
                "description": "Ready",
                "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/Health"}}
                },
            },
            503: {
                "description": "Not ready",
                "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}
                },
            },
        },
    )
    async def readyz() -> Response:
        try:
            await anyio.to_thread.run_sync(migrate.require_current, db())
        except StoreError as exc:
            return _error(503, "not_ready", str(exc), 2)
        return _json(Health("ready", workprint.__version__))

    @app.get(
        "/metrics",
        summary="Prometheus metrics (no personal data, no per-device series)",
        response_class=Response,
        responses={
            200: {
                "description": "Prometheus text format",
                "content": {"text/plain": {"schema": {"type": "string"}}},
            }
        },
    )
    async def prometheus() -> Response:
        return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        doc = get_openapi(
            title=app.title, version=app.version, summary=app.summary, routes=app.routes
        )
        _, components = msgspec.json.schema_components(
            [
                Batch,
                IngestResult,
                ErrorBody,
                PolicyDocument,
                Health,
                Beacon,
                *device_routes.SCHEMAS,
            ],
            ref_template="#/components/schemas/{name}",
        )
        schemas = doc.setdefault("components", {}).setdefault("schemas", {})
        schemas.update(components)
        doc["components"]["securitySchemes"] = {
            "deviceToken": {
                "type": "http",
                "scheme": "bearer",
                "description": "Device token from `workprint enroll`.",
            }
        }
        app.openapi_schema = doc
        return doc

    app.openapi = openapi  # type: ignore[method-assign]
    return app


async def _read_body(request: Request, limit: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BatchTooLarge(f"body exceeds {limit} bytes; split the batch")
        chunks.append(chunk)
    return b"".join(chunks)


def _unwrap_beacon(body: bytes) -> tuple[str, bytes]:
    try:
        beacon = msgspec.json.decode(body, type=Beacon)
    except msgspec.DecodeError as exc:
        raise BodyInvalid('beacon body must be {"token": ..., "batch": {...}}') from exc
    return beacon.token, bytes(beacon.batch)


def app_from_env() -> FastAPI:
    """App factory for multi-worker servers: settings from the environment and the file
    named by ``WORKPRINT_CONFIG``."""
    import os
    from pathlib import Path

    from workprint.core.config import load_section, read_toml

    path = os.environ.get("WORKPRINT_CONFIG")
    toml = read_toml(Path(path) if path else None)
    return create_app(
        load_section(CollectorConfig, "collector", toml=toml),
        portal=load_section(PortalConfig, "portal", toml=toml),
        retention=load_section(RetentionConfig, "retention", toml=toml),
    )
