"""Protection: password prompts, keyboard grabs, pause, apps in mode off."""

from __future__ import annotations

import pytest

from tests.capture._policies import policy
from workprint.capture.protect import Gate, is_secure_window
from workprint.capture.sources import base as raw
from workprint.capture.sources.fake import Script

W = Script().now

SECURE = [
    ("ssh-askpass", raw.WindowFocus(W, 1, "sshaskpass", "ssh-askpass", "OpenSSH Authentication")),
    ("pinentry", raw.WindowFocus(W, 1, "pinentry-gtk-2", "pinentry-gtk-2", "")),
    ("polkit-gnome", raw.WindowFocus(W, 1, "polkit-gnome-authentication-agent-1", None, "Auth")),
    ("gcr-prompter", raw.WindowFocus(W, 1, "gcr-prompter", "gcr-prompter", "Unlock")),
    ("kwallet", raw.WindowFocus(W, 1, "kwalletd5", "kwalletd5", "KDE Wallet Service")),
    ("xfce4-polkit", raw.WindowFocus(W, 1, "xfce4-polkit", "xfce4-polkit", "")),
    ("gnome-keyring", raw.WindowFocus(W, 1, "gnome-keyring-prompt", None, "")),
    ("keepassxc", raw.WindowFocus(W, 1, "keepassxc", "keepassxc", "Passwords.kdbx")),
    ("screen-locker", raw.WindowFocus(W, 1, "i3lock", "i3lock", None)),
    ("password-title", raw.WindowFocus(W, 1, "xterm", "xterm", "Enter password for vpn")),
    ("sudo-title", raw.WindowFocus(W, 1, "zenity", "zenity", "sudo: authentication")),
    (
        "dialog-sign-in",
        raw.WindowFocus(W, 1, "firefox", "firefox", "Sign in", window_type="dialog"),
    ),
    ("dialog-pin", raw.WindowFocus(W, 1, "app", "app", "Enter PIN", window_type="dialog")),
]
NOT_SECURE = [
    ("editor", raw.WindowFocus(W, 1, "xedit", "xedit", "notes.txt")),
    ("terminal", raw.WindowFocus(W, 1, "xterm", "xterm", "build: make all")),
    (
        "sign-in-page",
        raw.WindowFocus(W, 1, "firefox", "firefox", "Sign in - Portal", window_type="normal"),
    ),
    ("no-title", raw.WindowFocus(W, 1, "code", "code", None)),
]


@pytest.mark.parametrize("window", [w for _, w in SECURE], ids=[n for n, _ in SECURE])
def test_secure_prompts_are_recognised(window: raw.WindowFocus) -> None:
    assert is_secure_window(window)


@pytest.mark.parametrize("window", [w for _, w in NOT_SECURE], ids=[n for n, _ in NOT_SECURE])
def test_ordinary_windows_are_not_secure(window: raw.WindowFocus) -> None:
    assert not is_secure_window(window)


def test_extra_secure_classes_from_settings() -> None:
    window = raw.WindowFocus(W, 1, "vault-gui", "vault-gui", "Vault")
    assert not is_secure_window(window)
    assert is_secure_window(window, ("vault-*",))


def _run(gate: Gate, script: Script) -> list[raw.Raw]:
    return [out for record in script.records for out in gate.feed(record)]


def _kinds(out: list[raw.Raw]) -> list[str]:
    names = []
    for r in out:
        if isinstance(r, (raw.Suspend, raw.Resume)):
            names.append(f"{type(r).__name__}:{r.reason}")
        elif isinstance(r, raw.KeyDown):
            names.append(f"key:{r.key}")
        elif isinstance(r, raw.WindowFocus):
            names.append(f"focus:{r.app_class}")
    return names


def test_nothing_passes_before_consent_and_focus_are_known() -> None:
    gate = Gate(policy())
    out = _run(gate, Script().type("a").focus(1, "xedit").type("b"))
    assert _kinds(out) == []
    out = _run(gate, Script().allow().type("c"))
    assert _kinds(out) == ["Resume:policy", "focus:xedit", "key:c"]


def test_app_in_mode_off_leaves_no_trace() -> None:
    gate = Gate(policy())
    script = Script().allow().focus(1, "xedit").type("a").focus(2, "firefox").type("zz")
    script.focus(1, "xedit").type("b")
    assert _kinds(_run(gate, script)) == [
        "Resume:policy",
        "focus:xedit",
        "key:a",
        "Suspend:policy",
        "Resume:policy",
        "focus:xedit",
        "key:b",
    ]


def test_private_title_turns_an_allowed_app_off() -> None:
    gate = Gate(policy())
    script = Script().allow().focus(1, "xedit", "notes").focus(1, "xedit", "Private Browsing")
    script.type("x")
    assert _kinds(_run(gate, script)) == ["Resume:policy", "focus:xedit", "Suspend:policy"]


def test_hotkey_pauses_and_resumes_and_is_swallowed() -> None:
    gate = Gate(policy())
    script = Script().allow().focus(1, "xedit").key("P", "ctrl", "alt", "shift").type("secret")
    script.key("P", "ctrl", "alt", "shift").type("ok")
    assert _kinds(_run(gate, script)) == [
        "Resume:policy",
        "focus:xedit",
        "Suspend:user",
        "Resume:user",
        "focus:xedit",
        "key:o",
        "key:k",
    ]


def test_grab_suspends_as_secure_input_even_in_an_allowed_app() -> None:
    gate = Gate(policy())
    script = Script().allow().focus(1, "xedit").grab(True).type("hunter2").grab(False).type("a")
    assert _kinds(_run(gate, script)) == [
        "Resume:policy",
        "focus:xedit",
        "Suspend:secure_input",
        "Resume:secure_input",
        "focus:xedit",
        "key:a",
    ]


def test_pause_outranks_secure_input_and_hands_over_on_resume() -> None:
    gate = Gate(policy())
    script = Script().allow().focus(1, "xedit").pause().grab(True).pause(False).grab(False)
    assert _kinds(_run(gate, script)) == [
        "Resume:policy",
        "focus:xedit",
        "Suspend:user",
        "Resume:user",
        "Suspend:secure_input",
        "Resume:secure_input",
        "focus:xedit",
    ]


def test_withdrawn_consent_stops_everything() -> None:
    gate = Gate(policy())
    script = Script().allow().focus(1, "xedit").allow(False).type("x").click(1, 1)
    assert _kinds(_run(gate, script)) == ["Resume:policy", "focus:xedit", "Suspend:policy"]
    assert gate.state().blocked == "policy"


def test_a_malformed_hotkey_is_a_config_error() -> None:
    from workprint.capture.protect import GateConfig
    from workprint.core.errors import ConfigError

    with pytest.raises(ConfigError, match="pause_hotkey"):
        Gate(policy(), GateConfig(hotkey="hyper+p"))
