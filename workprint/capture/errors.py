"""Errors of the desktop agent.

Each carries a machine-readable ``code`` and a message that names the problem and what to do
next, never a captured value, a title or a token. Errors from the operating system, SQLite and
httpx are translated here, once, at the boundary (``raise ... from exc``).
"""

from __future__ import annotations

from workprint.core.errors import Terminal, Transient, WorkprintError


class CaptureError(WorkprintError):
    """The desktop agent could not do its work; nothing unredacted was kept."""

    code = "capture_error"


class AgentExtraMissing(CaptureError, Terminal):
    """The desktop capture libraries are not installed: ``pip install 'workprint[agent]'``."""

    code = "agent_extra_missing"


class DisplayUnavailable(CaptureError, Terminal):
    """No X11 display could be opened (``DISPLAY`` unset, or a Wayland-only desktop)."""

    code = "display_unavailable"


class TokenFileInsecure(CaptureError, Terminal):
    """The device token file is readable or writable by group or others; ``chmod 600`` it."""

    code = "token_file_insecure"


class AgentNotEnrolled(CaptureError, Terminal):
    """No collector URL or device token is known; run ``workprint agent enroll`` first."""

    code = "agent_not_enrolled"


class AgentNotRunning(CaptureError, Terminal):
    """No running agent answers on the control socket; start ``workprint agent``."""

    code = "agent_not_running"


class AgentAlreadyRunning(CaptureError, Terminal):
    """Another agent already uses this data directory's spool; stop it first."""

    code = "agent_already_running"


class CollectorUnreachable(CaptureError, Transient):
    """The collector did not answer (network down, wrong URL); the agent keeps its spool
    and tries again."""

    code = "collector_unreachable"


class CollectorRefused(CaptureError, Terminal):
    """The collector refused the request (bad token, consent withdrawn, device revoked,
    enrollment code invalid); the message names the collector's code."""

    code = "collector_refused"


class SpoolError(CaptureError, Terminal):
    """The agent's on-disk outbox could not be opened or written (disk full, corrupt file)."""

    code = "spool_error"
