"""Errors of the store stage; third-party database errors are translated here, once."""

from __future__ import annotations

from workprint.core.errors import Terminal, Transient, WorkprintError


class StoreError(WorkprintError):
    """Something went wrong talking to the database."""

    code = "store_error"


class StoreBusy(StoreError, Transient):
    """The database is locked or overloaded; retry after a short wait."""

    code = "store_busy"


class StoreUnavailable(StoreError, Transient):
    """The database cannot be reached."""

    code = "store_unavailable"


class StoreUrlInvalid(StoreError, Terminal):
    """The database URL names no engine Workprint supports."""

    code = "store_url_invalid"


class SchemaOutdated(StoreError, Terminal):
    """The database schema is older than this release; run ``workprint db upgrade``."""

    code = "schema_outdated"


class NotFound(StoreError, Terminal):
    """A record the caller named does not exist."""

    code = "not_found"
