"""``workprint demo`` end to end: capture, dataset, training, evaluation, the agent, the report.

One command shows the whole loop on one machine:

1. **capture** (:func:`workprint.demo.run.run_demo`): the collector and Nexus CRM on loopback
   ports, a consenting team of 12 working in Chromium through the browser SDK; then, where
   the X11 programs are installed, a desktop session on a private Xvfb display recorded by
   the real desktop agent (:func:`workprint.demo.desktop.desktop_session`; capture consent
   only, so it is in no training data);
2. **dataset**: a version built from the store (:data:`DEMO_SPEC`: labelled tasks only, a
   third of the people held out for testing);
3. **training** of the next-action model on the ``train`` people;
4. **evaluation** of the model and every baseline on the held-out people;
5. **the agent**: the model drives Chromium through tasks it has never seen, in the same CRM
   (restarted on the origin the policy allows), reading every page redacted as training data
   was; the CRM's database judges each task, and the best baseline runs beside it;
6. **the report**: ``OUT/report/index.html`` and ``OUT/report/metrics.json``.

```python
from rich.console import Console
from workprint.demo.pipeline import run_all

summary = run_all(Console(), quick=True)          # under five minutes on two cores
print(summary.report, summary.metrics["agent"]["task_sr"])
```
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import urlsplit

from rich.console import Console

from workprint.core.config import default_data_dir
from workprint.demo import agent_eval, team
from workprint.demo.crm.config import CrmConfig
from workprint.demo.crm.server import running_crm
from workprint.demo.run import DemoResult, free_port, run_demo, running_collector
from workprint.store.engine import create_engine

if TYPE_CHECKING:
    from workprint.demo.desktop import DesktopResult

DEMO_SPEC: Final = """\
# The demo's dataset: the team's labelled CRM tasks, a third of the people held out
# (exactly: a fixed team of 12 split by hash alone can leave one person, or none, to test on).
name = "nexus-crm"
seed = 1
labelled_only = true
min_steps = 2
include_kinds = ["click", "type", "select", "key", "scroll", "navigate"]

[splits]
method = "quota"

[splits.ratios]
train = 0.67
test = 0.33
"""
"""Submits are left out as steps: the click or key that submitted the form is the action."""

ACTOR: Final = "demo"
DESKTOP_ATTEMPTS: Final = 2
"""Tries of the desktop session (each on a fresh display, with the same device)."""


@dataclass(frozen=True, slots=True)
class Sizes:
    """How big each stage is, by mode."""

    tasks_per_person: int
    train_steps: int
    agent_tasks: int
    """Held-out tasks the model's agent runs (each baseline run gets as many)."""
    all_baselines: bool
    """Run every baseline as an agent (else only the best one offline)."""
    bootstrap: int


QUICK: Final = Sizes(
    tasks_per_person=4, train_steps=400, agent_tasks=4, all_baselines=False, bootstrap=300
)
"""Sized to finish well within five minutes on two slow cores (a 2-core Xeon on which Python
runs at about half the speed of the 2-core EPYC the full run's figures come from). The capture
(12 people in Chromium, which keeps both cores busy) is over half of it; the agent runs one
task of each family per system."""
FULL: Final = Sizes(
    tasks_per_person=20, train_steps=1500, agent_tasks=16, all_baselines=True, bootstrap=1000
)


@dataclass(frozen=True)
class DemoSummary:
    """Where the run's outputs are, and the metrics document (``report/metrics.json``)."""

    out: Path
    report: Path
    metrics: dict[str, Any]
    capture: DemoResult


@contextmanager
def _stage(console: Console, title: str, timings: dict[str, float]) -> Iterator[None]:
    started = time.perf_counter()
    with console.status(f"[bold]{title}[/] ..."):
        yield
    timings[title] = round(time.perf_counter() - started, 1)
    console.print(f"[green]done[/] {title} ({timings[title]:.0f} s)")


