"""The agent runner's loop over a fake page: observations as the dataset builds them, actions
by selector, the step limit, the end, and the refusals (other origins, secret fields)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import msgspec
import pytest

from workprint.core import events as ev
from workprint.core.errors import ConfigError
from workprint.dataset.steps import element_row
from workprint.train import runner
from workprint.train.baselines import Markov
from workprint.train.checkpoint import load_trained
from workprint.train.data import Example, examples, open_dataset, read_split
from workprint.train.loop import train
from workprint.train.metrics import Act
from workprint.train.model import OPS
from workprint.train.runner import RunnerConfig

from .conftest import TINY_MODEL, TINY_TRAIN

BASE = "http://127.0.0.1:8801"
CONFIG = RunnerConfig(allowed_origins=(BASE,), max_steps=10)

FORM: list[dict[str, Any]] = [
    {"eid": 0, "tag": "a", "role": "link", "name": "Contacts", "selector": "#nav-contacts",
     "attrs": {"id": "nav-contacts", "href": "/contacts"}, "bbox": [0, 0, 80, 20]},
    {"eid": 1, "tag": "input", "role": "textbox", "name": "Email", "selector": "#email",
     "attrs": {"id": "email", "type": "email", "aria-label": "Email"}},
    {"eid": 2, "tag": "input", "role": "textbox", "name": "Password", "selector": "#password",
     "attrs": {"id": "password", "type": "password"}},
    {"eid": 3, "tag": "input", "role": "textbox", "name": "Card number", "selector": "#card",
     "attrs": {"id": "card", "type": "text"}},
    {"eid": 4, "tag": "select", "role": "combobox", "name": "Stage", "selector": "#stage",
     "options": ["lead", "won"]},
    {"eid": 5, "tag": "button", "role": "button", "name": "Save contact", "selector": "#save",
     "text": "Save contact"},
]  # fmt: skip


@dataclass
class FakePage:
    """A page that records what was done to it; ``#card`` is secret only to the live check."""

    at: str = f"{BASE}/contacts/new"
    items: list[dict[str, Any]] = field(default_factory=lambda: list(FORM))
    done: list[tuple[str, ...]] = field(default_factory=list)
    secret: frozenset[str] = frozenset({"#password", "#card"})
    fail_on: str | None = None

    def url(self) -> str:
        return self.at

    def elements(self) -> list[Any]:
        return self.items

    def is_secret(self, selector: str) -> bool:
        return selector in self.secret

    def _do(self, *call: str) -> None:
        if call[0] == self.fail_on:
            raise runner.ActionFailed("the element did not answer in time")
        self.done.append(call)

    def click(self, selector: str) -> None:
        self._do("click", selector)

    def fill(self, selector: str, text: str) -> None:
        self._do("fill", selector, text)

    def select_option(self, selector: str, label: str) -> None:
        self._do("select", selector, label)

    def press(self, selector: str | None, keys: str) -> None:
        self._do("press", selector or "", keys)

    def scroll(self, dx: int, dy: int) -> None:
        self._do("scroll", f"{dx},{dy}")

    def goto(self, url: str) -> None:
        self._do("goto", url)
        self.at = url


def scripted(*acts: Act) -> runner.Policy:
    """Each step's action in order, then "no element" (the end)."""
    it: Iterator[Act] = iter(acts)
    seen: list[Example] = []

    def choose(example: Example) -> Act:
        seen.append(example)
        return next(it, Act("CLICK", None, None))

    choose.seen = seen  # type: ignore[attr-defined]
    return choose


def test_loop_acts_by_selector_and_ends_when_nothing_is_left() -> None:
    page = FakePage()
    policy = scripted(
        Act("TYPE", 1, "ann@example.com"), Act("SELECT", 4, "won"), Act("CLICK", 5, None)
    )
    result = runner.run(page, "Create Ann, ann@example.com", policy, CONFIG)
    assert result.stop == "end"
    assert page.done == [
        ("fill", "#email", "ann@example.com"),
        ("select", "#stage", "won"),
        ("click", "#save"),
    ]
    assert [(s.op, s.name) for s in result.steps] == [
        ("TYPE", "Email"),
        ("SELECT", "Stage"),
        ("CLICK", "Save contact"),
    ]
    assert [a.descriptor for a in result.history] == [
        "textbox:email",
        "combobox:stage",
        "button:save contact",
    ]
    seen: list[Example] = policy.seen  # type: ignore[attr-defined]
    assert [len(ex.history) for ex in seen] == [0, 1, 2, 3]
    assert seen[0].step.task == "Create Ann, ann@example.com"


