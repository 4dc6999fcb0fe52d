"""Live agent evaluation in Nexus CRM: the runner drives Chromium through held-out tasks, and
the CRM's database (the simulated team's :func:`~workprint.demo.team.judge`) says whether
each one was done. The model's own claim counts for nothing.

```python
from pathlib import Path
from workprint.demo import agent_eval, team

tasks = [t for ts in team.plan_tasks(seed=9, people=4, tasks_per_person=2,
                                     crm_db=Path("crm.db")).values() for t in ts]
report = agent_eval.evaluate_agent(Path("out/model"), crm_url, Path("crm.db"), tasks,
                                   dataset=Path("out/synthetic"))
print(report["agent"]["task_sr"])      # {"value": ..., "low": ..., "high": ...}
```

Each task runs in a fresh browser context: the harness signs in as the task's person (the
password is typed by the harness, never by the agent), opens the dashboard, and hands the
page to :func:`workprint.train.runner.run`. Observations come from the browser SDK's own
``Workprint.snapshot()``, injected into every page, so they are built as training data was.

Systems (the model, then each baseline fitted on the dataset's ``train`` people) take
different tasks, because a task done once stays done in the database: each family's tasks
are dealt in turn (:func:`deal`), so every system gets the same mix of families. A task
that the database already shows done is skipped. Account chores (``add_card``,
``change_password``) are left out: their secrets are not in the task text and the runner
refuses secret fields. Task success comes with a 95% Wilson score
interval over tasks (each task is one independent trial of one system).
"""

from __future__ import annotations

import contextlib
import logging
import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import urljoin

from sqlalchemy.engine import Engine

from workprint.core.errors import ConfigError
from workprint.demo._agent_view import RedactedView
from workprint.demo._recorders import sdk_source
from workprint.demo.crm.seed import DEMO_PASSWORD
from workprint.demo.errors import DemoError
from workprint.demo.team import CHORES, VIEWPORT, TaskSpec, chromium, judge
from workprint.train.baselines import all_baselines
from workprint.train.checkpoint import load_trained
from workprint.train.data import examples, open_dataset, read_training
from workprint.train.runner import (
    ActionFailed,
    Policy,
    RunnerConfig,
    RunResult,
    View,
    baseline_policy,
    model_policy,
    origin_of,
    run,
)

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

log = logging.getLogger(__name__)

STEP_TIMEOUT_MS: Final = 5_000
"""The longest any one read or action on the page waits."""
Z95: Final = 1.959963984540054
_NO_TYPING_JS: Final = """sel => {
  const el = document.querySelector(sel);
  if (!el) return false;
  const type = (el.getAttribute("type") || "").toLowerCase();
  const tokens = (el.getAttribute("autocomplete") || "").toLowerCase().split(/\\s+/);
  return type === "password" || tokens.some(t => t.startsWith("cc-") ||
    ["current-password", "new-password", "one-time-code"].includes(t));
}"""


class BrowserPage:
    """The runner's page driver over a Playwright page, every call bounded by ``timeout_ms``."""

    def __init__(self, page: Page, *, timeout_ms: int = STEP_TIMEOUT_MS) -> None:
        self.page = page
        self.timeout_ms = timeout_ms

    @contextlib.contextmanager
    def _acting(self) -> Iterator[None]:
        from playwright.sync_api import Error as PlaywrightError

        try:
            yield
            with contextlib.suppress(PlaywrightError):
                self.page.wait_for_load_state("load", timeout=self.timeout_ms)
        except PlaywrightError as exc:
            raise ActionFailed("the page did not take the action in time") from exc

    def url(self) -> str:
        return self.page.url

    def elements(self) -> list[Any]:
        with self._acting():
            self.page.wait_for_function("() => !!window.Workprint", timeout=self.timeout_ms)
            found = self.page.evaluate("() => Workprint.snapshot({mode: 'full'})")
        return list(found) if isinstance(found, list) else []

    def is_secret(self, selector: str) -> bool:
        with self._acting():
            return bool(self.page.evaluate(_NO_TYPING_JS, selector))

    def click(self, selector: str) -> None:
        with self._acting():
            self.page.click(selector, timeout=self.timeout_ms)

    def fill(self, selector: str, text: str) -> None:
        with self._acting():
            self.page.fill(selector, text, timeout=self.timeout_ms)

    def select_option(self, selector: str, label: str) -> None:
        with self._acting():
            self.page.select_option(selector, label=label, timeout=self.timeout_ms)

    def press(self, selector: str | None, keys: str) -> None:
        combo = playwright_keys(keys)
        with self._acting():
            if selector:
                self.page.press(selector, combo, timeout=self.timeout_ms)
            else:
                self.page.keyboard.press(combo)

    def scroll(self, dx: int, dy: int) -> None:
        with self._acting():
            self.page.mouse.wheel(dx, dy)

    def goto(self, url: str) -> None:
        with self._acting():
            self.page.goto(url, timeout=self.timeout_ms)


