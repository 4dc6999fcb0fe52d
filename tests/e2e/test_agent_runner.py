"""The agent runner in real Chromium against a live Nexus CRM: a scripted policy reading the
SDK's own snapshots moves a deal, and the evaluation's verdict is what the database shows;
an idle policy's task stays undone; a tiny trained model drives a bounded run; the
``run-task`` command prints its steps and a judged outcome."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from workprint.demo import agent_eval, team
from workprint.demo._run_task_cli import known_task, run_task_command
from workprint.demo.crm import state
from workprint.demo.crm.config import CrmConfig
from workprint.demo.crm.server import running_crm
from workprint.train.data import Example
from workprint.train.loop import train
from workprint.train.metrics import Act
from workprint.train.runner import Policy
from workprint.train.synthetic import SyntheticSpec, write_synthetic

from ..train.conftest import TINY_MODEL, TINY_TRAIN

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(shutil.which("/usr/bin/chromium") is None, reason="no Chromium"),
]


@pytest.fixture(scope="module")
def crm(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    db = tmp_path_factory.mktemp("crm") / "crm.db"
    with running_crm(CrmConfig(db_path=db)) as base:
        yield base, db


def _move_deal_tasks(db: Path, n: int) -> list[team.TaskSpec]:
    plan = team.plan_tasks(seed=11, people=["alice", "bob"], tasks_per_person=8, crm_db=db)
    found = [t for ts in plan.values() for t in ts if t.family == "move_deal"]
    assert len(found) >= n
    return found[:n]


def mover(task: team.TaskSpec) -> Policy:
    """Open the deal, choose the stage from the snapshot's options, press Move deal."""
    deal_path = f"/deals/{task.params['deal_id']}"

    def choose(ex: Example) -> Act:
        elements = ex.step.obs_elements
        if not ex.history:
            return Act("NAVIGATE", None, deal_path)
        if len(ex.history) == 1:
            select = next(e for e in elements if e.name == "Move this deal to")
            option = next(o for o in select.options or [] if o.lower() == task.params["to"])
            return Act("SELECT", select.eid, option)
        if len(ex.history) == 2:
            return Act("CLICK", next(e.eid for e in elements if e.name == "Move deal"), None)
        return Act("CLICK", None, None)  # nothing left to do

    return choose


def idle(ex: Example) -> Act:
    return Act("CLICK", None, None)


def test_evaluation_verdicts_are_the_databases(crm: tuple[str, Path]) -> None:
    base, db = crm
    done_task, idle_task = _move_deal_tasks(db, 2)
    policies = {"scripted": mover(done_task), "idle": idle}
    report = agent_eval.evaluate_agent(
        Path("unused"), base, db, [done_task, idle_task], policies=policies, max_steps=6
    )
    assert report["agent"]["tasks"] == 1
    assert report["agent"]["task_sr"]["value"] == 1.0
    assert 0.0 < report["agent"]["task_sr"]["low"] < 1.0
    assert report["baselines"]["idle"]["task_sr"]["value"] == 0.0
    assert state.deal_stage(db, done_task.params["deal"]) == done_task.params["to"]
    last = state.stage_changes(db, done_task.params["deal"])[-1]
    assert (last.to_stage, last.user) == (done_task.params["to"], done_task.params["user"])
    assert state.deal_stage(db, idle_task.params["deal"]) == idle_task.params["from"]


def test_tiny_model_runs_bounded_and_cli_judges(crm: tuple[str, Path], tmp_path: Path) -> None:
    base, db = crm
    data = tmp_path / "synthetic"
    write_synthetic(
        data, SyntheticSpec(people=6, episodes_per_person=4, test_people=2, val_people=1, seed=3)
    )
    train(data, tmp_path / "m", train_config=TINY_TRAIN, model_config=TINY_MODEL)
    task = _move_deal_tasks(db, 3)[2]
    spec = known_task(task.text, task.params["user"], db)
    assert spec is not None and spec.family == "move_deal"
    app = typer.Typer()
    app.command()(run_task_command)
    args = [task.text, "--model", str(tmp_path / "m"), "--crm", base, "--crm-db", str(db)]
    out = CliRunner().invoke(app, [*args, "--user", task.params["user"], "--max-steps", "3"])
    assert out.exit_code == 0, out.output
    assert "stopped: " in out.output
    assert "outcome: not done (judged from the CRM database, move_deal)" in out.output
    assert not judge_done(db, task)
    bad = CliRunner().invoke(app, [task.text, "--model", str(tmp_path / "nothing"), "--crm", base])
    assert bad.exit_code == 1
    assert "Traceback" not in bad.output


def judge_done(db: Path, task: team.TaskSpec) -> bool:
    return team.judge(db, task)


def test_keys_reach_the_browser_in_playwrights_names(crm: tuple[str, Path]) -> None:
    assert agent_eval.playwright_keys("ctrl+a") == "Control+a"
    assert agent_eval.playwright_keys("shift+Tab") == "Shift+Tab"
    assert agent_eval.playwright_keys("ctrl+alt+meta+s") == "Control+Alt+Meta+s"
    assert agent_eval.playwright_keys("ctrl++") == "Control++"
    assert agent_eval.playwright_keys("Enter") == "Enter"
    base, _db = crm

    def select_all(ex: Example) -> Act:
        box = next(e for e in ex.step.obs_elements if e.selector == "#global-search")
        return Act("KEY", box.eid, "ctrl+a") if not ex.history else Act("CLICK", None, None)

    with team.chromium(headless=True) as browser:
        result = agent_eval.run_in_crm(browser, base, "alice", "Select all", select_all)
    assert [s.op for s in result.steps] == ["KEY"]
    assert result.stop == "end", "a shortcut in the contract's form made the browser fail"


def test_every_system_gets_the_same_mix_of_families() -> None:
    families = ["create_contact", "move_deal", "log_call", "update_contact"]
    # Families in a fixed rotation of period 4, as a plan lists them person by person: dealt
    # in turn, one system would get every task of one family.
    tasks = [team.TaskSpec(families[i % 4], f"task {i}", {"user": "u"}) for i in range(32)]
    shares = agent_eval.deal(tasks, 4)
    assert sorted(t.text for s in shares for t in s) == sorted(t.text for t in tasks)
    for share in shares:
        assert sorted(t.family for t in share) == sorted(families * 2)
    uneven = agent_eval.deal(tasks[:6], 4)  # two families with two tasks, two with one
    assert sorted(len(s) for s in uneven) == [1, 1, 2, 2]
