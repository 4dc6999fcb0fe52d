"""Raw input, as the sources see it, and the :class:`Source` seam.

A source turns one kind of operating-system input into these frozen records and hands each to
a callback. They never leave the device: the reducer (``capture/reduce.py``) turns them into
semantic events, and per-key records with their timings are dropped there (keystroke
dynamics are biometric data). A new platform (macOS, Windows) is a matter of new source files
that emit the same records.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, Protocol

Button = Literal["left", "middle", "right"]
SuspendReason = Literal["user", "secure_input", "policy"]


@dataclass(frozen=True, slots=True)
class KeyDown:
    at: datetime
    key: str
    """Canonical name (``capture/keys.py``): the character typed, or ``Enter``, ``Left``..."""
    modifiers: frozenset[str] = frozenset()
    """Modifiers held: ``ctrl``, ``alt``, ``shift``, ``super``."""


@dataclass(frozen=True, slots=True)
class KeyUp:
    at: datetime
    key: str
    modifiers: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class ButtonDown:
    at: datetime
    x: int
    y: int
    button: Button


@dataclass(frozen=True, slots=True)
class ButtonUp:
    at: datetime
    x: int
    y: int
    button: Button


@dataclass(frozen=True, slots=True)
class Scroll:
    at: datetime
    x: int
    y: int
    dx: int
    dy: int


@dataclass(frozen=True, slots=True)
class Motion:
    """Pointer movement; sources emit it only while a button is held (drags)."""

    at: datetime
    x: int
    y: int


@dataclass(frozen=True, slots=True)
class WindowFocus:
    """The active window changed, or its title did (same ``window_id``)."""

    at: datetime
    window_id: int
    app_class: str | None = None
    """Window class in lower case (WM_CLASS class), e.g. ``xterm``, ``code``."""
    app_instance: str | None = None
    """Window instance name in lower case (WM_CLASS instance), e.g. ``ssh-askpass``."""
    title: str | None = None
    pid: int | None = None
    window_type: str | None = None
    """``_NET_WM_WINDOW_TYPE`` without its prefix, lower case: ``normal``, ``dialog``..."""


@dataclass(frozen=True, slots=True)
class GrabChanged:
    """Another client started or stopped holding a keyboard grab (password prompts, screen
    lockers and xterm's secure keyboard grab the keyboard)."""

    at: datetime
    held: bool


@dataclass(frozen=True, slots=True)
class Idle:
    """No input since ``since``."""

    at: datetime
    since: datetime


@dataclass(frozen=True, slots=True)
class Active:
    """Input again after :class:`Idle`."""

    at: datetime


@dataclass(frozen=True, slots=True)
class Tick:
    """Time passes: lets the reducer close runs that no further input will close."""

    at: datetime


@dataclass(frozen=True, slots=True)
class PauseRequest:
    """The person asked to pause (``pause=True``) or resume, by hotkey or command."""

    at: datetime
    pause: bool


@dataclass(frozen=True, slots=True)
class CaptureAllowed:
    """Whether the collector lets this device capture (consent live, device not revoked)."""

    at: datetime
    allowed: bool


@dataclass(frozen=True, slots=True)
class Suspend:
    """Made by the protection gate, never by a source: stop reducing input now."""

    at: datetime
    reason: SuspendReason


@dataclass(frozen=True, slots=True)
class Resume:
    """Made by the protection gate: input may be reduced again (``reason`` is the one the
    matching :class:`Suspend` had)."""

    at: datetime
    reason: SuspendReason


Raw = (
    KeyDown
    | KeyUp
    | ButtonDown
    | ButtonUp
    | Scroll
    | Motion
    | WindowFocus
    | GrabChanged
    | Idle
    | Active
    | Tick
    | PauseRequest
    | CaptureAllowed
    | Suspend
    | Resume
)
"""Anything a source or the gate hands on."""

Sink = Callable[[Raw], object]
"""Where a source puts what it sees; called from the source's own thread."""


class Source(Protocol):
    """One kind of input. ``start`` returns once the source listens; ``stop`` is idempotent."""

    def start(self, sink: Sink) -> None: ...

    def stop(self) -> None: ...
