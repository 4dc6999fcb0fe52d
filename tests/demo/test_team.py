"""The simulated team's plan and its judge, without a browser: a plan is a function of its
seed and the CRM's records, spreads the families evenly, keeps secrets out of task texts,
and each task is judged done exactly when the CRM's database shows it done by its person
(the CRM is driven here through its forms in-process)."""

from __future__ import annotations

import dataclasses
import json
from collections import Counter
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from tests.demo.conftest import sign_in
from workprint.core.errors import ConfigError
from workprint.demo import team
from workprint.demo.crm import state
from workprint.demo.crm.seed import DEMO_PASSWORD

PEOPLE = ["alice", "bob", "carol"]


def _plan(
    crm_db: Path, seed: int = 11, people: list[str] | None = None, tasks: int = 4
) -> dict[str, list[team.TaskSpec]]:
    return team.plan_tasks(seed, people or PEOPLE, tasks, crm_db=crm_db)


def _all(plan: dict[str, list[team.TaskSpec]]) -> list[team.TaskSpec]:
    return [t for tasks in plan.values() for t in tasks]


def test_a_plan_is_a_function_of_its_seed(crm_db: Path) -> None:
    assert _plan(crm_db) == _plan(crm_db)
    assert _plan(crm_db) != _plan(crm_db, seed=12)


def test_a_plan_made_before_the_crm_runs_is_the_same(crm_db: Path) -> None:
    """Without ``crm_db`` the plan reads a CRM seeded like the one that will run."""
    assert team.plan_tasks(3, PEOPLE, 2) == team.plan_tasks(3, PEOPLE, 2, crm_db=crm_db)


def test_a_plan_is_json_and_spreads_the_work(crm_db: Path) -> None:
    plan = _plan(crm_db, people=["alice", "bob", "carol", "dave", "erin"], tasks=4)
    tasks = _all(plan)
    assert json.loads(
        json.dumps({u: [dataclasses.asdict(t) for t in ts] for u, ts in plan.items()})
    )
    work = Counter(t.family for t in tasks if t.family in team.FAMILIES)
    assert work == dict.fromkeys(team.FAMILIES, 5)
    assert all(sum(t.family in team.FAMILIES for t in ts) == 4 for ts in plan.values())
    chores = Counter(t.family for t in tasks if t.family in team.CHORES)
    assert set(chores) == set(team.CHORES)
    assert all(ts[-1].family == "change_password" for ts in plan.values() if "change_password"
               in {t.family for t in ts})  # fmt: skip
    assert any(t.params["abandon"] == "yes" for t in tasks)
    for user, ts in plan.items():
        assert all(t.params["user"] == user and t.params["variant"].isdigit() for t in ts)
    records = [t.params.get("deal") or t.params.get("contact_id") for t in tasks]
    named = [r for r in records if r]
    assert len(named) == len(set(named)), "two tasks touch the same record"
    new = [t.params["email"] for t in tasks if t.family == "create_contact"]
    assert all(state.find_contact(crm_db, email=e) is None for e in new)


def test_task_texts_hold_no_secret(crm_db: Path) -> None:
    plan = _plan(crm_db, people=["alice", "bob", "carol", "dave"], tasks=3)
    secrets = team.secrets_of(plan)
    assert DEMO_PASSWORD in secrets
    assert len(secrets) >= 4, "a new password and a card number (two spellings) at least"
    for task in _all(plan):
        assert not any(s in task.text for s in secrets), task.family


@pytest.mark.parametrize(
    ("people", "tasks"),
    [(0, 2), ([], 2), (["alice", "alice"], 2), (3, 0), (["nobody"], 1)],
    ids=["no-people", "empty-list", "named-twice", "no-tasks", "no-crm-account"],
)
def test_plans_that_cannot_be_made_are_refused(
    crm_db: Path, people: int | list[str], tasks: int
) -> None:
    with pytest.raises(ConfigError):
        team.plan_tasks(1, people, tasks, crm_db=crm_db)


