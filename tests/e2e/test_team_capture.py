"""The simulated team in real Chromium, recorded by the browser SDK into a real collector, with
Nexus CRM on another loopback port: every kind the team produces arrives with the CRM's own
fields as targets (and in the snapshot the action chose from), the CRM's database shows each
task done as planned, and the passwords and card numbers the team typed appear nowhere:
not in any table of the store, not in any request to the collector, not in its log."""

from __future__ import annotations

import shutil
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote_plus

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from workprint.collector.admin import enroll
from workprint.demo import team
from workprint.demo._wiretap import Tapped, Wiretap
from workprint.demo.crm.config import CrmConfig
from workprint.demo.crm.server import running_crm
from workprint.demo.run import free_port, running_collector
from workprint.governance import policies
from workprint.governance.consent import Purpose
from workprint.store import migrate
from workprint.store.engine import create_engine
from workprint.store.events import iter_event_rows
from workprint.store.rows import row_to_wire

pytestmark = pytest.mark.e2e

PEOPLE = ["alice", "bob", "carol", "dave"]
SEED = 4
EXPECTED_KINDS = {
    "click", "type", "key", "select", "submit", "navigate", "observe", "task_start", "task_end",
}  # fmt: skip


@dataclass
class TeamRun:
    engine: Engine
    crm_db: Path
    collector: str
    crm: str
    log: Path
    plan: dict[str, list[team.TaskSpec]]
    result: team.TeamResult
    tapped: list[Tapped]
    """Every request the browsers sent towards the collector, beacons included."""
    requests: list[tuple[str, str, bytes]] = field(default_factory=list)
    """Every request the browsers sent that automation sees (the CRM's forms among them)."""

    def events(self) -> list[dict[str, Any]]:
        rows = [row_to_wire(r) for r in iter_event_rows(self.engine)]
        return sorted(rows, key=lambda e: (e["device_id"], e["seq"]))

    def store_bytes(self) -> bytes:
        """Every value of every row of every table, quarantine included (read through the
        engine, not the files: closing a second handle on a live SQLite file drops locks)."""
        out = bytearray()
        meta = sa.MetaData()
        with self.engine.connect() as conn:
            meta.reflect(conn)
            for table in meta.sorted_tables:
                for row in conn.execute(sa.select(table)):
                    for value in row:
                        out += value if isinstance(value, bytes) else repr(value).encode()
        return bytes(out)

    def sent_to_crm(self) -> list[bytes]:
        return [body for _m, url, body in self.requests if url.startswith(self.crm)]

    def sent_to_collector(self) -> bytes:
        return b"\n".join(r.plain for r in self.tapped)


@pytest.fixture(scope="module")
def team_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TeamRun]:
    pytest.importorskip("playwright.sync_api", reason="playwright (python) is not installed")
    if shutil.which(team.CHROMIUM) is None:
        pytest.skip("Chromium is not installed at /usr/bin/chromium")
    team.sdk_source()  # fails with sdk_missing when the SDK was not built
    tmp = tmp_path_factory.mktemp("team")
    db_url = f"sqlite:///{tmp / 'workprint.db'}"
    engine = create_engine(db_url)
    migrate.upgrade(engine)
    crm_db = tmp / "crm.db"
    log = tmp / "collector.log"
    with running_crm(CrmConfig(db_path=crm_db)) as crm:
        policies.allow(engine, crm, "redacted", actor="test")
        grants = [Purpose.CAPTURE, Purpose.TRAINING]
        tokens = {u: enroll(engine, u, purposes=grants, actor="test").token for u in PEOPLE}
        plan = team.plan_tasks(SEED, PEOPLE, 2, crm_db=crm_db)
        requests: list[tuple[str, str, bytes]] = []
        with (
            running_collector(db_url, free_port(), log_path=log) as collector,
            Wiretap(collector) as tap,
        ):
            result = team.run_team(
                crm,
                tap.url,
                tokens,
                plan,
                on_request=lambda m, u, b: requests.append((m, u, b)),
            )
        run = TeamRun(engine, crm_db, collector, crm, log, plan, result, tap.requests(), requests)
        yield run
    engine.dispose()