def test_observation_is_the_dataset_builders() -> None:
    rows = runner.observe(FORM)
    assert rows == [element_row(msgspec.convert(e, ev.Element)) for e in FORM]
    assert rows[1].attrs is not None and rows[1].attrs.aria_label == "Email"
    with pytest.raises(runner.ActionFailed):
        runner.observe([{"eid": -1}])


def test_step_limit_bounds_the_loop() -> None:
    acts = [Act("SCROLL", None, "0,400" if i % 2 else "0,-400") for i in range(100)]
    page = FakePage()
    result = runner.run(page, "look around", scripted(*acts), RunnerConfig((BASE,), max_steps=5))
    assert result.stop == "max_steps"
    assert len(result.steps) == len(page.done) == 5


def test_repeating_the_last_action_on_an_unchanged_page_ends() -> None:
    page = FakePage()
    result = runner.run(page, "t", scripted(*[Act("KEY", 1, "Enter")] * 5), CONFIG)
    assert result.stop == "end"
    assert page.done == [("press", "#email", "Enter")]


@pytest.mark.parametrize(
    ("act", "why"),
    [
        (Act("TYPE", 2, "hunter2"), "type=password in the snapshot"),
        (Act("TYPE", 3, "4111111111111111"), "autocomplete cc-number on the live element"),
        (Act("KEY", 2, "Enter"), "keys into a password field"),
    ],
    ids=["password-attr", "card-live-check", "key-into-password"],
)
def test_secret_fields_are_refused(act: Act, why: str) -> None:
    page = FakePage()
    result = runner.run(page, "t", scripted(Act("CLICK", 0, None), act), CONFIG)
    assert result.stop == "refused_secret", why
    assert page.done == [("click", "#nav-contacts")]
    assert result.refused is not None and result.refused.op == act.op


@pytest.mark.parametrize(
    ("start", "act", "stop", "done"),
    [
        ("https://evil.example/login", Act("CLICK", 5, None), "refused_origin", []),
        (f"{BASE}/", Act("NAVIGATE", None, "https://evil.example/x"), "refused_origin", []),
        (f"{BASE}/", Act("NAVIGATE", None, "//evil.example/x"), "refused_origin", []),
        (f"{BASE}/", Act("NAVIGATE", None, "/deals"), "max_steps", [("goto", f"{BASE}/deals")]),
    ],
    ids=["start-elsewhere", "navigate-elsewhere", "protocol-relative", "navigate-inside"],
)
def test_other_origins_are_refused(
    start: str, act: Act, stop: str, done: list[tuple[str, ...]]
) -> None:
    page = FakePage(at=start)
    result = runner.run(page, "t", scripted(act), RunnerConfig((BASE,), max_steps=1))
    assert result.stop == stop
    assert page.done == done


def test_a_failed_action_stops_the_run() -> None:
    page = FakePage(fail_on="click")
    result = runner.run(page, "t", scripted(Act("CLICK", 5, None)), CONFIG)
    assert result.stop == "action_failed"
    assert len(result.steps) == 1


@pytest.mark.parametrize(
    ("url", "origins", "ok"),
    [
        (f"{BASE}/x?y=1", (BASE,), True),
        (f"{BASE}/x", (f"{BASE}/",), True),
        ("HTTP://127.0.0.1:8801/x", (BASE,), True),
        ("http://127.0.0.1:8802/x", (BASE,), False),
        ("about:blank", (BASE,), False),
    ],
    ids=["same", "trailing-slash", "case", "other-port", "no-origin"],
)
def test_allowed(url: str, origins: tuple[str, ...], ok: bool) -> None:
    assert runner.allowed(url, origins) is ok


def test_config_is_checked() -> None:
    with pytest.raises(ConfigError):
        RunnerConfig(allowed_origins=())
    with pytest.raises(ConfigError):
        RunnerConfig(allowed_origins=(BASE,), max_steps=0)


def test_model_and_baseline_drive_the_loop(tiny_dataset: Path, tmp_path: Path) -> None:
    train(tiny_dataset, tmp_path / "m", train_config=TINY_TRAIN, model_config=TINY_MODEL)
    markov = Markov()
    markov.fit(examples(read_split(open_dataset(tiny_dataset), "train")))
    for policy in (
        runner.model_policy(load_trained(tmp_path / "m")),
        runner.baseline_policy(markov),
    ):
        page = FakePage()
        result = runner.run(page, "Create a contact Ann Lee", policy, RunnerConfig((BASE,), 3))
        assert result.stop in ("end", "max_steps", "refused_secret", "refused_origin")
        assert len(result.steps) <= 3
        assert all(s.op in OPS for s in result.steps)
        assert ("fill", "#password") not in {c[:2] for c in page.done}