def test_more_tasks_than_records_are_refused(crm_db: Path) -> None:
    with pytest.raises(ConfigError, match="more"):
        team.plan_tasks(1, 12, 40, crm_db=crm_db)


def _company_id(crm_db: Path, name: str | None) -> str:
    ids = {c.name: c.id for c in team.read_catalogue(crm_db).companies}
    return str(ids[name]) if name else ""


def _do(client: TestClient, crm_db: Path, task: team.TaskSpec, csrf: str) -> None:
    """The task done through the CRM's forms, as the browser would post them."""
    p = task.params
    if task.family == "create_contact":
        fields = ("first_name", "last_name", "email", "phone", "title")
        data = {k: p[k] for k in fields} | {"company_id": _company_id(crm_db, p["company"])}
        r = client.post("/contacts", data={**data, "csrf_token": csrf})
    elif task.family == "move_deal":
        r = client.post(f"/deals/{p['deal_id']}/stage", data={"stage": p["to"], "csrf_token": csrf})
    elif task.family == "log_call":
        data = {"kind": "call", "subject": p["subject"], "occurred_on": "2026-01-05"}
        data |= {"notes": p["notes"], "contact_id": p["contact_id"], "csrf_token": csrf}
        r = client.post("/activities", data=data)
    elif task.family == "update_contact":
        c = state.find_contact(crm_db, email=p["contact_email"])
        assert c is not None
        data = {"first_name": c.first_name, "last_name": c.last_name, "email": c.email}
        data |= {"phone": c.phone, "title": c.title, "company_id": _company_id(crm_db, c.company)}
        data[p["field"]] = p["value"]
        r = client.post(f"/contacts/{p['contact_id']}/edit", data={**data, "csrf_token": csrf})
    elif task.family == "add_card":
        data = {"cardholder": p["cardholder"], "card_number": p["number"]}
        data |= {"card_expiry": p["expiry"], "card_cvc": p["cvc"], "csrf_token": csrf}
        r = client.post("/billing/cards", data=data)
    else:
        data = {"current_password": p["old_password"], "new_password": p["new_password"]}
        data |= {"confirm_password": p["new_password"], "csrf_token": csrf}
        r = client.post("/settings/password", data=data)
    assert r.status_code == 303, r.text


def _one_of(plan: dict[str, list[team.TaskSpec]], family: str) -> team.TaskSpec:
    return next(t for t in _all(plan) if t.family == family)


@pytest.mark.parametrize("family", [*team.FAMILIES, *team.CHORES])
def test_a_task_is_judged_done_once_its_person_did_it(
    client: TestClient, crm_db: Path, family: str
) -> None:
    task = _one_of(_plan(crm_db, seed=5), family)
    assert team.judge(crm_db, task) is False
    csrf = sign_in(client, task.params["user"])
    _do(client, crm_db, task, csrf)
    assert team.judge(crm_db, task) is True


@pytest.mark.parametrize("family", ["create_contact", "move_deal", "log_call"])
def test_the_same_work_by_someone_else_is_not_the_task_done(
    client: TestClient, crm_db: Path, family: str
) -> None:
    task = _one_of(_plan(crm_db, seed=5), family)
    other = next(u for u in PEOPLE if u != task.params["user"])
    csrf = sign_in(client, other)
    _do(client, crm_db, task, csrf)
    assert team.judge(crm_db, task) is False


def test_an_unknown_family_cannot_be_judged(crm_db: Path) -> None:
    with pytest.raises(ConfigError):
        team.judge(crm_db, team.TaskSpec("tidy_desk", "Tidy up", {"user": "alice"}))


def test_the_team_result_holds_team_totals_only() -> None:
    """Purpose lock: counts by family and outcome, never a per-person or timing figure."""
    names = {f.name for f in dataclasses.fields(team.TeamResult)}
    assert names == {"done", "abandoned", "failed", "people"}
    result = team.TeamResult(done={"move_deal": 2}, failed={"log_call": 1}, people=2)
    assert result.tasks == 3
