"""Errors the portal answers with: each maps to one HTTP status and one ``code``."""

from __future__ import annotations

from workprint.collector.errors import CollectorError
from workprint.core.errors import Terminal


class PortalError(CollectorError):
    """A portal request was refused."""

    status = 400
    code = "portal_error"


class LoginRequired(PortalError, Terminal):
    """The page needs a signed-in account (pages redirect to the sign-in form)."""

    status = 401
    code = "login_required"


class Forbidden(PortalError, Terminal):
    """The signed-in role may not use this page or endpoint."""

    status = 403
    code = "forbidden"


class CsrfInvalid(PortalError, Terminal):
    """A form was sent without this session's CSRF token, or from another site; reload the
    page and send it again."""

    status = 403
    code = "csrf_invalid"


class LoginThrottled(PortalError, Terminal):
    """Too many failed sign-ins for this username or address; wait for ``Retry-After``."""

    status = 429
    code = "login_throttled"


class LoginFailed(PortalError, Terminal):
    """Username or password is wrong (the answer never says which)."""

    status = 401
    code = "login_failed"


class NotFound(PortalError, Terminal):
    """No such record (or not one this account may see)."""

    status = 404
    code = "portal_not_found"
