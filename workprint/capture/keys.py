"""Key names: the closed vocabulary of ``key`` events and of the raw keyboard input.

A raw key is named by a canonical string: a printable character is itself (``a``, ``A``,
``!``, a space is ``" "``), any other key has a fixed name (``Enter``, ``Backspace``,
``Left``, ``F5``). Modifiers are ``ctrl``, ``alt``, ``shift`` and ``super``; AltGr only
selects characters and is not a shortcut modifier. :func:`shortcut` writes the canonical
form the contract uses in ``key`` payloads: ``ctrl+s``, ``shift+Tab``, ``ctrl+alt+Delete``.
"""

from __future__ import annotations

from typing import Final

MODIFIERS: Final = ("ctrl", "alt", "shift", "super")
"""Shortcut modifiers, in the order :func:`shortcut` writes them."""

MODIFIER_KEYS: Final[dict[str, str]] = {
    "shift": "shift",
    "shift_l": "shift",
    "shift_r": "shift",
    "ctrl": "ctrl",
    "ctrl_l": "ctrl",
    "ctrl_r": "ctrl",
    "alt": "alt",
    "alt_l": "alt",
    "alt_r": "alt",
    "cmd": "super",
    "cmd_l": "super",
    "cmd_r": "super",
}
"""Names of modifier keys (as pynput spells them) and the modifier each one holds."""

NAMED_KEYS: Final[dict[str, str]] = {
    "enter": "Enter",
    "tab": "Tab",
    "esc": "Escape",
    "backspace": "Backspace",
    "delete": "Delete",
    "insert": "Insert",
    "left": "Left",
    "right": "Right",
    "up": "Up",
    "down": "Down",
    "home": "Home",
    "end": "End",
    "page_up": "PageUp",
    "page_down": "PageDown",
    "caps_lock": "CapsLock",
    "num_lock": "NumLock",
    "scroll_lock": "ScrollLock",
    "print_screen": "PrintScreen",
    "pause": "Pause",
    "menu": "Menu",
    "alt_gr": "AltGr",
    "media_play_pause": "MediaPlayPause",
    "media_next": "MediaNext",
    "media_previous": "MediaPrevious",
    "media_volume_up": "VolumeUp",
    "media_volume_down": "VolumeDown",
    "media_volume_mute": "VolumeMute",
    **{f"f{n}": f"F{n}" for n in range(1, 25)},
}
"""pynput's names of special keys and their canonical names."""

SILENT_KEYS: Final = frozenset({"CapsLock", "NumLock", "ScrollLock", "AltGr"})
"""Keys that change how others type but are no action of their own."""

EDITING_KEYS: Final = frozenset(
    {"Backspace", "Delete", "Left", "Right", "Up", "Down", "Home", "End", "PageUp", "PageDown"}
)
"""Keys that edit or move inside a field; they shape a typed run, not ``key`` events."""

PASTE_SHORTCUTS: Final = frozenset({"ctrl+v", "shift+Insert", "ctrl+shift+v"})
"""Shortcuts that paste; what they paste is unknown (the clipboard is never read)."""

PASTE_MARK: Final = "<PASTE>"
"""Stands in a typed run where something was pasted."""


def is_printable(key: str) -> bool:
    """True for a key that types one character."""
    return len(key) == 1 and key.isprintable()


def shortcut(key: str, modifiers: frozenset[str]) -> str:
    """The canonical name of ``key`` pressed with ``modifiers``: ``ctrl+s``, ``shift+Tab``.

    A letter typed with shift in a shortcut is written in lower case with ``shift`` named
    (``ctrl+shift+t``), so one shortcut has one name whatever the caps state."""
    name = key
    if is_printable(key) and key.isalpha():
        name = key.lower()
    elif key == " ":
        name = "space"
    mods = [m for m in MODIFIERS if m in modifiers]
    return "+".join([*mods, name])


def parse_hotkey(text: str) -> tuple[frozenset[str], str]:
    """``"ctrl+alt+shift+p"`` -> (the modifiers, the key in lower case)."""
    parts = [p.strip() for p in text.split("+") if p.strip()]
    if not parts:
        raise ValueError("empty hotkey")
    mods = frozenset(p.lower() for p in parts[:-1])
    unknown = mods - set(MODIFIERS)
    if unknown:
        raise ValueError("unknown modifier in hotkey")
    return mods, parts[-1].lower()
