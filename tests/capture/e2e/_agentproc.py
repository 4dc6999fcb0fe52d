"""The package's agent process (:mod:`workprint.demo._agentproc`) with the test collector's
URL and enrolled device."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from tests.capture._collector import Live
from workprint.demo._agentproc import FAST, WAIT_S
from workprint.demo._agentproc import AgentProcess as _AgentProcess
from workprint.demo._xdesktop import XDesktop

__all__ = ["FAST", "WAIT_S", "AgentProcess"]


class AgentProcess(_AgentProcess):
    def __init__(
        self,
        x: XDesktop,
        live: Live,
        folder: Path,
        settings: Mapping[str, str] | None = None,
        poll_s: float = 0.05,
    ) -> None:
        self.live = live
        super().__init__(x, live.base, live.enrollment.token, folder, settings, poll_s)
