"""Errors of the demo loop and the simulated team; messages carry counts and ids, never what a
simulated person typed (their passwords and card numbers are secrets even when synthetic)."""

from __future__ import annotations

from workprint.core.errors import Terminal, Transient, WorkprintError


class DemoError(WorkprintError):
    """The demo or the simulated team could not run; the message says which part failed."""

    code = "demo_error"


class BrowserUnavailable(DemoError, Terminal):
    """Playwright (the ``demo`` extra) or Chromium at ``/usr/bin/chromium`` is missing:
    install the extra and Debian's ``chromium`` package; no browser is ever downloaded."""

    code = "browser_unavailable"


class SdkMissing(DemoError, Terminal):
    """The built browser SDK (``sdk/dist/workprint.js``) is missing: run ``npm ci`` and
    ``npm run build`` in ``sdk/``."""

    code = "sdk_missing"


class RecorderNotReady(DemoError, Transient):
    """The recorder in a simulated person's page did not start in time (the collector did not
    answer, or the policy does not allow the tool's origin)."""

    code = "recorder_not_ready"
