"""The agent runner: a next-action policy acting on a live page, step by step.

Each step reads the page through a :class:`PageDriver` (its URL and the elements the browser
SDK's ``Workprint.snapshot()`` lists, exactly what an ``observe`` event would carry), builds
the observation exactly as the dataset builder does (:func:`workprint.dataset.steps.element_row`
over the contract's :class:`~workprint.core.events.Element`), asks the policy (the trained
model, or a baseline) for the next action, and performs it by the element's selector. The
loop ends when the policy says the task is finished (``END``, learned from the tasks people
ended as done), when it has nothing left to do (it names no element for an operation that
needs one, or only actions already performed on this page), at the step limit, or at a
refusal:

* the page is not on one of ``allowed_origins``, or a ``NAVIGATE`` leads elsewhere;
* a value would go into a secret field (password, ``autocomplete`` current-password,
  new-password, ``cc-*`` or one-time-code), by the snapshot's attributes or the driver's
  own check of the live element.

Nothing here imports a browser: the driver is passed in (the demo has a Playwright one,
tests a fake). Logs carry counts and reasons only, never task text, names or values.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, Literal, Protocol
from urllib.parse import urljoin, urlsplit

import msgspec

from workprint.core import events as ev
from workprint.core.errors import ConfigError, Terminal
from workprint.dataset.format import ElementRow, StepRow
from workprint.dataset.steps import END, action_repr, element_row
from workprint.train import _text as tx
from workprint.train.baselines import Baseline
from workprint.train.checkpoint import Trained
from workprint.train.data import Action, Example
from workprint.train.errors import TrainError
from workprint.train.metrics import Act

log = logging.getLogger(__name__)

ELEMENT_OPS: Final = frozenset({"CLICK", "DOUBLE_CLICK", "RIGHT_CLICK", "TYPE", "SELECT"})
"""Operations that make no sense without a target element."""
SECRET_AUTOCOMPLETE: Final = ("current-password", "new-password", "one-time-code")
StopReason = Literal[
    "end", "max_steps", "refused_origin", "refused_secret", "no_target", "action_failed"
]


class ActionFailed(TrainError, Terminal):
    """The page driver could not perform an action (element gone, timeout); the run stops."""

    code = "agent_action_failed"


class PageDriver(Protocol):
    """One browser page the runner reads and acts on; every call waits a bounded time."""

    def url(self) -> str:
        """The page's current URL."""

    def elements(self) -> list[Any]:
        """``Workprint.snapshot()``: the page's elements as JSON objects (``observe`` form)."""

    def is_secret(self, selector: str) -> bool:
        """Whether the live element at ``selector`` is a field nothing may be typed into."""

    def click(self, selector: str) -> None: ...

    def fill(self, selector: str, text: str) -> None: ...

    def select_option(self, selector: str, label: str) -> None: ...

    def press(self, selector: str | None, keys: str) -> None: ...

    def scroll(self, dx: int, dy: int) -> None: ...

    def goto(self, url: str) -> None: ...


Policy = Callable[[Example], "Act | Sequence[Act]"]
"""A policy names the next action, or several, best first (the runner takes the first it has
not already performed on the same page)."""
"""The next action for an example (observation, task and history)."""


@dataclass(frozen=True, slots=True)
class RunnerConfig:
    """How far and where the runner may go."""

    allowed_origins: tuple[str, ...]
    """Origins (``scheme://host:port``) the runner may read and act on; nothing else."""
    max_steps: int = 25
    """The loop always ends after this many actions."""

    def __post_init__(self) -> None:
        if not self.allowed_origins:
            raise ConfigError("the runner needs at least one allowed origin")
        if self.max_steps < 1:
            raise ConfigError("max_steps must be at least 1")


@dataclass(frozen=True, slots=True)
class StepRecord:
    """One action the runner performed (or refused)."""

    index: int
    op: str
    name: str | None
    """The target element's accessible name (or label), when it had one."""
    selector: str | None
    value: str | None


