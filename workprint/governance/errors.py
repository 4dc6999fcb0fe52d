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


class AccountInvalid(GovernanceError, Terminal):
    """A username, role or password does not meet the rules, or the account exists already;
    the message says which rule."""

    code = "account_invalid"


class AccountUnknown(GovernanceError, Terminal):
    """No such portal account, or it is disabled."""

    code = "account_unknown"


class RangeInvalid(GovernanceError, Terminal):
    """A time range whose end is not after its start, or a date that cannot be read."""

    code = "range_invalid"


class RetentionInvalid(GovernanceError, Terminal):
    """A retention period outside 1 to 3650 days, or an unknown retention target."""

    code = "retention_invalid"


class AggregateRefused(GovernanceError, Terminal):
    """An aggregate that the purpose lock does not allow (unknown view or a period other than
    one calendar month); aggregates never describe fewer than 10 people."""

    code = "aggregate_refused"


class ExportUnavailable(GovernanceError, Terminal):
    """The export cannot be made: Parquet needs the 'dataset' extra
    (``pip install 'workprint[dataset]'``), or the dataset export is not approved, has expired
    or its version is no longer current."""

    code = "export_unavailable"


class ConsentInvalid(GovernanceError, Terminal):
    """A notice version or text that does not meet the rules, or one already published."""

    code = "consent_invalid"


class ExportRequestInvalid(GovernanceError, Terminal):
    """A dataset export request without a stated purpose, for an unknown or non-current
    version, or a decision on a request that is no longer pending."""

    code = "export_request_invalid"
