"""Protection: what the agent must not see, decided before anything is reduced (pure).

:class:`Gate` sits between the sources and the reducer. It lets input through only while all
of these hold:

* the person has not paused (hotkey ``ctrl+alt+shift+p`` or ``workprint agent pause``);
* the focused window is not a password or secure-input prompt, judged by its class (askpass,
  pinentry, polkit agents, keyrings, password managers, screen lockers), its title, and for
  dialogs a broader title vocabulary;
* no other client holds a keyboard grab (password prompts, screen lockers and xterm's secure
  keyboard grab the keyboard; see ``sources/grab.py``);
* the policy's mode for the focused app and title is not ``off`` (the default for any app
  not allow-listed);
* the collector lets the device capture (consent live, device not revoked).

When one stops holding, the gate hands the reducer a :class:`~.sources.base.Suspend` (the
reducer commits what was pending, then sees nothing) and, when all hold again, a
:class:`~.sources.base.Resume` followed by the focused window. Pauses by the person and by
secure input become ``pause``/``resume`` events; an app in mode ``off`` leaves no trace.
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass
from typing import Final

from workprint.capture import keys
from workprint.capture.sources import base as raw
from workprint.core.errors import ConfigError
from workprint.core.events import CaptureMode
from workprint.privacy.policy import Policy

SECURE_CLASSES: Final = (
    "*askpass*",
    "pinentry*",
    "*polkit*",
    "*policykit*",
    "gcr-prompter",
    "gnome-keyring*",
    "kwalletd*",
    "kwalletmanager*",
    "ksecretd",
    "seahorse",
    "keepass*",
    "1password",
    "bitwarden",
    "enpass",
    "xscreensaver*",
    "i3lock",
    "xsecurelock",
    "light-locker",
    "slock",
    "xlock",
    "gnome-screensaver",
    "mate-screensaver",
    "cinnamon-screensaver",
)
"""Window classes (or instances) of password prompts, keyrings, password managers and
screen lockers: globs, case-insensitive."""

SECURE_TITLE: Final = re.compile(
    r"(?i)(pass(word|phrase|code)|keyring|keychain|unlock|authenticat(e|ion) required|"
    r"credentials|\bsudo\b|\bpin\b (code|entry)|private key)"
)
"""Titles that mark any window as a secure prompt."""

DIALOG_TITLE: Final = re.compile(
    r"(?i)(\bpin\b|authenticat|log ?in|sign ?in|verif|one[- ]time|\botp\b|\b2fa\b|"
    r"two[- ]factor|secret|security key|polkit|privileg|administrator)"
)
"""Further titles that mark a dialog (``_NET_WM_WINDOW_TYPE_DIALOG``) as a secure prompt."""

DIALOG_TYPES: Final = frozenset({"dialog", "utility", "splash"})


def is_secure_window(window: raw.WindowFocus, extra_classes: tuple[str, ...] = ()) -> bool:
    """True when ``window`` looks like a password or secure-input prompt."""
    names = [n for n in (window.app_class, window.app_instance) if n]
    for pattern in (*SECURE_CLASSES, *extra_classes):
        lowered = pattern.lower()
        if any(fnmatch.fnmatchcase(n.lower(), lowered) for n in names):
            return True
    title = window.title or ""
    if SECURE_TITLE.search(title):
        return True
    return (window.window_type or "") in DIALOG_TYPES and bool(DIALOG_TITLE.search(title))


@dataclass(frozen=True, slots=True)
class GateConfig:
    hotkey: str = "ctrl+alt+shift+p"
    secure_classes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class GateState:
    """What the gate decides now (for ``workprint agent status``)."""

    blocked: raw.SuspendReason | None
    paused: bool
    mode: CaptureMode
    app: str | None


class Gate:
    """Raw records in, the raw records the reducer may see out (with suspend markers)."""

    def __init__(self, policy: Policy, config: GateConfig | None = None) -> None:
        self.config = config or GateConfig()
        try:
            self._hotkey_mods, self._hotkey_key = keys.parse_hotkey(self.config.hotkey)
        except ValueError as exc:
            raise ConfigError("setting agent.pause_hotkey must look like ctrl+alt+shift+p") from exc
        self.policy = policy
        self.paused = False
        self.grab_held = False
        self.allowed = False
        self.focus: raw.WindowFocus | None = None
        self.blocked: raw.SuspendReason | None = "policy"
        """Nothing passes until a focused window and the collector's consent are known."""

    # -------------------------------------------------------------- decisions

    def mode(self) -> CaptureMode:
        focus = self.focus
        if focus is None:
            return "off"
        return self.policy.mode_for(app=focus.app_class, title=focus.title)

    def state(self) -> GateState:
        app = self.focus.app_class if self.focus else None
        return GateState(self.blocked, self.paused, self.mode(), app)

    def _reason(self) -> raw.SuspendReason | None:
        if self.paused:
            return "user"
        focus = self.focus
        if self.grab_held or (
            focus is not None and is_secure_window(focus, self.config.secure_classes)
        ):
            return "secure_input"
        if not self.allowed or focus is None or self.mode() == "off":
            return "policy"
        return None

    def _settle(self, at_item: raw.Raw, out: list[raw.Raw]) -> None:
        at = at_item.at
        old, new = self.blocked, self._reason()
        if old == new:
            return
        self.blocked = new
        if old is not None:
            out.append(raw.Resume(at, old))
        if new is not None:
            out.append(raw.Suspend(at, new))
        elif self.focus is not None:
            out.append(self.focus)

    def _is_hotkey(self, item: raw.KeyDown | raw.KeyUp) -> bool:
        return item.key.lower() == self._hotkey_key and item.modifiers == self._hotkey_mods

    # -------------------------------------------------------------- feeding

    def set_policy(self, policy: Policy, at: raw.Tick) -> list[raw.Raw]:
        """Apply a new policy now (the mode of the focused app may change)."""
        self.policy = policy
        out: list[raw.Raw] = []
        self._settle(at, out)
        return out

    def feed(self, item: raw.Raw) -> list[raw.Raw]:
        out: list[raw.Raw] = []
        match item:
            case raw.KeyDown() if self._is_hotkey(item):
                self.paused = not self.paused
                self._settle(item, out)
            case raw.KeyUp() if self._is_hotkey(item):
                pass
            case raw.PauseRequest():
                self.paused = item.pause
                self._settle(item, out)
            case raw.GrabChanged():
                self.grab_held = item.held
                self._settle(item, out)
            case raw.CaptureAllowed():
                self.allowed = item.allowed
                self._settle(item, out)
            case raw.WindowFocus():
                self.focus = item
                before = self.blocked
                self._settle(item, out)
                if before is None and self.blocked is None:
                    out.append(item)
            case raw.Tick():
                out.append(item)
            case raw.Suspend() | raw.Resume():
                pass  # only the gate makes these
            case _:
                if self.blocked is None:
                    out.append(item)
        return out
