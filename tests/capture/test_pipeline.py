"""The pipeline in one process: scripted input to redacted events in the spool."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.capture._policies import IDENTITY, pipeline
from workprint.capture.pipeline import Pipeline
from workprint.capture.sources.fake import FakeSource, Script
from workprint.core import events as ev

SECRET = "hunter2-Sup3r-secret"


def _play(p: Pipeline, script: Script) -> list[ev.Event]:
    FakeSource(script.records).start(p.feed)
    p.close(script.now)
    return [ev.decode_event(row.body) for row in p.spool.peek(10_000)]


def _spool_bytes(tmp: Path) -> bytes:
    return b"".join(f.read_bytes() for f in tmp.iterdir() if f.name.startswith("spool.db"))


def _start() -> Script:
    return Script().allow()


def test_events_are_contract_valid_with_monotonic_seq(tmp_path: Path) -> None:
    script = _start().focus(1, "xedit", "notes").type("Hello").key("Enter").click(3, 4)
    script.wait(1).key("s", "ctrl")
    events = _play(pipeline(tmp_path), script)
    assert [e.kind for e in events] == ["focus", "type", "key", "click", "key"]
    assert [e.seq for e in events] == [1, 2, 3, 4, 5]
    for e in events:
        assert ev.decode_event(ev.encode(e)) == e
        assert e.device_id == IDENTITY.device_id
        assert e.consent.grant_id == IDENTITY.grant_id
        assert e.stream == "desktop"
        assert e.tz_offset_min == 60
        assert e.privacy.policy_version == "3"
    typed = events[1]
    assert isinstance(typed, ev.TypeEvent)
    assert typed.payload.text == "Hello"
    assert typed.context.app == "xedit"
    assert typed.privacy.mode == "redacted"
    click = events[3]
    assert click.target == ev.Target(x=3, y=4, button="left", screen=0)


def test_personal_data_is_redacted_before_the_spool(tmp_path: Path) -> None:
    script = _start().focus(1, "xedit", "mail to jane.doe@example.com")
    script.type("write to jane.doe@example.com today").key("Enter")
    events = _play(pipeline(tmp_path), script)
    typed = [e for e in events if isinstance(e, ev.TypeEvent)]
    assert typed[0].payload.text == "write to <EMAIL_1> today"
    assert typed[0].context.window_title == "mail to <EMAIL_1>"
    assert typed[0].privacy.redactions == {"EMAIL": 2}  # title and text
    assert b"jane.doe" not in _spool_bytes(tmp_path)


def test_metadata_mode_keeps_the_action_not_the_text(tmp_path: Path) -> None:
    script = _start().focus(1, "xterm", "ssh prod-db").type("rm -rf /tmp/x").key("Enter")
    events = _play(pipeline(tmp_path), script)
    typed = [e for e in events if isinstance(e, ev.TypeEvent)]
    assert typed[0].payload.text == ""
    assert typed[0].context.window_title is None
    assert typed[0].privacy.mode == "metadata"
    assert b"rm -rf" not in _spool_bytes(tmp_path)


def test_apps_not_allow_listed_leave_nothing(tmp_path: Path) -> None:
    script = _start().focus(1, "firefox", "bank").type("iban DE89370400440532013000")
    script.key("Enter").click(5, 5)
    assert _play(pipeline(tmp_path), script) == []
    assert b"DE89" not in _spool_bytes(tmp_path)
    assert b"firefox" not in _spool_bytes(tmp_path)


@pytest.mark.parametrize(
    "prompt",
    [
        lambda s: s.focus(2, "sshaskpass", "OpenSSH Authentication", instance="ssh-askpass"),
        lambda s: s.grab(True),
        lambda s: s.focus(2, "testbed", "Enter password"),
    ],
    ids=["askpass-class", "keyboard-grab", "password-title"],
)
def test_nothing_typed_in_a_password_prompt_exists(tmp_path: Path, prompt: object) -> None:
    script = _start().focus(1, "testbed", "notes").type("before").key("Enter")
    prompt(script)  # type: ignore[operator]
    script.type(SECRET).key("Enter").grab(False).focus(1, "testbed", "notes").type("after")
    script.key("Enter")
    events = _play(pipeline(tmp_path), script)
    texts = [e.payload.text for e in events if isinstance(e, ev.TypeEvent)]
    assert texts == ["before", "after"]
    pauses = [e.payload.reason for e in events if isinstance(e, ev.PauseEvent)]
    assert pauses == ["secure_input"]
    assert sum(isinstance(e, ev.ResumeEvent) for e in events) == 1
    assert SECRET.encode() not in _spool_bytes(tmp_path)


def test_pause_is_recorded_and_nothing_in_between(tmp_path: Path) -> None:
    script = _start().focus(1, "testbed").type("one").pause().type(SECRET).key("Enter")
    script.pause(False).type("two").key("Enter")
    events = _play(pipeline(tmp_path), script)
    assert [e.kind for e in events] == ["focus", "type", "pause", "resume", "type", "key"]
    assert events[2].payload == ev.PausePayload(reason="user")
    assert events[2].context == ev.Context()
    assert SECRET.encode() not in _spool_bytes(tmp_path)


def test_redaction_failure_becomes_a_gap_in_place(tmp_path: Path) -> None:
    class Broken:
        def find(self, text: str) -> list[object]:
            raise RuntimeError("detector bug")

    p = pipeline(tmp_path, detectors=(Broken(),))
    events = _play(p, _start().focus(1, "xedit", "notes").type("abc").key("Enter"))
    assert [e.kind for e in events] == ["gap", "gap", "gap"]
    for e in events:
        assert isinstance(e, ev.GapEvent)
        assert e.payload.reason == "redaction_error"
        assert (e.payload.from_seq, e.payload.to_seq) == (e.seq, e.seq)
    assert p.stats.redaction_errors == 3


def test_policy_change_applies_at_once(tmp_path: Path) -> None:
    from workprint.privacy.policy import parse

    p = pipeline(tmp_path)
    script = _start().focus(1, "xedit", "notes").type("kept").key("Enter")
    FakeSource(script.records).start(p.feed)
    p.set_policy(parse('version = 4\ndefault_mode = "off"\n'), script.now)
    later = Script(start=script.now).type("dropped").key("Enter")
    FakeSource(later.records).start(p.feed)
    p.close(later.now)
    texts = [
        e.payload.text
        for e in (ev.decode_event(r.body) for r in p.spool.peek(100))
        if isinstance(e, ev.TypeEvent)
    ]
    assert texts == ["kept"]
