"""Settings of the desktop agent (section ``[agent]``, env ``WORKPRINT_AGENT__*``).

Every default is the privacy-safe one: nothing is captured in an app the policy does not
allow-list, the spool is bounded, and the pause hotkey is always on.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from workprint.core.config import default_data_dir


def default_agent_dir() -> Path:
    """Where the agent keeps its spool, token and cached policy: ``<data dir>/agent``."""
    return default_data_dir() / "agent"


def default_runtime_dir() -> Path:
    """Where the control socket lives: ``$XDG_RUNTIME_DIR/workprint`` (a per-user tmpfs),
    else a per-user folder under the system temporary directory."""
    base = os.environ.get("XDG_RUNTIME_DIR")
    if base:
        return Path(base) / "workprint"
    return Path("/tmp") / f"workprint-{os.getuid()}"  # noqa: S108 - made 0700, owner checked


@dataclass(frozen=True, slots=True)
class AgentConfig:
    collector: str = ""
    """Base URL of the collector (``https://workprint.example.internal``). Empty means the URL
    saved by ``workprint agent enroll``."""
    data_dir: Path | None = None
    """Folder of the spool, the device token and the cached policy. Empty means
    ``$XDG_DATA_HOME/workprint/agent``."""
    runtime_dir: Path | None = None
    """Folder of the control socket (made 0700). Empty means ``$XDG_RUNTIME_DIR/workprint``."""
    quota_mb: float = 512.0
    """Most megabytes of events the spool keeps while the collector is out of reach; beyond it
    the oldest are evicted and replaced by one ``gap`` event (reason ``quota_evicted``)."""
    flush_interval_s: float = 3.0
    """How often a batch is sent while events trickle in; the collector's hint overrides it."""
    max_batch_events: int = 500
    """Most events in one batch; the collector's hint lowers it, a 413 answer halves it."""
    retry_max_s: float = 60.0
    """Longest wait between two attempts to reach the collector (backoff with jitter). The
    agent never gives up; only the disk quota bounds what it keeps."""
    policy_refresh_s: float = 300.0
    """How often the capture policy and the device's consent are fetched again."""
    idle_after_s: float = 120.0
    """Seconds without input after which an ``idle`` event is recorded."""
    double_click_s: float = 0.4
    """Longest interval between the two clicks of a double click."""
    type_commit_after_s: float = 3.0
    """A typed run is committed after this many seconds without keys (besides Enter, Tab,
    a click, a shortcut, a focus change or idle), so that a crash loses little."""
    pause_hotkey: str = "ctrl+alt+shift+p"
    """Global hotkey that pauses and resumes recording."""
    secure_classes: tuple[str, ...] = ()
    """Window classes (globs) treated as password prompts besides the built-in list."""
    notify: bool = True
    """Send a desktop notification (``notify-send``) when recording starts."""

    @property
    def agent_dir(self) -> Path:
        return self.data_dir or default_agent_dir()

    @property
    def socket_dir(self) -> Path:
        return self.runtime_dir or default_runtime_dir()

    @property
    def socket_path(self) -> Path:
        return self.socket_dir / "agent.sock"

    @property
    def token_path(self) -> Path:
        return self.agent_dir / "token"

    @property
    def spool_path(self) -> Path:
        return self.agent_dir / "spool.db"

    @property
    def quota_bytes(self) -> int:
        return int(self.quota_mb * 1024 * 1024)