class UpperView:
    """A view that hides lower-case letters as ``<X_n>`` placeholders, one per word."""

    def __init__(self) -> None:
        self.seen: dict[str, str] = {}
        self.elements_seen: list[list[ev.Element]] = []

    def _hide(self, text: str) -> str:
        out = []
        for word in text.split():
            if word.islower():
                key = f"<X_{len(self.seen) + 1}>"
                self.seen[key] = word
                word = key
            out.append(word)
        return " ".join(out)

    def task(self, text: str, url: str | None = None) -> str | None:
        return self._hide(text)

    def elements(self, url: str, elements: list[ev.Element]) -> list[ev.Element] | None:
        shown = [msgspec.structs.replace(e, selector="#hidden") for e in elements]
        self.elements_seen.append(shown)
        return shown

    def reveal(self, value: str) -> str:
        return " ".join(self.seen.get(w, w) for w in value.split())


def test_a_view_hides_text_from_the_policy_but_the_browser_gets_real_values() -> None:
    page = FakePage()
    view = UpperView()
    tasks: list[str | None] = []

    def policy(example: Example) -> Act:
        tasks.append(example.step.task)
        if not example.history:
            return Act("TYPE", 1, "<X_1>")
        return Act("CLICK", None, None)

    result = runner.run(page, "Email ada please", policy, CONFIG, view=view)
    assert tasks[0] == "Email <X_1> <X_2>"
    # The browser acts on the real selector, with the revealed value; the record keeps
    # what the policy chose.
    assert page.done == [("fill", "#email", "ada")]
    assert result.steps[0].selector == "#email" and result.steps[0].value == "<X_1>"
    assert result.history[0].value == "<X_1>"


def test_a_view_that_withholds_the_page_stops_the_run() -> None:
    class Closed(UpperView):
        def elements(self, url: str, elements: list[ev.Element]) -> list[ev.Element] | None:
            return None

    page = FakePage()
    result = runner.run(page, "anything", lambda ex: Act("CLICK", 5, None), CONFIG, view=Closed())
    assert result.stop == "refused_origin" and page.done == []


def test_ranked_choices_fit_their_elements_and_start_with_the_argmax(
    tiny_dataset: Path, tmp_path: Path
) -> None:
    from workprint.train.predict import fits, predict, rank

    train(tiny_dataset, tmp_path / "m", train_config=TINY_TRAIN, model_config=TINY_MODEL)
    trained = load_trained(tmp_path / "m")
    items = examples(read_split(open_dataset(tiny_dataset), "test"))[:20]
    for ex, best in zip(items, predict(trained, items), strict=True):
        ranked = rank(trained, ex)
        assert ranked and len(set(ranked)) == len(ranked)
        by_eid = {e.eid: e for e in ex.step.obs_elements}
        for act in ranked:
            assert fits(act.op, by_eid.get(act.eid) if act.eid is not None else None)
        if fits(best.op, by_eid.get(best.eid) if best.eid is not None else None):
            assert ranked[0] == best


def test_operations_fit_element_kinds() -> None:
    from workprint.train.predict import fits

    rows = {e["eid"]: element_row(msgspec.convert(e, ev.Element)) for e in FORM}
    assert fits("TYPE", rows[1]) and not fits("TYPE", rows[5]) and not fits("TYPE", rows[4])
    assert fits("SELECT", rows[4]) and not fits("SELECT", rows[1])
    assert fits("CLICK", rows[5]) and fits("KEY", rows[1])
    assert fits("NAVIGATE", None) and fits("SCROLL", None) and not fits("CLICK", None)
    assert not fits("NAVIGATE", rows[0])
    assert fits("END", None) and not fits("END", rows[5])
    status = element_row(ev.Element(eid=9, tag="div", role="status", text="Contact saved"))
    assert not any(fits(op, status) for op in ("CLICK", "TYPE", "SELECT", "KEY"))


def test_the_runner_takes_the_next_choice_instead_of_repeating_itself() -> None:
    page = FakePage()
    choices = [Act("CLICK", 5, None), Act("CLICK", 0, None)]
    result = runner.run(page, "save it", lambda ex: choices, CONFIG)
    # The first choice once, then the second, then nothing new on this page: the end.
    assert page.done == [("click", "#save"), ("click", "#nav-contacts")]
    assert result.stop == "end"


def test_the_policy_ends_the_run_by_saying_the_task_is_done() -> None:
    page = FakePage()
    policy = scripted(Act("CLICK", 5, None), Act("END", None, None), Act("CLICK", 0, None))
    result = runner.run(page, "save it", policy, CONFIG)
    assert result.stop == "end"
    assert page.done == [("click", "#save")]
    assert [s.op for s in result.steps] == ["CLICK"]
