"""The collector, as the agent reaches it: over HTTP only (httpx), never by import.

:class:`Collector` fetches who the device is (``GET /v1/device``) and the capture policy
(``GET /v1/policy`` with ``If-None-Match``), and posts batches. :func:`enroll` exchanges a
one-time code at ``POST /v1/enroll``. httpx errors and refusals are translated here into
:class:`~.errors.CollectorUnreachable` (retry later) and :class:`~.errors.CollectorRefused`
(the collector's ``code`` named, never its detail). :class:`Cache` keeps the last device
answer and policy on disk, so an agent that starts offline still knows both.
"""

from __future__ import annotations

import gzip
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import httpx
import msgspec

import workprint
from workprint.capture._files import read_private, write_private
from workprint.capture.errors import CollectorRefused, CollectorUnreachable
from workprint.capture.pipeline import Identity
from workprint.core.config import Secret
from workprint.privacy.errors import PolicyInvalid
from workprint.privacy.policy import Policy, PolicyDocument, parse

USER_AGENT: Final = f"workprint-agent/{workprint.__version__}"
REFUSALS: Final = {401: "token_invalid", 403: "consent_missing", 410: "device_revoked"}


class _Consent(msgspec.Struct, frozen=True):
    grant_id: str
    notice_version: str


class Hints(msgspec.Struct, frozen=True):
    max_batch_events: int = 1000
    flush_interval_ms: int = 3000


class _Device(msgspec.Struct, frozen=True):
    device_id: str
    consent: _Consent
    hints: Hints = Hints()


class _Enrolled(msgspec.Struct, frozen=True):
    device_id: str
    token: str


class _ErrorBody(msgspec.Struct, frozen=True):
    code: str = "unknown"


@dataclass(frozen=True, slots=True)
class DeviceInfo:
    identity: Identity
    hints: Hints


def error_code(response: httpx.Response) -> str:
    """The ``code`` of an error answer (never its free-text detail)."""
    try:
        code = msgspec.json.decode(response.content, type=_ErrorBody).code
    except msgspec.DecodeError:
        return f"http_{response.status_code}"
    return code if code.replace("_", "").isalnum() and len(code) <= 64 else "unknown"


def _unreachable(exc: BaseException) -> CollectorUnreachable:
    return CollectorUnreachable(f"cannot reach the collector ({type(exc).__name__})")


def _check(response: httpx.Response, what: str) -> None:
    if response.status_code in REFUSALS or response.status_code == 400:
        code = error_code(response)
        raise CollectorRefused(f"the collector refused {what} ({code})", status=code)
    if response.status_code >= 300:
        raise CollectorUnreachable(f"the collector answered {what} with {response.status_code}")


def policy_from_json(body: bytes) -> Policy:
    """A served policy (the JSON of a :class:`PolicyDocument`) as a validated :class:`Policy`."""
    try:
        document = msgspec.json.decode(body, type=PolicyDocument)
    except msgspec.DecodeError as exc:
        raise PolicyInvalid("the served policy is not a valid policy document") from exc
    return parse(msgspec.toml.encode(document).decode(), name="served policy")


class Collector:
    """The collector's HTTP API with this device's token."""

    def __init__(
        self,
        base_url: str,
        token: Secret,
        *,
        transport: httpx.BaseTransport | None = None,
        timeout_s: float = 30.0,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._client = httpx.Client(
            base_url=self.base_url,
            headers={"Authorization": f"Bearer {token.reveal()}", "User-Agent": USER_AGENT},
            timeout=timeout_s,
            transport=transport,
        )

    def close(self) -> None:
        self._client.close()

    def _get(self, path: str, headers: dict[str, str] | None = None) -> httpx.Response:
        try:
            return self._client.get(path, headers=headers)
        except httpx.HTTPError as exc:
            raise _unreachable(exc) from exc

    def device(self) -> DeviceInfo:
        response = self._get("/v1/device")
        _check(response, "the device")
        try:
            body = msgspec.json.decode(response.content, type=_Device)
        except msgspec.DecodeError as exc:
            raise CollectorUnreachable("the collector's device answer is not valid") from exc
        identity = Identity(body.device_id, body.consent.grant_id, body.consent.notice_version)
        return DeviceInfo(identity, body.hints)

    def policy(self, etag: str | None = None) -> tuple[Policy, str] | None:
        """The served policy and its ETag, or ``None`` when unchanged since ``etag``."""
        response = self._get("/v1/policy", {"If-None-Match": etag} if etag else None)
        if response.status_code == 304:
            return None
        _check(response, "the policy request")
        return policy_from_json(response.content), response.headers.get("etag", "")

    def post_batch(self, body: bytes, *, compress: bool) -> httpx.Response:
        """One ``POST /v1/ingest/batch``; transport failures are :class:`CollectorUnreachable`."""
        headers = {"Content-Type": "application/json"}
        if compress:
            body = gzip.compress(body, compresslevel=5)
            headers["Content-Encoding"] = "gzip"
        try:
            return self._client.post("/v1/ingest/batch", content=body, headers=headers)
        except httpx.HTTPError as exc:
            raise _unreachable(exc) from exc


def enroll(
    base_url: str, code: str, *, transport: httpx.BaseTransport | None = None
) -> tuple[str, str]:
    """Exchange a one-time enrollment code; ``(device_id, token)``."""
    url = base_url.rstrip("/") + "/v1/enroll"
    try:
        with httpx.Client(timeout=30.0, transport=transport) as client:
            response = client.post(
                url, json={"code": code.strip()}, headers={"User-Agent": USER_AGENT}
            )
    except httpx.HTTPError as exc:
        raise _unreachable(exc) from exc
    _check(response, "the enrollment code")
    try:
        body = msgspec.json.decode(response.content, type=_Enrolled)
    except msgspec.DecodeError as exc:
        raise CollectorUnreachable("the collector's enrollment answer is not valid") from exc
    return body.device_id, body.token


class _Cached(msgspec.Struct):
    device: _Device | None = None
    policy: str | None = None
    """The policy's JSON document, as served."""
    etag: str | None = None


class Cache:
    """The last device answer and policy, in ``<agent dir>/state.json`` (0600)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def _read(self) -> _Cached:
        data = read_private(self.path)
        if not data:
            return _Cached()
        try:
            return msgspec.json.decode(data, type=_Cached)
        except msgspec.DecodeError:
            return _Cached()  # a damaged cache is refetched, never trusted

    def device(self) -> DeviceInfo | None:
        body = self._read().device
        if body is None:
            return None
        identity = Identity(body.device_id, body.consent.grant_id, body.consent.notice_version)
        return DeviceInfo(identity, body.hints)

    def policy(self) -> tuple[Policy, str] | None:
        cached = self._read()
        if cached.policy is None:
            return None
        try:
            return policy_from_json(cached.policy.encode()), cached.etag or ""
        except PolicyInvalid:
            return None

    def save_device(self, info: DeviceInfo) -> None:
        cached = self._read()
        ident = info.identity
        cached.device = _Device(
            ident.device_id, _Consent(ident.grant_id, ident.notice_version), info.hints
        )
        write_private(self.path, msgspec.json.encode(cached))

    def save_policy(self, policy: Policy, etag: str) -> None:
        cached = self._read()
        cached.policy = msgspec.json.encode(policy.document).decode()
        cached.etag = etag
        write_private(self.path, msgspec.json.encode(cached))