def _tasks(run: TeamRun) -> list[team.TaskSpec]:
    return [t for tasks in run.plan.values() for t in tasks]


def test_the_plan_covers_every_family_chore_and_an_abandoned_task(team_run: TeamRun) -> None:
    families = Counter(t.family for t in _tasks(team_run))
    assert set(families) == {*team.FAMILIES, *team.CHORES}
    assert any(t.params["abandon"] == "yes" for t in _tasks(team_run))


def test_the_crm_shows_every_task_done_as_planned(team_run: TeamRun) -> None:
    for task in _tasks(team_run):
        planned = task.params["abandon"] == "no"
        assert team.judge(team_run.crm_db, task) is planned, (task.family, task.params["user"])
    result = team_run.result
    assert result.failed == {}
    assert sum(result.abandoned.values()) == sum(
        t.params["abandon"] == "yes" for t in _tasks(team_run)
    )
    assert result.tasks == len(_tasks(team_run)) and result.people == len(PEOPLE)


def test_every_kind_arrives_in_order_with_tasks_labelled(team_run: TeamRun) -> None:
    events = team_run.events()
    kinds = Counter(e["kind"] for e in events)
    assert set(kinds) >= EXPECTED_KINDS, f"missing kinds: {EXPECTED_KINDS - set(kinds)}"
    with team_run.engine.connect() as conn:
        quarantine = sa.Table("quarantine", sa.MetaData(), autoload_with=conn)
        assert conn.execute(sa.select(sa.func.count()).select_from(quarantine)).scalar() == 0
    by_device: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for e in events:
        by_device[e["device_id"]].append(e)
    assert len(by_device) == len(PEOPLE)
    chores = Counter(t.text for t in _tasks(team_run) if t.family in team.CHORES)
    labels: Counter[str] = Counter()
    for device_events in by_device.values():
        assert [e["seq"] for e in device_events] == list(range(1, len(device_events) + 1))
        assert all(e["privacy"]["mode"] == "redacted" for e in device_events)
        starts = {e["payload"]["task_id"]: e for e in device_events if e["kind"] == "task_start"}
        ends = {e["payload"]["task_id"]: e for e in device_events if e["kind"] == "task_end"}
        assert set(starts) == set(ends)
        labels.update(s["payload"]["label"] for s in starts.values())
    assert {text: labels[text] for text in chores} == chores, "chore labels arrive verbatim"
    outcomes = Counter(
        e["payload"].get("outcome", "done") for e in events if e["kind"] == "task_end"
    )
    assert outcomes["abandoned"] == sum(team_run.result.abandoned.values())
    assert outcomes["done"] == sum(team_run.result.done.values())


def _snapshot_before(events: list[dict[str, Any]], index: int) -> dict[str, Any]:
    """The observe snapshot an action at ``events[index]`` chose from (``same_as`` resolved)."""
    by_id = {e["event_id"]: e for e in events if e["kind"] == "observe"}
    for e in reversed(events[:index]):
        if e["kind"] == "observe" and e["device_id"] == events[index]["device_id"]:
            while "same_as" in e["payload"]:
                e = by_id[e["payload"]["same_as"]]
            return e
    raise AssertionError("no snapshot before the action")