@dataclass(frozen=True, slots=True)
class RunResult:
    """What a run did and why it ended; success is judged elsewhere, from the application."""

    steps: tuple[StepRecord, ...]
    stop: StopReason
    refused: StepRecord | None = None
    history: tuple[Action, ...] = field(default=())


def origin_of(url: str) -> str:
    """``scheme://host[:port]`` of ``url`` (lower-case), or ``""`` when it has none."""
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        return ""
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"


def allowed(url: str, origins: Sequence[str]) -> bool:
    """Whether ``url`` is on one of ``origins``."""
    here = origin_of(url)
    return bool(here) and here in {origin_of(o) or o.lower().rstrip("/") for o in origins}


def is_secret_element(element: ElementRow) -> bool:
    """A password field by the snapshot's attributes (the driver checks ``autocomplete``)."""
    attrs = element.attrs
    return attrs is not None and (attrs.type or "").lower() == "password"


def parse(raw: Sequence[Any]) -> list[ev.Element]:
    """The snapshot's elements as the contract's ``Element`` type."""
    try:
        return msgspec.convert(list(raw), list[ev.Element])
    except msgspec.ValidationError as exc:
        raise ActionFailed("the page's snapshot is not in the observe format") from exc


def observe(raw: Sequence[Any]) -> list[ElementRow]:
    """The snapshot's elements as dataset rows, through the contract's ``Element`` type."""
    return [element_row(e) for e in parse(raw)]


class View(Protocol):
    """What the policy may read of the task and the page, and how its values become real
    text again (the demo's is :class:`workprint.demo._agent_view.RedactedView`: the task and
    the page redacted exactly as training data was)."""

    def task(self, text: str, url: str | None = None) -> str | None:
        """The task as the policy reads it (None: nothing of it may be read here)."""
        ...

    def elements(self, url: str, elements: list[ev.Element]) -> list[ev.Element] | None:
        """The page's elements as the policy reads them, same order (None: not readable)."""
        ...

    def reveal(self, value: str) -> str:
        """A value the policy chose, as the browser must type or select it."""
        ...


def observation(
    task: str, url: str, elements: list[ElementRow], history: Sequence[Action], index: int
) -> Example:
    """The example the policy sees, laid out as the dataset builder lays out a step."""
    step = StepRow(
        episode_id="agent",
        step_index=index,
        person="agent",
        event_id="",
        t_ms=0,
        task=task,
        stream="web",
        app=None,
        url=url,
        obs_kind="elements",
        obs_event_id=None,
        obs_app=None,
        obs_url=url,
        obs_title=None,
        obs_elements=elements,
        previous_actions=[action_repr(a.op, None, None, a.value) for a in history],
        op="CLICK",
        target_eid=None,
        target_match="absent",
        target=None,
        value=None,
        action_repr="",
    )
    return Example(step, tuple(history))


def model_policy(trained: Trained) -> Policy:
    """The trained model as a policy: its ranked choices for one example at a time."""
    from workprint.train.predict import rank

    def choose(example: Example) -> list[Act]:
        return rank(trained, example)

    return choose


def baseline_policy(baseline: Baseline) -> Policy:
    """A fitted baseline as a policy."""

    def choose(example: Example) -> Act:
        return baseline.predict([example])[0]

    return choose


def _scroll(value: str | None) -> tuple[int, int]:
    try:
        dx, dy = (int(float(p)) for p in (value or "0,400").split(","))
    except ValueError:
        return 0, 400
    return dx, dy


