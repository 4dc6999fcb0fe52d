"""Source seams that need no X server: key names, the install hint, lazy imports, the
keyboard source's grab guard, and the canonical shortcut names."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from workprint.capture import keys
from workprint.capture.errors import AgentExtraMissing, DisplayUnavailable
from workprint.capture.sources import _x11
from workprint.capture.sources import base as raw
from workprint.capture.sources.grab import GrabWatcher
from workprint.capture.sources.keyboard import KeyboardSource, key_name

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class FakeKey:
    """Shaped like pynput's ``Key`` members (``name``) and ``KeyCode`` (``char``)."""

    name: str | None = None
    char: str | None = None


KEYS = [
    ("letter", FakeKey(char="a"), "a"),
    ("upper", FakeKey(char="A"), "A"),
    ("symbol", FakeKey(char="!"), "!"),
    ("space", FakeKey(name="space"), " "),
    ("enter", FakeKey(name="enter"), "Enter"),
    ("left-ctrl", FakeKey(name="ctrl_l"), "ctrl"),
    ("right-alt", FakeKey(name="alt_r"), "alt"),
    ("super", FakeKey(name="cmd"), "super"),
    ("escape", FakeKey(name="esc"), "Escape"),
    ("f5", FakeKey(name="f5"), "F5"),
    ("page-down", FakeKey(name="page_down"), "PageDown"),
    ("unknown-key", FakeKey(name="media_unknown"), None),
    ("no-char", FakeKey(), None),
]


@pytest.mark.parametrize(("key", "name"), [(k, n) for _, k, n in KEYS], ids=[i for i, _, _ in KEYS])
def test_key_names(key: FakeKey, name: str | None) -> None:
    assert key_name(key) == name


SHORTCUTS = [
    ("ctrl-s", "s", {"ctrl"}, "ctrl+s"),
    ("ctrl-shift-T", "T", {"ctrl", "shift"}, "ctrl+shift+t"),
    ("order", "Delete", {"alt", "ctrl"}, "ctrl+alt+Delete"),
    ("shift-tab", "Tab", {"shift"}, "shift+Tab"),
    ("super-space", " ", {"super"}, "super+space"),
    ("plain", "Enter", set(), "Enter"),
]


@pytest.mark.parametrize(
    ("key", "mods", "expected"),
    [(k, m, e) for _, k, m, e in SHORTCUTS],
    ids=[i for i, *_ in SHORTCUTS],
)
def test_shortcut_names(key: str, mods: set[str], expected: str) -> None:
    assert keys.shortcut(key, frozenset(mods)) == expected


def test_hotkey_parsing() -> None:
    assert keys.parse_hotkey("ctrl+alt+shift+p") == (frozenset({"ctrl", "alt", "shift"}), "p")
    with pytest.raises(ValueError):
        keys.parse_hotkey("hyper+p")


def test_missing_library_names_the_extra() -> None:
    with pytest.raises(AgentExtraMissing, match=r"pip install 'workprint\[agent\]'"):
        _x11.load("no_such_library_for_workprint.sub")


def test_no_display_is_one_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DISPLAY", raising=False)
    with pytest.raises(DisplayUnavailable, match="DISPLAY is not set"):
        _x11.load("Xlib.display")


def test_the_agent_imports_without_touching_pynput_or_xlib() -> None:
    code = (
        "import sys, workprint.capture.agent, workprint.capture._cli;"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('pynput', 'Xlib')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert out.stdout.strip() == "[]"


class Probe:
    def __init__(self, answers: list[bool]) -> None:
        self.answers = answers

    def held(self) -> bool:
        return self.answers.pop(0)


def test_keys_typed_under_a_grab_are_dropped_at_the_source() -> None:
    watcher = GrabWatcher(Probe([False, True, True, False, False]))
    source = KeyboardSource(before_key=watcher.check)
    seen: list[raw.Raw] = []
    source._sink = seen.append
    for char in "abcde":
        source._press(FakeKey(char=char))
    kinds = [(type(r).__name__, getattr(r, "key", getattr(r, "held", None))) for r in seen]
    assert kinds == [
        ("KeyDown", "a"),
        ("GrabChanged", True),  # b: the grab began, b is dropped
        # c: still held, dropped
        ("GrabChanged", False),  # d: released just now, d may be the prompt's Enter: dropped
        ("KeyDown", "e"),
    ]


def test_releases_matter_only_for_modifiers() -> None:
    source = KeyboardSource()
    seen: list[raw.Raw] = []
    source._sink = seen.append
    source._press(FakeKey(name="ctrl_l"))
    source._press(FakeKey(char="s"))
    source._release(FakeKey(char="s"))
    source._release(FakeKey(name="ctrl_l"))
    source._press(FakeKey(char="x"))
    assert seen == [
        raw.KeyDown(seen[0].at, "ctrl", frozenset({"ctrl"})),
        raw.KeyDown(seen[1].at, "s", frozenset({"ctrl"})),
        raw.KeyUp(seen[2].at, "ctrl", frozenset()),
        raw.KeyDown(seen[3].at, "x", frozenset()),
    ]
