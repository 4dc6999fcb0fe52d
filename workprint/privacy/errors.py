"""Errors of the privacy engine."""

from __future__ import annotations

from workprint.core.errors import Terminal, WorkprintError


class PrivacyError(WorkprintError):
    """The privacy engine could not do its work; the data concerned is dropped, not kept."""

    code = "privacy_error"


class PolicyInvalid(PrivacyError, Terminal):
    """The policy document is not valid; the message names the line and the problem."""

    code = "policy_invalid"


class RedactionFailed(PrivacyError, Terminal):
    """Redaction raised: the event is dropped and a ``gap`` with reason ``redaction_error``
    takes its place (fail closed)."""

    code = "redaction_failed"
