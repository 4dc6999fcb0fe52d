"""The reducer: raw input to semantic actions, as tables and as properties."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.capture._script import reduce_script, summary
from workprint.capture.reduce import Reducer
from workprint.capture.sources import base as raw
from workprint.capture.sources.fake import Script
from workprint.core import events as ev

FOCUS = ("focus", "app", "xedit")


def s() -> Script:
    return Script().focus(1, "xedit", "notes")


CASES: list[tuple[str, Callable[[], Script], list[tuple[object, ...]]]] = [
    (
        "typing-then-enter",
        lambda: s().type("Hello world").key("Enter"),
        [FOCUS, ("type", "Hello world", False), ("key", "Enter")],
    ),
    (
        "backspace",
        lambda: s().type("helpo").keys("Backspace", 2).type("lo").key("Tab"),
        [FOCUS, ("type", "hello", False), ("key", "Tab")],
    ),
    (
        "arrow-and-insert",
        lambda: s().type("hllo").keys("Left", 3).type("e").key("Enter"),
        [FOCUS, ("type", "hello", False), ("key", "Enter")],
    ),
    (
        "end-at-end-keeps-run",
        lambda: s().type("ab").key("End").type("c").key("Enter"),
        [FOCUS, ("type", "abc", False), ("key", "Enter")],
    ),
    (
        "selection-replaced",
        lambda: s().type("hello world").keys("Left", 5, "shift").type("there").key("Enter"),
        [FOCUS, ("type", "hello there", False), ("key", "Enter")],
    ),
    (
        "selection-into-old-text",
        lambda: s().key("Home", "shift").type("new").key("Enter"),
        [FOCUS, ("type", "new", True), ("key", "Enter")],
    ),
    (
        "select-all-then-type",
        lambda: s().key("a", "ctrl").type("fresh").key("Enter"),
        [FOCUS, ("key", "ctrl+a"), ("type", "fresh", True), ("key", "Enter")],
    ),
    (
        "paste-marked",
        lambda: s().type("id: ").key("v", "ctrl").key("Enter"),
        [FOCUS, ("type", "id: <PASTE>", False), ("key", "Enter")],
    ),
    (
        "shift-insert-pastes",
        lambda: s().key("Insert", "shift").key("Enter"),
        [FOCUS, ("type", "<PASTE>", False), ("key", "Enter")],
    ),
    (
        "shortcut-commits",
        lambda: s().type("abc").key("s", "ctrl"),
        [FOCUS, ("type", "abc", False), ("key", "ctrl+s")],
    ),
    (
        "shift-letter-shortcut",
        lambda: s().key("T", "ctrl", "shift"),
        [FOCUS, ("key", "ctrl+shift+t")],
    ),
    ("shift-tab", lambda: s().key("Tab", "shift"), [FOCUS, ("key", "shift+Tab")]),
    (
        "escape",
        lambda: s().type("x").key("Escape"),
        [FOCUS, ("type", "x", False), ("key", "Escape")],
    ),
    (
        "backspace-before-run",
        lambda: s().keys("Backspace", 3).type("ok").key("Enter"),
        [FOCUS, ("type", "ok", True), ("key", "Enter")],
    ),
    (
        "word-delete",
        lambda: s().type("hello world").key("Backspace", "ctrl").type("there").key("Enter"),
        [FOCUS, ("type", "hello there", False), ("key", "Enter")],
    ),
    (
        "arrow-out-of-run-commits",
        lambda: s().type("ab").keys("Left", 3).type("c").key("Enter"),
        [FOCUS, ("type", "ab", False), ("type", "c", False), ("key", "Enter")],
    ),
    ("modifiers-alone", lambda: s().key("ctrl").key("shift").key("CapsLock"), [FOCUS]),
    (
        "click-commits",
        lambda: s().type("abc").click(5, 6),
        [FOCUS, ("type", "abc", False), ("click", "left", 5, 6)],
    ),
    ("double-click", lambda: s().click(5, 6).click(6, 6), [FOCUS, ("double_click", "left", 5, 6)]),
    (
        "slow-clicks",
        lambda: s().click(5, 6).wait(1).click(5, 6),
        [FOCUS, ("click", "left", 5, 6), ("click", "left", 5, 6)],
    ),
    ("right-click", lambda: s().click(7, 8, "right"), [FOCUS, ("right_click", "right", 7, 8)]),
    ("middle-click", lambda: s().click(7, 8, "middle"), [FOCUS, ("click", "middle", 7, 8)]),
    ("drag", lambda: s().drag(10, 10, 200, 120), [FOCUS, ("drag", 10, 10, 200, 120)]),
    ("scroll-merged", lambda: s().scroll(-1).scroll(-1).scroll(-1), [FOCUS, ("scroll", 0, -3)]),
    (
        "scroll-split-by-pause",
        lambda: s().scroll(1).wait(2).scroll(1).tick(),
        [FOCUS, ("scroll", 0, 1), ("scroll", 0, 1)],
    ),
    (
        "focus-commits",
        lambda: s().type("abc").focus(2, "xterm"),
        [FOCUS, ("type", "abc", False), ("focus", "app", "xterm")],
    ),
    (
        "same-app-other-window",
        lambda: s().focus(2, "xedit", "other"),
        [FOCUS, ("focus", "window", "xedit")],
    ),
    (
        "title-change-is-no-switch",
        lambda: s().type("ab").focus(1, "xedit", "notes *").type("c").key("Enter"),
        [FOCUS, ("type", "abc", False), ("key", "Enter")],
    ),
    (
        "idle-and-active",
        lambda: s().type("ab").idle(300).active(),
        [FOCUS, ("type", "ab", False), ("idle",), ("active",)],
    ),
    (
        "input-ends-idle",
        lambda: s().idle(300).type("x").key("Enter"),
        [FOCUS, ("idle",), ("active",), ("type", "x", False), ("key", "Enter")],
    ),
    (
        "pause-resume",
        lambda: (
            s()
            .type("ab")
            .add(raw.Suspend(s().now, "user"))
            .type("secret")
            .add(raw.Resume(s().now + timedelta(seconds=9), "user"))
        ),
        [FOCUS, ("type", "ab", False), ("pause", "user"), ("resume",)],
    ),
    (
        "policy-suspend-is-silent",
        lambda: (
            s()
            .add(raw.Suspend(s().now, "policy"))
            .type("x")
            .add(raw.Resume(s().now + timedelta(seconds=9), "policy"))
        ),
        [FOCUS],
    ),
    ("no-focus-no-input", lambda: Script().type("lost").click(1, 1), []),
]


@pytest.mark.parametrize(
    ("script", "expected"), [(c[1], c[2]) for c in CASES], ids=[c[0] for c in CASES]
)
def test_reduction_table(script: Callable[[], Script], expected: list[tuple[object, ...]]) -> None:
    assert [summary(a) for a in reduce_script(script())] == expected


def test_quiet_typing_commits_after_the_configured_pause() -> None:
    script = s().type("draft")
    reducer = Reducer()
    out = [a for r in script.records for a in reducer.feed(r)]
    assert [summary(a) for a in out] == [FOCUS]
    assert reducer.feed(raw.Tick(script.now + timedelta(seconds=1))) == []
    later = reducer.feed(raw.Tick(script.now + timedelta(seconds=3.5)))
    assert [summary(a) for a in later] == [("type", "draft", False)]


def test_type_action_starts_at_first_key_with_coarse_duration() -> None:
    script = s().wait(1).type("abc")
    first_key = next(r for r in script.records if isinstance(r, raw.KeyDown))
    typed = next(a for a in reduce_script(script) if a.kind == "type")
    assert typed.at == first_key.at
    assert typed.duration_ms % 100 == 0


printable = st.text(st.characters(codec="utf-8").filter(str.isprintable), min_size=1, max_size=60)


@given(text=printable)
def test_typing_any_printable_text_then_enter_yields_exactly_that_text(text: str) -> None:
    out = [summary(a) for a in reduce_script(s().type(text).key("Enter"))]
    assert out == [FOCUS, ("type", text, False), ("key", "Enter")]


@given(
    text=printable,
    data=st.data(),
    more=st.text(st.characters(codec="ascii").filter(str.isprintable), max_size=20),
)
def test_backspaces_remove_exactly_the_last_characters(
    text: str, data: st.DataObject, more: str
) -> None:
    k = data.draw(st.integers(0, len(text)))
    script = s().type(text).keys("Backspace", k).type(more).key("Enter")
    expected = text[: len(text) - k] + more
    typed = [summary(a) for a in reduce_script(script) if a.kind == "type"]
    assert typed == ([("type", expected, False)] if expected else [])


@settings(max_examples=60)
@given(text=printable, gaps=st.lists(st.integers(0, 2500), min_size=60, max_size=60))
def test_output_does_not_depend_on_per_key_timing(text: str, gaps: list[int]) -> None:
    """Two people typing the same text between the same first and last key, with any rhythm,
    produce the same events: no per-key timing leaves the reducer."""
    even = s()
    uneven = s()
    between = gaps[: len(text) - 1]
    step, extra = divmod(sum(between), len(between)) if between else (0, 0)
    for i, char in enumerate(text):
        uneven.type(char)
        even.type(char)
        if i < len(between):
            uneven.wait(between[i] / 1000)
            even.wait((step + (1 if i < extra else 0)) / 1000)
    a = reduce_script(even.key("Enter"))
    b = reduce_script(uneven.key("Enter"))
    assert [(x.kind, x.payload, x.at) for x in a] == [(x.kind, x.payload, x.at) for x in b]
    for x, y in zip(a, b, strict=True):
        assert abs(x.duration_ms - y.duration_ms) <= 100  # rounded to 0.1 s
    for action in a + b:
        assert set(action.__slots__) == {"kind", "at", "payload", "duration_ms", "window", "target"}
        assert action.duration_ms % 100 == 0 or action.kind != "type"


OPS = st.lists(
    st.one_of(
        st.tuples(st.just("type"), st.text("ab Z", max_size=5)),
        st.tuples(
            st.sampled_from(["Enter", "Backspace", "Left", "Right", "Home", "Tab"]), st.just("")
        ),
        st.tuples(st.just("ctrl"), st.sampled_from("asvz")),
        st.tuples(st.just("click"), st.sampled_from(["left", "right", "middle"])),
        st.tuples(st.just("scroll"), st.just("")),
        st.tuples(st.just("drag"), st.just("")),
        st.tuples(st.just("wait"), st.sampled_from(["0.1", "0.5", "4"])),
        st.tuples(st.just("focus"), st.sampled_from("123")),
        st.tuples(st.just("idle"), st.just("")),
    ),
    max_size=40,
)


@settings(max_examples=150)
@given(ops=OPS)
def test_any_input_gives_ordered_contract_valid_actions(ops: list[tuple[str, str]]) -> None:
    script = s()
    for op, arg in ops:
        if op == "type":
            script.type(arg)
        elif op == "ctrl":
            script.key(arg, "ctrl")
        elif op == "click":
            script.click(3, 4, arg)  # type: ignore[arg-type]
        elif op == "scroll":
            script.scroll(1)
        elif op == "drag":
            script.drag(0, 0, 50, 50)
        elif op == "wait":
            script.wait(float(arg))
        elif op == "focus":
            script.focus(int(arg), f"app{arg}")
        elif op == "idle":
            script.idle(200)
        else:
            script.key(op)
    actions = reduce_script(script)
    times = [a.at for a in actions]
    assert times == sorted(times)
    raw_keys = sum(isinstance(r, raw.KeyDown) for r in script.records)
    assert sum(a.kind == "type" for a in actions) <= raw_keys
    for a in actions:
        assert a.duration_ms >= 0
        if a.kind in (
            "type",
            "key",
            "click",
            "double_click",
            "right_click",
            "drag",
            "scroll",
            "focus",
        ):
            assert a.window is not None
        if isinstance(a.payload, ev.KeyPayload):
            assert 1 <= len(a.payload.keys) <= 64
