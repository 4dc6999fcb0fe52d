"""CORS for the browser SDK: the collector answers browsers on the origins the policy allows.

A web tool's pages send batches to the collector from their own origin, so the browser asks
first (a preflight) and reads answers only when they name that origin. Allowed are exactly
the origins whose policy mode is not ``off``: a tool nobody allow-listed cannot even reach
the ingest API from a browser. No cookies are involved (device tokens travel in the
``Authorization`` header), so credentials are never allowed. A beacon (``text/plain``, no
preflight) from another origin still reaches the handler, where the policy check of every
event's context keeps nothing of it.
"""

from __future__ import annotations

import anyio
import msgspec
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from workprint.collector._policy_cache import PolicyCache

ALLOW_HEADERS = "authorization, content-type, content-encoding, if-none-match"
EXPOSE_HEADERS = "etag, retry-after"
ALLOW_METHODS = "GET, POST, OPTIONS"
MAX_AGE_S = "600"


class PolicyCors:
    """Pure ASGI middleware over ``/v1/``; other paths pass untouched."""

    def __init__(self, app: ASGIApp, policy: PolicyCache) -> None:
        self.app = app
        self.policy = policy

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith("/v1/"):
            await self.app(scope, receive, send)
            return
        origin = _header(scope, b"origin")
        if origin is None:
            await self.app(scope, receive, send)
            return
        if self.policy.fresh() is None:
            await anyio.to_thread.run_sync(self.policy.get)
        allowed = self.policy.origin_allowed(origin)
        preflight = scope["method"] == "OPTIONS" and (
            _header(scope, b"access-control-request-method") is not None
        )
        if preflight:
            await _preflight(send, origin if allowed else None)
            return
        if not allowed:
            await self.app(scope, receive, send)
            return

        async def send_with_cors(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += [
                    (b"access-control-allow-origin", origin.encode("latin-1")),
                    (b"access-control-expose-headers", EXPOSE_HEADERS.encode()),
                    (b"vary", b"Origin"),
                ]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_cors)


async def _preflight(send: Send, origin: str | None) -> None:
    if origin is None:
        body = msgspec.json.encode(
            {"code": "origin_forbidden", "detail": "the capture policy does not allow this origin"}
        )
        headers = [(b"content-type", b"application/json"), (b"vary", b"Origin")]
        await send({"type": "http.response.start", "status": 403, "headers": headers})
        await send({"type": "http.response.body", "body": body})
        return
    headers = [
        (b"access-control-allow-origin", origin.encode("latin-1")),
        (b"access-control-allow-methods", ALLOW_METHODS.encode()),
        (b"access-control-allow-headers", ALLOW_HEADERS.encode()),
        (b"access-control-max-age", MAX_AGE_S.encode()),
        (b"vary", b"Origin"),
    ]
    await send({"type": "http.response.start", "status": 204, "headers": headers})
    await send({"type": "http.response.body", "body": b""})


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key == name:
            return bytes(value).decode("latin-1")
    return None