def _desktop(console: Console, capture: DemoResult) -> DesktopResult | str:
    """The desktop session against the demo's store, through a collector of its own (the
    capture's has stopped); or why it did not run. A failure is one line: the rest of the
    loop does not depend on it."""
    from workprint.core.errors import WorkprintError
    from workprint.demo.desktop import desktop_session, unavailable

    why = unavailable()
    if why is not None:
        console.print(f"desktop session skipped ({why})", highlight=False)
        return why
    engine = create_engine(capture.db_url)
    failure = ""
    try:
        for attempt in range(DESKTOP_ATTEMPTS):
            try:
                with running_collector(
                    capture.db_url, free_port(), log_path=capture.out / "collector-desktop.log"
                ) as url:
                    result = desktop_session(url, engine, capture.out / "desktop", console=console)
                return result if result is not None else "the person withdrew consent"
            except WorkprintError as exc:
                # A busy machine can miss a window's deadline: one fresh display again.
                failure = f"failed: {exc.code}"
                again = " (trying once more)" if attempt + 1 < DESKTOP_ATTEMPTS else ""
                console.print(
                    f"desktop session failed: {exc}{again}", highlight=False, markup=False
                )
        return failure
    finally:
        engine.dispose()


def _build_dataset(db_url: str, folder: Path) -> Any:
    from workprint.dataset._cli import PSEUDONYM_KEY_NAME
    from workprint.dataset.build import build_dataset
    from workprint.dataset.spec import parse_spec
    from workprint.store.keys import server_key

    engine = create_engine(db_url)
    try:
        key = server_key(engine, PSEUDONYM_KEY_NAME)
        return build_dataset(
            engine, folder, parse_spec(DEMO_SPEC, name="demo spec"), key=key, actor=ACTOR
        )
    finally:
        engine.dispose()


def _train_and_evaluate(dataset: Path, folder: Path, sizes: Sizes, seed: int) -> dict[str, Any]:
    """Train, evaluate and write the model's report and card; the evaluation's document,
    with the ceiling of step success on the same held-out steps (``ceiling``)."""
    from workprint.train.card import write_card
    from workprint.train.checkpoint import load_trained
    from workprint.train.config import TrainConfig
    from workprint.train.evaluate import evaluate
    from workprint.train.loop import train
    from workprint.train.report import write_report

    config = TrainConfig(steps=sizes.train_steps, seed=seed, bootstrap=sizes.bootstrap)
    train(dataset, folder, train_config=config)
    ev = evaluate(dataset, folder, split="test", resamples=sizes.bootstrap, seed=seed)
    doc = write_report(folder, ev)
    write_card(folder, load_trained(folder), doc, dataset)
    return {**doc, "ceiling": _ceiling(ev)}


def _ceiling(ev: Any) -> dict[str, Any]:
    """The oracle of :mod:`workprint.demo.ceiling` beside the model and the baselines that
    follow an episode (Markov, nearest neighbour), on the steps the evaluation scored."""
    from workprint.demo import ceiling
    from workprint.train.data import examples, read_split
    from workprint.train.metrics import step_correct

    steps = [ex.step for ex in examples(read_split(ev.dataset, ev.main.split))]
    systems = ([ev.main.model] if ev.main.model else []) + ev.main.baselines
    return ceiling.versus(
        steps,
        {
            s.name: [step_correct(o) for o in s.outcomes]
            for s in systems
            if s.name != "most_frequent"
        },
        pace=team.QUICK,  # the team's pace in every run (see run_demo below)
    )


