"""The CLI as a person runs it: real subprocesses, one-line errors, no tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from workprint.collector.admin import enroll
from workprint.collector.ingest import Limits, ingest
from workprint.core import events as ev
from workprint.demo.workload import WorkloadSpec, batch_of, generate
from workprint.governance.consent import Purpose


def wp(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        [sys.executable, "-m", "workprint", *args], capture_output=True, text=True, timeout=120
    )
    if check:
        assert proc.returncode == 0, proc.stderr
    return proc


def test_enroll_count_dump(db_url: str) -> None:
    enrolled = json.loads(wp("enroll", "emp042", "--consent", "--db", db_url).stdout)
    assert enrolled["device_id"].startswith("dev_") and enrolled["token"].startswith("wpd_")
    assert len(enrolled["grants"]) == 1
    from workprint.store.engine import create_engine

    engine = create_engine(db_url)
    spec = WorkloadSpec(device_id=enrolled["device_id"], grant_id=enrolled["grants"][0])
    sent = list(generate(spec, 30))
    ingest(
        engine, enrolled["token"], ev.encode(batch_of(sent)), None, Limits(1000, 1 << 24, 3000), 0
    )
    engine.dispose()
    assert json.loads(wp("events", "count", "--db", db_url).stdout) == {
        "events": 30,
        "quarantined": 0,
    }
    lines = wp("events", "dump", "--db", db_url).stdout.splitlines()
    dumped = [ev.decode_event(line) for line in lines]
    assert [d.event_id for d in dumped] == [s.event_id for s in sent]
    assert len(wp("events", "dump", "--db", db_url, "--limit", "3").stdout.splitlines()) == 3


def test_db_upgrade_reports_revisions(sqlite_url: str) -> None:
    from workprint.store.migrate import head_revision

    head = head_revision()
    assert f"empty -> {head}" in wp("db", "upgrade", "--db", sqlite_url).stdout
    assert f"{head} -> {head}" in wp("db", "upgrade", "--db", sqlite_url).stdout


def test_enroll_with_purposes(engine: Engine, db_url: str) -> None:
    out = json.loads(wp("enroll", "emp7", "--purpose", "training", "--db", db_url).stdout)
    assert len(out["grants"]) == 2


def test_enroll_code_is_redeemed_once(engine: Engine, db_url: str) -> None:
    from workprint.collector.admin import redeem_code

    code = json.loads(wp("enroll", "emp8", "--consent", "--code", "--db", db_url).stdout)["code"]
    assert redeem_code(engine, code).person_id == "emp8"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(["events", "count", "--db", "mysql://x/y"], "not supported", id="engine"),
        pytest.param(["events", "count", "--db", "::nonsense::"], "not valid", id="bad-url"),
        pytest.param(["events", "count", "--db", "sqlite:///:memory:"], "in-memory", id="memory"),
        pytest.param(
            ["enroll", "emp1", "--purpose", "marketing", "--db", "sqlite:///{tmp}/x.db"],
            "unknown purpose",
            id="purpose",
        ),
        pytest.param(
            ["enroll", "emp one!", "--consent", "--db", "sqlite:///{tmp}/x.db"],
            "person id",
            id="person-id",
        ),
        pytest.param(
            ["events", "count", "--db", "sqlite:///{tmp}/fresh.db"],
            "workprint db upgrade",
            id="not-migrated",
        ),
        pytest.param(
            ["events", "count", "--db", "postgresql://nobody@127.0.0.1:1/none"],
            "unavailable",
            id="pg-down",
        ),
        pytest.param(
            ["serve", "--config", "{tmp}/missing.toml"],
            "config file not found",
            id="config-missing",
        ),
        pytest.param(["nonsense"], "No such command", id="command"),
    ],
)
def test_failures_are_one_line_without_traceback(
    tmp_path: Path, args: list[str], message: str
) -> None:
    proc = wp(*[a.replace("{tmp}", str(tmp_path)) for a in args], check=False)
    assert proc.returncode != 0
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert "Traceback" not in proc.stderr
    assert len(lines) == 1, proc.stderr
    assert message in lines[0]


def test_doctor_reports_checks(sqlite_url: str) -> None:
    wp("db", "upgrade", "--db", sqlite_url)
    proc = wp("doctor", "--db", sqlite_url)
    assert "python >= 3.11" in proc.stdout and "database" in proc.stdout


def test_enroll_prints_valid_json_that_the_collector_accepts(engine: Engine) -> None:
    person = enroll(engine, "emp9", purposes=[Purpose.CAPTURE])
    assert person.token.startswith("wpd_")


def test_redact_text_and_jsonl() -> None:
    one = wp("redact", "Dear Jane Smith, call +44 20 7946 0958 or mail jane@example.com")
    assert one.stdout.strip() == "Dear <PERSON_1> <PERSON_2>, call <PHONE_1> or mail <EMAIL_1>"
    proc = subprocess.run(
        [sys.executable, "-m", "workprint", "redact", "--jsonl"],
        input='{"id": 1, "text": "card 4111 1111 1111 1111"}\n\n{"id": "b", "text": "none"}\n',
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    lines = [json.loads(line) for line in proc.stdout.splitlines()]
    assert lines[0] == {
        "id": 1,
        "text": "card <CARD_1>",
        "spans": [{"start": 5, "end": 24, "entity": "CARD"}],
    }
    assert lines[1] == {"id": "b", "text": "none", "spans": []}
    bad = subprocess.run(
        [sys.executable, "-m", "workprint", "redact", "--jsonl"],
        input="not json\n",
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert bad.returncode != 0 and "stdin line 1" in bad.stderr and "Traceback" not in bad.stderr