def test_targets_are_the_crms_fields_and_in_the_snapshot(team_run: TeamRun) -> None:
    events = team_run.events()
    typed_email = [
        i
        for i, e in enumerate(events)
        if e["kind"] == "type"
        and e["context"]["url"].endswith("/contacts/new")
        and (e.get("target") or {}).get("attrs", {}).get("name") == "email"
    ]
    creates = [t for t in _tasks(team_run) if t.family == "create_contact"]
    assert len(typed_email) >= sum(t.params["abandon"] == "no" for t in creates) > 0
    for i in typed_email:
        event = events[i]
        assert event["target"]["selector"] == "#email"
        assert event["target"]["attrs"]["type"] == "email"
        assert event["payload"]["text"].startswith("<EMAIL_"), "redacted in the browser"
        elements = _snapshot_before(events, i)["payload"]["elements"]
        chosen = [el for el in elements if el["eid"] == event["target"]["eid"]]
        assert chosen and chosen[0]["selector"] == "#email"
    stage_moves = [
        e for e in events if e["kind"] == "select" and e["target"]["attrs"].get("name") == "stage"
    ]
    moved = {t.params["to"].capitalize() for t in _tasks(team_run) if t.family == "move_deal"}
    assert moved <= {e["payload"]["value"] for e in stage_moves}
    submits = [e for e in events if e["kind"] == "submit"]
    assert submits and all(e["target"]["tag"] == "form" for e in submits)


def test_typed_secrets_appear_nowhere(team_run: TeamRun) -> None:
    secrets = team.secrets_of(team_run.plan)
    to_crm = unquote_plus(b"\n".join(team_run.sent_to_crm()).decode())
    for secret in secrets:
        # The CRM got them (a secret the team never typed would prove nothing) ...
        if " " not in secret:
            assert secret in to_crm.replace(" ", ""), "the team never typed this secret"
    # ... and every batch the collector committed went through the tap.
    log = team_run.log.read_bytes()
    ingests = [r for r in team_run.tapped if r.path.startswith("/v1/ingest/")]
    assert 0 < log.count(b"batch committed") <= len(ingests)
    stored = team_run.store_bytes()
    sent = team_run.sent_to_collector()
    chore = next(t.text for t in _tasks(team_run) if t.family == "change_password").encode()
    assert chore in stored and chore in sent, "the scans see what was typed and kept"
    for secret in secrets:
        needle = secret.encode()
        assert needle not in stored, "a typed secret reached the store"
        assert needle not in sent, "a typed secret was sent to the collector"
        assert needle not in log, "a typed secret reached the collector's log"


def test_typed_emails_and_phones_are_redacted_before_the_store(team_run: TeamRun) -> None:
    typed: list[str] = []
    for task in _tasks(team_run):
        p = task.params
        if task.family == "create_contact" and p["abandon"] == "no":
            typed += [p["email"], p["phone"]]
        elif task.family == "update_contact" and p["field"] == "phone":
            typed.append(p["value"])
    assert typed
    stored = team_run.store_bytes()
    sent = team_run.sent_to_collector()
    for value in typed:
        assert value.encode() not in stored
        assert value.encode() not in sent


def test_the_ceilings_oracle_holds_the_recorded_steps(team_run: TeamRun, tmp_path: Path) -> None:
    """The simulator's notes (``workprint.demo.ceiling``) are the steps the real SDK and the
    dataset build make of the same flows: the oracle's tree holds the recorded episodes
    step for step (one may drop a step, as a capture now and then does), and each task's
    text names its family."""
    from workprint.demo import ceiling
    from workprint.demo.pipeline import _build_dataset
    from workprint.train.data import open_dataset, read_split

    assert all(ceiling.family_of(t.text) == t.family for t in _tasks(team_run))
    _build_dataset(team_run.engine.url.render_as_string(hide_password=False), tmp_path / "ds")
    ref = open_dataset(tmp_path / "ds")
    splits = {n.split("-")[1] for n in ref.manifest.files if n.startswith("steps-")}
    steps = [s for split in sorted(splits) for s in read_split(ref, split)]
    judged = ceiling.oracle_on_steps(steps, pace=team.QUICK)
    tasks = {j.episode_id for j in judged if j.family is not None}
    off = {j.episode_id for j in judged if j.family is not None and j.credited}
    assert len(tasks) >= len(_tasks(team_run)) - 1
    assert len(off) <= 1, [j.note for j in judged if j.episode_id in off]