def agent_tasks(capture: DemoResult, count: int, seed: int) -> list[team.TaskSpec]:
    """``count`` new tasks of the CRM's families for the agent, none of them done by the team:
    drawn from the CRM's records as the team left them, for people whose password is still
    the one the harness knows."""
    rotated = {
        t.params["user"]
        for tasks in capture.plan.values()
        for t in tasks
        if t.family == "change_password"
    }
    people = [p for p in capture.plan if p not in rotated] or list(capture.plan)
    per_person = max(1, -(-count * 3 // (2 * len(people))))
    plan = team.plan_tasks(seed + 7919, people, per_person, crm_db=capture.crm_db)
    found = [
        t
        for tasks in plan.values()
        for t in tasks
        if t.family in team.FAMILIES and t.params.get("abandon", "no") == "no"
    ]
    return found[:count]


def _best_baseline(doc: dict[str, Any]) -> str:
    scores: dict[str, float] = {
        str(name): float(m["step_sr"]["value"] or 0.0) for name, m in doc["baselines"].items()
    }
    return max(sorted(scores), key=lambda n: scores[n])


def _run_agent(
    capture: DemoResult, model: Path, dataset: Path, doc: dict[str, Any], sizes: Sizes, seed: int
) -> dict[str, Any]:
    baselines: list[str] = (
        sorted(doc["baselines"]) if sizes.all_baselines else [_best_baseline(doc)]
    )
    tasks = agent_tasks(capture, sizes.agent_tasks * (1 + len(baselines)), seed)
    port = urlsplit(capture.crm_url).port or 0
    store = create_engine(capture.db_url)
    try:
        crm = CrmConfig(db_path=capture.crm_db, users=max(12, len(capture.plan)))
        with running_crm(crm, port=port) as crm_url:
            result = agent_eval.evaluate_agent(
                model,
                crm_url,
                capture.crm_db,
                tasks,
                baselines=baselines,
                dataset=dataset,
                store=store,
            )
    finally:
        store.dispose()
    result["best_baseline"] = _best_baseline(doc)
    return result


def metrics_document(doc: dict[str, Any], agent: dict[str, Any]) -> dict[str, Any]:
    """``report/metrics.json``: the model and every baseline on held-out people (offline,
    with intervals), and the live agent's task success (step-level metrics need a reference
    trajectory, which a live run does not have: they are ``null`` there)."""
    none = {"value": None, "low": None, "high": None}

    def live(summary: dict[str, Any]) -> dict[str, Any]:
        return {
            "step_sr": none,
            "element_acc": none,
            "op_f1": none,
            **summary,
        }

    return {
        "model": doc["model"],
        "baselines": doc["baselines"],
        "agent": {
            **live(agent["agent"]),
            "baselines": {n: live(s) for n, s in agent["baselines"].items()},
            "best_baseline": agent["best_baseline"],
            "interval": agent["interval"],
        },
        "model_vs_markov_step_sr": doc.get("model_vs_markov_step_sr"),
        "ceiling": doc.get("ceiling"),
        "interval": doc["interval"],
        "held_out": {"split": doc["split"], "people": doc["people"], "episodes": doc["episodes"]},
        "dataset": doc["dataset"],
    }


def run_all(
    console: Console,
    *,
    db: str | None = None,
    people: int = 12,
    tasks_per_person: int | None = None,
    quick: bool = False,
    out: Path | None = None,
    headless: bool = True,
    seed: int = 1,
) -> DemoSummary:
    """Run every stage (see the module docstring); returns where the report is."""
    from workprint.demo import report

    sizes = QUICK if quick else FULL
    out = out if out is not None else default_data_dir() / "demo"
    out.mkdir(parents=True, exist_ok=True)
    for stale in ("dataset", "model", "report"):
        shutil.rmtree(out / stale, ignore_errors=True)
    timings: dict[str, float] = {}
    started = time.perf_counter()
    capture = run_demo(
        console,
        db=db,
        people=people,
        tasks_per_person=tasks_per_person or sizes.tasks_per_person,
        quick=True,  # the team's brisk pace: only timings differ, and no model reads them
        out=out,
        headless=headless,
        seed=seed,
    )
    timings["capture"] = round(time.perf_counter() - started, 1)
    with _stage(console, "desktop session", timings):
        desktop = _desktop(console, capture)
    dataset, model = out / "dataset", out / "model"
    with _stage(console, "dataset build", timings):
        manifest = _build_dataset(capture.db_url, dataset)
    counts = manifest.counts
    console.print(
        f"dataset {manifest.version_id}: {counts['people']} people, "
        f"{counts['episodes']} episodes, {counts['steps']} steps",
        highlight=False,
    )
    with _stage(console, "training and evaluation", timings):
        doc = _train_and_evaluate(dataset, model, sizes, seed)
    with _stage(console, "agent in the live CRM", timings):
        agent = _run_agent(capture, model, dataset, doc, sizes, seed)
    metrics = metrics_document(doc, agent)
    metrics["desktop"] = report.desktop_summary(desktop)
    metrics["seconds"] = {**timings, "total": round(time.perf_counter() - started, 1)}
    folder = out / "report"
    index = report.write_report(folder, capture, manifest, dataset, model, metrics)
    (folder / "metrics.json").write_text(json.dumps(metrics, indent=2, sort_keys=True) + "\n")
    (folder / "summary.md").write_text(report.markdown(metrics), encoding="utf-8")
    report.print_summary(console, metrics)
    console.print(f"report: {index}", markup=False, highlight=False)
    return DemoSummary(out, index, metrics, capture)
