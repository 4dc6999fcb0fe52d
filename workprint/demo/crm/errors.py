"""Errors of the Nexus CRM demo tool; messages carry ids, never what a person typed."""

from __future__ import annotations

from workprint.core.errors import Terminal, Transient, WorkprintError


class CrmError(WorkprintError):
    """A defect in the demo CRM; the log has the error type, never form values."""

    code = "crm_error"


class CrmDatabaseMissing(CrmError, Terminal):
    """The CRM database file does not exist; start the CRM once to create and seed it."""

    code = "crm_db_missing"


class CrmNotFound(CrmError, Terminal):
    """A record asked for by a task check does not exist in the CRM database."""

    code = "crm_not_found"


class CrmStartFailed(CrmError, Transient):
    """The CRM server did not answer on its port in time; see its log, then start it again."""

    code = "crm_start_failed"


class CrmAlreadySeeded(CrmError, Terminal):
    """The CRM database already holds a team; seed only an empty database."""

    code = "crm_already_seeded"