@dataclass(frozen=True)
class TaskRun:
    """One task run by one system, and the database's verdict."""

    task: TaskSpec
    result: RunResult
    success: bool


_MODIFIERS: Final = {"ctrl": "Control", "alt": "Alt", "shift": "Shift", "meta": "Meta"}


def playwright_keys(keys: str) -> str:
    """A key in the event contract's canonical form (``ctrl+a``, ``shift+Tab``, ``Space``,
    ``Enter``) as Playwright names it (``Control+a``, ``Shift+Tab``, ``Space``, ``Enter``)."""
    if keys.endswith("+") and len(keys) > 1:  # the plus key itself: "ctrl++"
        mods, key = [m for m in keys[:-1].split("+") if m], "+"
    else:
        *mods, key = keys.split("+")
    return "+".join([*(_MODIFIERS.get(m, m) for m in mods), key])


def sign_in(page: Page, crm_url: str, username: str) -> None:
    """Sign in to the CRM as a seeded person (the harness types the password)."""
    page.goto(urljoin(crm_url, "/login"), timeout=STEP_TIMEOUT_MS * 3)
    page.fill("#username", username, timeout=STEP_TIMEOUT_MS)
    page.fill("#password", DEMO_PASSWORD, timeout=STEP_TIMEOUT_MS)
    page.click("button[type=submit]", timeout=STEP_TIMEOUT_MS)
    page.wait_for_load_state("load", timeout=STEP_TIMEOUT_MS * 3)
    if page.url.rstrip("/").endswith("/login"):
        raise DemoError("the agent's person could not sign in to the CRM")


def run_in_crm(
    browser: Browser,
    crm_url: str,
    username: str,
    task_text: str,
    policy: Policy,
    *,
    max_steps: int = 25,
    timeout_ms: int = STEP_TIMEOUT_MS,
    view: View | None = None,
) -> RunResult:
    """One run of ``policy`` for ``task_text``, signed in as ``username``, in a fresh context
    allowed to act on the CRM's origin only (reading through ``view`` when given)."""
    context = browser.new_context(
        viewport={"width": VIEWPORT["width"], "height": VIEWPORT["height"]},
        locale="en-US",
        timezone_id="UTC",
    )
    try:
        context.add_init_script(script=sdk_source())
        page = context.new_page()
        sign_in(page, crm_url, username)
        config = RunnerConfig(allowed_origins=(origin_of(crm_url),), max_steps=max_steps)
        driver = BrowserPage(page, timeout_ms=timeout_ms)
        return run(driver, task_text, policy, config, view=view)
    finally:
        context.close()


def deal(tasks: Sequence[TaskSpec], systems: int) -> list[list[TaskSpec]]:
    """``tasks`` shared among ``systems``, in order, family by family: the ``i``-th task of a
    family goes to system ``(i + f) % systems`` (``f``: the family's place in order of first
    appearance), so every system gets the same mix of families, give or take one task each
    (dealing the whole list in turn would give a system whatever families fell on its
    positions)."""
    shares: list[list[TaskSpec]] = [[] for _ in range(systems)]
    seen: dict[str, int] = {}
    order: dict[str, int] = {}
    for task in tasks:
        f = order.setdefault(task.family, len(order))
        i = seen.get(task.family, 0)
        seen[task.family] = i + 1
        shares[(i + f) % systems].append(task)
    return shares


def wilson(successes: int, trials: int, z: float = Z95) -> dict[str, float | None]:
    """The proportion with its Wilson score interval; ``None`` values for no trials."""
    if trials == 0:
        return {"value": None, "low": None, "high": None}
    p = successes / trials
    denom = 1 + z * z / trials
    centre = (p + z * z / (2 * trials)) / denom
    half = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / denom
    low, high = max(0.0, centre - half), min(1.0, centre + half)
    return {"value": p, "low": round(low, 6), "high": round(high, 6)}


