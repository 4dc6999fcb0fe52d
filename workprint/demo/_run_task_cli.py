"""``workprint run-task``: a trained model doing one task in Nexus CRM, step by step.

```bash
workprint run-task 'Move the deal "Bourdon SA – Support plan" from lead to qualified.' \\
    --model out/model --user alice
```

Without ``--crm`` it starts its own CRM (seeded, in a temporary folder) and judges the
outcome from that database; with ``--crm URL`` it judges only when ``--crm-db`` names the
CRM's database. Each step prints the operation, the element's name and the value; a value
typed or chosen is printed only when it appears in the task text. The outcome is judged from
the database when the task reads like one of the simulated team's families (``move_deal``,
``update_contact``, ``log_call``), else it is "not judged".
"""

from __future__ import annotations

import contextlib
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Final
from urllib.parse import urlsplit

import typer

from workprint.core.errors import WorkprintError
from workprint.demo.crm import state
from workprint.demo.team import TaskSpec, chromium, judge

if TYPE_CHECKING:  # the training stack (PyTorch) loads only when a task is run
    from workprint.train.runner import RunResult, StepRecord

_MOVE: Final = (
    re.compile(r'^Move the deal "(?P<deal>.+)" from (?P<src>\w+) to (?P<dst>\w+)\.$'),
    re.compile(r'^.+ came back to us: the deal "(?P<deal>.+)" is now (?P<dst>\w+)\.$'),
    re.compile(r'^Pipeline review: "(?P<deal>.+)" should be in (?P<dst>\w+), not \w+\. Fix it\.$'),
)
_UPDATE: Final = (
    ("phone", re.compile(r"^(?P<name>.+?) has a new phone number, (?P<value>.+)\. Update the contact\.$")),  # noqa: E501
    ("title", re.compile(r"^(?P<name>.+?) was promoted to (?P<value>.+)\. Update their job title\.$")),  # noqa: E501
)  # fmt: skip
_CALL: Final = re.compile(
    r'^Log the call you just had with (?P<who>.+?)\. Subject: "(?P<subject>.*)"\. '
    r'Notes: "(?P<notes>.*)"$',
    re.DOTALL,
)
_SHOWN_OPS: Final = frozenset({"KEY", "SCROLL"})


def known_task(text: str, user: str, crm_db: Path) -> TaskSpec | None:
    """The task as one of the team's families, with what its judge needs; None otherwise."""
    text = text.strip()
    params = {"user": user}
    for pattern in _MOVE:
        if m := pattern.match(text):
            deal = state.find_deal(crm_db, m["deal"])
            if deal is None:
                return None
            src = state.deal_stage(crm_db, m["deal"])
            return TaskSpec(
                "move_deal", text, {**params, "deal": m["deal"], "from": src, "to": m["dst"]}
            )
    for field, pattern in _UPDATE:
        if m := pattern.match(text):
            found = state.find_contact(crm_db, name=m["name"])
            if found is None:
                return None
            email = found.email
            return TaskSpec(
                "update_contact",
                text,
                {**params, "contact_email": email, "field": field, "value": m["value"]},
            )
    if m := _CALL.match(text):
        name = re.sub(r"\s*\([^)]*\)$", "", m["who"])
        found = state.find_contact(crm_db, name=name)
        if found is None:
            return None
        extra = {"contact_email": found.email, "subject": m["subject"], "notes": m["notes"]}
        return TaskSpec("log_call", text, {**params, **extra})
    return None


def shown_value(step: StepRecord, task: str) -> str:
    """The value as printed: typed text only as it appears in the task."""
    value = step.value
    if value is None:
        return ""
    if step.op in _SHOWN_OPS:
        return value
    if step.op == "NAVIGATE":
        return urlsplit(value).path or "/"
    return value if value in task else "(value not in the task)"


def _print_run(result: RunResult, task: str) -> None:
    for step in result.steps:
        name = f'"{step.name}"' if step.name else "-"
        typer.echo(f"{step.index + 1:>3}. {step.op:<8} {name} {shown_value(step, task)}".rstrip())
    if result.refused is not None:
        typer.echo(f"refused: {result.refused.op} on {result.refused.name or 'an element'}")
    typer.echo(f"stopped: {result.stop}")


@contextlib.contextmanager
def _crm(url: str | None, db: Path | None) -> Iterator[tuple[str, Path | None]]:
    if url is not None:
        yield url, db
        return
    from workprint.demo.crm.config import CrmConfig
    from workprint.demo.crm.server import running_crm

    with tempfile.TemporaryDirectory(prefix="workprint-run-task-") as tmp:
        path = Path(tmp) / "crm.db"
        with running_crm(CrmConfig(db_path=path)) as base:
            yield base, path


def run_task_command(
    task: Annotated[str, typer.Argument(help="What the agent is to do, in words.")],
    model: Annotated[Path, typer.Option("--model", help="Folder of a trained model.")],
    crm: Annotated[str | None, typer.Option("--crm", help="URL of a running CRM.")] = None,
    crm_db: Annotated[
        Path | None, typer.Option("--crm-db", help="That CRM's database, to judge the outcome.")
    ] = None,
    user: Annotated[str, typer.Option("--user", help="Seeded person to sign in as.")] = "alice",
    max_steps: Annotated[int, typer.Option("--max-steps", min=1, max=200)] = 25,
    headless: Annotated[bool, typer.Option("--headless/--headed")] = True,
) -> None:
    """Let a trained model do TASK in Nexus CRM, printing each step and the judged outcome."""
    from playwright.sync_api import Error as PlaywrightError

    from workprint.demo.agent_eval import run_in_crm
    from workprint.train.checkpoint import load_trained
    from workprint.train.runner import model_policy

    try:
        policy = model_policy(load_trained(model))
        with _crm(crm, crm_db) as (base, db):
            spec = known_task(task, user, db) if db is not None else None
            already = spec is not None and db is not None and judge(db, spec)
            with chromium(headless=headless) as browser:
                result = run_in_crm(browser, base, user, task, policy, max_steps=max_steps)
            _print_run(result, task)
            if spec is None or db is None:
                typer.echo("outcome: not judged")
            elif already:
                typer.echo("outcome: not judged (the database showed it done before the run)")
            else:
                verdict = "done" if judge(db, spec) else "not done"
                typer.echo(f"outcome: {verdict} (judged from the CRM database, {spec.family})")
    except WorkprintError as exc:
        typer.echo(f"error: {exc} ({exc.code})", err=True)
        raise typer.Exit(1) from None
    except PlaywrightError:
        typer.echo("error: the browser did not answer in time (browser_error)", err=True)
        raise typer.Exit(1) from None