def _perform(driver: PageDriver, act: Act, target: ElementRow | None, url: str) -> None:
    selector = target.selector if target is not None else None
    if act.op in ("CLICK", "DOUBLE_CLICK", "RIGHT_CLICK") and selector:
        driver.click(selector)
    elif act.op == "SUBMIT":
        if selector:
            driver.click(selector)
        else:
            driver.press(None, "Enter")
    elif act.op == "TYPE" and selector:
        driver.fill(selector, act.value or "")
    elif act.op == "SELECT" and selector:
        driver.select_option(selector, act.value or "")
    elif act.op == "KEY":
        driver.press(selector, act.value or "Enter")
    elif act.op == "SCROLL":
        driver.scroll(*_scroll(act.value))
    elif act.op == "NAVIGATE" and act.value:
        driver.goto(urljoin(url, act.value))
    else:
        raise ActionFailed(f"the runner cannot perform {act.op} here")


def _done_key(
    url: str, by_eid: dict[int, ElementRow], act: Act
) -> tuple[str, str, str | None, str | None]:
    element = by_eid.get(act.eid) if act.eid is not None else None
    return (url, act.op, element.selector if element is not None else None, act.value)


def run(
    driver: PageDriver,
    task: str,
    policy: Policy,
    config: RunnerConfig,
    *,
    view: View | None = None,
) -> RunResult:
    """Act on ``driver``'s page for ``task`` until the policy ends, the step limit, or a
    refusal (see the module docstring). With a ``view``, the policy reads the task and the
    page through it, and its values are revealed only to the driver."""
    records: list[StepRecord] = []
    history: list[Action] = []
    performed: set[tuple[str, str, str | None, str | None]] = set()

    def done(stop: StopReason, refused: StepRecord | None = None) -> RunResult:
        log.info("agent run ended steps=%d stop=%s", len(records), stop)
        return RunResult(tuple(records), stop, refused, tuple(history))

    seen_task: str | None = task
    for index in range(config.max_steps):
        url = driver.url()
        if not allowed(url, config.allowed_origins):
            return done("refused_origin")
        if view is not None and index == 0:
            seen_task = view.task(task, url)
        raw = parse(driver.elements())
        shown = raw if view is None else view.elements(url, raw)
        if seen_task is None or shown is None or len(shown) != len(raw):
            return done("refused_origin")
        elements = [element_row(e) for e in shown]
        choice = policy(observation(seen_task, url, elements, history, index))
        by_eid = {e.eid: e for e in elements}
        # An action already performed on this page changed nothing worth repeating: take
        # the policy's next choice, and end when it has none (scrolling on is allowed).
        ranked = [choice] if isinstance(choice, Act) else list(choice)
        act = next((a for a in ranked if _done_key(url, by_eid, a) not in performed), None)
        if act is None or act.op == END:
            return done("end")
        if act.op != "SCROLL":
            performed.add(_done_key(url, by_eid, act))
        seen = by_eid.get(act.eid) if act.eid is not None else None
        # The policy chose by eid among what it was shown; the browser acts on the real page.
        target = (
            next((element_row(e) for e in raw if e.eid == act.eid), None)
            if seen is not None and view is not None
            else seen
        )
        record = StepRecord(
            index,
            act.op,
            (tx.element_label(seen) or None) if seen is not None else None,
            target.selector if target is not None else None,
            act.value,
        )
        if act.op in ELEMENT_OPS and (target is None or not target.selector):
            return done("end")
        if act.op in ("TYPE", "SELECT", "KEY") and target is not None:
            selector = target.selector or ""
            if is_secret_element(target) or (selector and driver.is_secret(selector)):
                return done("refused_secret", record)
        real = (
            act
            if view is None or act.value is None
            else dataclasses.replace(act, value=view.reveal(act.value))
        )
        if act.op == "NAVIGATE" and not allowed(
            urljoin(url, real.value or ""), config.allowed_origins
        ):
            return done("refused_origin", record)
        try:
            _perform(driver, real, target, url)
        except ActionFailed:
            records.append(record)
            return done("action_failed")
        records.append(record)
        history.append(
            Action(
                op=act.op,
                descriptor=tx.descriptor(seen) if seen is not None else "",
                selector=seen.selector if seen is not None else None,
                value=act.value,
            )
        )
    return done("max_steps")