def evaluate_tasks(
    browser: Browser,
    crm_url: str,
    crm_db: Path,
    tasks: Sequence[TaskSpec],
    policy: Policy,
    *,
    max_steps: int = 25,
    view: RedactedView | None = None,
) -> list[TaskRun]:
    """Each task run once by ``policy`` and judged from the database (already-done tasks
    are skipped); each run reads through a fresh session of ``view`` when given."""
    runs: list[TaskRun] = []
    for task in tasks:
        if judge(crm_db, task):
            log.info("agent task skipped family=%s reason=already_done", task.family)
            continue
        user = task.params["user"]
        result = run_in_crm(
            browser,
            crm_url,
            user,
            task.text,
            policy,
            max_steps=max_steps,
            view=view.fresh() if view is not None else None,
        )
        runs.append(TaskRun(task, result, judge(crm_db, task)))
    return runs


def _summary(runs: Sequence[TaskRun]) -> dict[str, Any]:
    done = sum(r.success for r in runs)
    families: dict[str, list[int]] = {}
    stops: dict[str, int] = {}
    for r in runs:
        tally = families.setdefault(r.task.family, [0, 0])
        tally[0] += r.success
        tally[1] += 1
        stops[r.result.stop] = stops.get(r.result.stop, 0) + 1
    return {
        "task_sr": wilson(done, len(runs)),
        "tasks": len(runs),
        "succeeded": done,
        "by_family": {f: {"succeeded": k, "tasks": n} for f, (k, n) in sorted(families.items())},
        "stops": dict(sorted(stops.items())),
    }


def evaluate_agent(
    model_dir: Path,
    crm_url: str,
    crm_db: Path,
    tasks: Sequence[TaskSpec],
    *,
    baselines: bool | Sequence[str] = True,
    dataset: Path | None = None,
    max_steps: int = 25,
    headless: bool = True,
    policies: Mapping[str, Policy] | None = None,
    store: Engine | None = None,
) -> dict[str, Any]:
    """Task success of the model (and the baselines) on ``tasks`` in the live CRM at
    ``crm_url`` whose database is ``crm_db`` (see the module docstring).

    ``dataset`` (the one the model was trained on) is needed to fit the baselines;
    ``baselines`` is all of them (True), none (False) or the names of those to run.
    ``policies`` replaces the model and baselines by named policies (the first is reported
    as ``agent``), for tests and scripted comparisons. With the Workprint ``store`` the data
    came from, every system reads the task and the pages redacted as training data was
    (:class:`~workprint.demo._agent_view.RedactedView`).
    """
    systems: dict[str, Policy]
    if policies is not None:
        systems = dict(policies)
    else:
        trained = load_trained(model_dir)
        systems = {"agent": model_policy(trained)}
        if baselines:
            if dataset is None:
                raise ConfigError("the baselines need the dataset the model was trained on")
            skip = trained.train_config.skip_outcomes
            train = examples(read_training(open_dataset(dataset), "train", skip))
            wanted = None if baselines is True else set(baselines)
            for baseline in all_baselines():
                if wanted is not None and baseline.name not in wanted:
                    continue
                baseline.fit(train)
                systems[baseline.name] = baseline_policy(baseline)
    if not systems:
        raise ConfigError("no policy to evaluate")
    usable = [t for t in tasks if t.family not in CHORES]
    names = list(systems)
    shares = deal(usable, len(names))
    out: dict[str, Any] = {"interval": "wilson-95-over-tasks", "baselines": {}}
    view = RedactedView(store) if store is not None else None
    with chromium(headless=headless) as browser:
        for k, name in enumerate(names):
            share = shares[k]
            runs = evaluate_tasks(
                browser, crm_url, crm_db, share, systems[name], max_steps=max_steps, view=view
            )
            summary = _summary(runs)
            log.info(
                "agent evaluated system=%s tasks=%d succeeded=%d",
                name,
                len(runs),
                summary["succeeded"],
            )
            if k == 0:
                out["agent"] = summary
            else:
                out["baselines"][name] = summary
    return out
