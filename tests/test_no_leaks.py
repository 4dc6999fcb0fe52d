"""Personal data never reaches a log line, an error body or a metric."""

from __future__ import annotations

import json
import logging

import pytest
from sqlalchemy.engine import Engine
from starlette.testclient import TestClient

from tests.conftest import auth
from workprint.collector.admin import Enrollment
from workprint.core import events as ev
from workprint.demo.workload import WorkloadSpec, batch_of, generate

SECRETS = [
    "jane.doe@example.com",
    "4111 1111 1111 1111",
    "Hunter2-password!",
    "DE89370400440532013000",
    "Jane Q. Customer",
]


def _personal_batch(enrolled: Enrollment) -> dict:
    spec = WorkloadSpec(device_id=enrolled.device_id, grant_id=enrolled.grants[0])
    events = [json.loads(ev.encode(e)) for e in generate(spec, 12)]
    for i, event in enumerate(events):
        secret = SECRETS[i % len(SECRETS)]
        event["context"]["window_title"] = f"Ticket for {secret}"
        event["context"]["url"] = f"http://127.0.0.1:8788/contacts/{secret}"
    # Invalid events whose bad values are personal data: the reasons must not echo them.
    events[0]["stream"] = SECRETS[0]
    events[1]["kind"] = SECRETS[1]
    events[2]["seq"] = SECRETS[2]
    events[3]["device_id"] = SECRETS[3]
    events[4]["privacy"]["mode"] = SECRETS[4]
    batch = json.loads(ev.encode(batch_of([])))
    batch["events"] = events
    return batch


def test_personal_strings_never_reach_logs_errors_or_metrics(
    client: TestClient, engine: Engine, enrolled: Enrollment, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    batch = _personal_batch(enrolled)
    r = client.post("/v1/ingest/batch", content=json.dumps(batch), headers=auth(enrolled))
    assert r.status_code == 200
    codes = [q["code"] for q in r.json()["quarantined"]]
    assert len(codes) - codes.count("policy_violation") == 5  # password titles: mode off
    answers = [r.text]
    # Whole-batch errors with personal data in the envelope.
    bad_envelope = dict(batch, agent={"name": SECRETS[0], "version": 1})
    answers.append(
        client.post(
            "/v1/ingest/batch", content=json.dumps(bad_envelope), headers=auth(enrolled)
        ).text
    )
    answers.append(
        client.post("/v1/ingest/batch", content=SECRETS[2].encode(), headers=auth(enrolled)).text
    )
    answers.append(
        client.post(
            "/v1/ingest/batch", content=b"{}", headers={"Authorization": f"Bearer {SECRETS[1]}"}
        ).text
    )
    metrics = client.get("/metrics").text
    logs = "\n".join(rec.getMessage() for rec in caplog.records)
    assert "batch committed" in logs  # the log line exists, just without values
    for secret in SECRETS:
        for where, text in (("log", logs), ("metrics", metrics), *(("answer", a) for a in answers)):
            assert secret not in text, f"{secret!r} leaked into a {where}"
    assert enrolled.token not in logs
