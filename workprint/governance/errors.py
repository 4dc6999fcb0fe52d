"""Errors of the governance plane."""

from __future__ import annotations

from workprint.core.errors import Terminal, WorkprintError


class GovernanceError(WorkprintError):
    """A governance rule refused the operation."""

    code = "governance_error"


class ConsentMissing(GovernanceError, Terminal):
    """The person has no live grant for the purpose; nothing is stored."""

    code = "consent_missing"


class UnknownPerson(GovernanceError, Terminal):
    """No such person, or a person id that is not valid (1-64 letters, digits, . _ @ -)."""

    code = "unknown_person"


class AuditChainBroken(GovernanceError, Terminal):
    """An audit entry does not hash to what the next one recorded: the log was altered."""

    code = "audit_chain_broken"
