"""Errors the collector answers with: each maps to one HTTP status and one ``code``."""

from __future__ import annotations

from workprint.core.errors import Terminal, Transient, WorkprintError


class CollectorError(WorkprintError):
    """A defect in the collector; the log has the error type, never the payload."""

    status: int = 500
    code = "internal_error"
    retry_after: int | None = None


class BodyInvalid(CollectorError, Terminal):
    """The body is not a decodable batch (bad gzip, not JSON, envelope not valid)."""

    status = 400
    code = "body_invalid"


class TokenInvalid(CollectorError, Terminal):
    """No bearer token, or one the collector does not know."""

    status = 401
    code = "token_invalid"


class ConsentRequired(CollectorError, Terminal):
    """The device's person has no live capture grant; nothing was stored."""

    status = 403
    code = "consent_missing"


class DeviceRevoked(CollectorError, Terminal):
    """The device was revoked; enroll again."""

    status = 410
    code = "device_revoked"


class BatchTooLarge(CollectorError, Terminal):
    """Too many events or bytes in one batch; split it and send the halves."""

    status = 413
    code = "batch_too_large"


class UnsupportedEncoding(CollectorError, Terminal):
    """A ``Content-Encoding`` other than gzip or identity."""

    status = 415
    code = "encoding_unsupported"


class Overloaded(CollectorError, Transient):
    """Too many batches in flight; retry after ``Retry-After`` seconds."""

    status = 429
    code = "overloaded"
    retry_after = 1


class Unavailable(CollectorError, Transient):
    """The store is busy or unreachable; retry after ``Retry-After`` seconds."""

    status = 503
    code = "unavailable"
    retry_after = 2


class CodeInvalid(CollectorError, Terminal):
    """The enrollment code is unknown, already used or expired; ask for a new one."""

    status = 400
    code = "enrollment_code_invalid"


class OriginForbidden(CollectorError, Terminal):
    """A browser request from an origin the capture policy does not allow."""

    status = 403
    code = "origin_forbidden"
