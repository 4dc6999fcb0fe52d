"""The one error tree of Workprint.

Every error raised on purpose by Workprint derives from :class:`WorkprintError`. Each stage
subclasses it in its own ``errors.py``. The :class:`Transient` and :class:`Terminal` mixins
say whether the same operation may succeed if retried. Third-party exceptions are translated
once, at the boundary, with ``raise ... from exc``.

Every error carries a machine-readable ``code`` (documented in ``docs/errors.md``; a test
fails when one is missing there) and a human message that never contains personal data:
ids are fine, payloads, typed text, titles, URLs and tokens are not.
"""

from __future__ import annotations


class WorkprintError(Exception):
    """Root of every error Workprint raises on purpose."""

    code: str = "error"
    """Machine-readable code; stable across releases."""

    def __init__(self, message: str, **ids: str | int | None) -> None:
        self.message = message
        self.ids = {k: v for k, v in ids.items() if v is not None}
        super().__init__(message)

    def __str__(self) -> str:
        if not self.ids:
            return self.message
        tags = ", ".join(f"{k}={v}" for k, v in sorted(self.ids.items()))
        return f"{self.message} ({tags})"


class Transient:
    """Mixin: the same operation may succeed later; retry with backoff."""

    retryable = True


class Terminal:
    """Mixin: retrying the same operation will fail the same way."""

    retryable = False


class ConfigError(WorkprintError, Terminal):
    """A setting is missing, malformed or contradicts another."""

    code = "config_invalid"


class ContractError(WorkprintError, Terminal):
    """Data does not satisfy the wire contract (event or batch)."""

    code = "schema_violation"


def is_retryable(exc: BaseException) -> bool:
    """True when the error says a retry may succeed."""
    return bool(getattr(exc, "retryable", False))
