"""The ingest API in-process (httpx transport into the ASGI app), over both backends."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from starlette.testclient import TestClient

from tests.conftest import auth
from workprint.collector.admin import Enrollment, enroll, revoke
from workprint.collector.app import create_app
from workprint.collector.config import CollectorConfig
from workprint.core import events as ev
from workprint.demo.workload import WORKLOAD_ORIGIN, WorkloadSpec, batch_of, generate
from workprint.governance import consent, policies
from workprint.governance.consent import Purpose
from workprint.store import migrate
from workprint.store.engine import create_engine, write_tx
from workprint.store.events import count_events
from workprint.store.schema import quarantine

URL = "/v1/ingest/batch"


def _body(enrolled: Enrollment, n: int = 20, seed: int = 1) -> bytes:
    spec = WorkloadSpec(device_id=enrolled.device_id, grant_id=enrolled.grants[0], seed=seed)
    return ev.encode(batch_of(list(generate(spec, n))))


def test_batch_is_committed_with_per_event_results(
    client: TestClient, engine: Engine, enrolled: Enrollment
) -> None:
    r = client.post(URL, content=_body(enrolled), headers=auth(enrolled))
    assert r.status_code == 200
    body = r.json()
    assert body["accepted"] == 20
    assert body["duplicates"] == [] and body["quarantined"] == []
    assert body["hints"] == {"max_batch_events": 1000, "flush_interval_ms": 3000}
    assert count_events(engine) == 20


def test_resent_batch_is_acknowledged_as_duplicates(
    client: TestClient, engine: Engine, enrolled: Enrollment
) -> None:
    body = _body(enrolled)
    client.post(URL, content=body, headers=auth(enrolled))
    again = client.post(URL, content=body, headers=auth(enrolled)).json()
    assert again["accepted"] == 0
    assert len(again["duplicates"]) == 20
    assert count_events(engine) == 20


def test_gzip_body(client: TestClient, enrolled: Enrollment) -> None:
    r = client.post(
        URL,
        content=gzip.compress(_body(enrolled)),
        headers={**auth(enrolled), "Content-Encoding": "gzip"},
    )
    assert r.status_code == 200 and r.json()["accepted"] == 20


def test_invalid_events_are_quarantined_and_the_rest_kept(
    client: TestClient, engine: Engine, enrolled: Enrollment
) -> None:
    batch = json.loads(_body(enrolled, 6))
    batch["events"][1]["seq"] = "seven"
    batch["events"][3]["device_id"] = "dev_someone_else"
    batch["events"][4]["consent"]["grant_id"] = "g_forged"
    batch["events"][5]["privacy"]["mode"] = "off"
    r = client.post(URL, content=json.dumps(batch), headers=auth(enrolled))
    assert r.status_code == 200
    result = r.json()
    assert result["accepted"] == 2
    codes = {q["index"]: q["code"] for q in result["quarantined"]}
    assert codes == {
        1: "schema_violation",
        3: "device_mismatch",
        4: "consent_mismatch",
        5: "policy_violation",
    }
    assert result["quarantined"][0]["event_id"] == batch["events"][1]["event_id"]
    assert count_events(engine) == 2
    with engine.connect() as conn:
        raws = {r.code: r.raw for r in conn.execute(sa.select(quarantine.c.code, quarantine.c.raw))}
    assert json.loads(raws["schema_violation"]) == batch["events"][1]
    assert raws["policy_violation"] == b""  # nothing of a mode-off event is kept


def test_in_batch_repeat_and_collision(client: TestClient, enrolled: Enrollment) -> None:
    batch = json.loads(_body(enrolled, 3))
    batch["events"].append(dict(batch["events"][0]))
    changed = dict(batch["events"][1])
    changed["seq"] = 77
    batch["events"].append(changed)
    result = client.post(URL, content=json.dumps(batch), headers=auth(enrolled)).json()
    assert result["accepted"] == 3
    assert result["duplicates"] == [batch["events"][0]["event_id"]]
    assert [q["code"] for q in result["quarantined"]] == ["id_collision"]


@pytest.mark.parametrize(
    ("body", "headers", "status", "code"),
    [
        pytest.param(b"{not json", {}, 400, "body_invalid", id="undecodable"),
        pytest.param(b'{"batch_id": 1}', {}, 400, "body_invalid", id="envelope-invalid"),
        pytest.param(
            b"\x1f\x8b\x08garbage", {"Content-Encoding": "gzip"}, 400, "body_invalid", id="bad-gzip"
        ),
        pytest.param(b"{}", {"Content-Encoding": "br"}, 415, "encoding_unsupported", id="brotli"),
    ],
)
def test_bad_bodies(
    client: TestClient,
    enrolled: Enrollment,
    body: bytes,
    headers: dict[str, str],
    status: int,
    code: str,
) -> None:
    r = client.post(URL, content=body, headers={**auth(enrolled), **headers})
    assert r.status_code == status
    assert r.json()["code"] == code


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({}, id="no-header"),
        pytest.param({"Authorization": "Basic abc"}, id="wrong-scheme"),
        pytest.param({"Authorization": "Bearer wpd_unknown"}, id="unknown-token"),
    ],
)
def test_bad_tokens_get_401(
    client: TestClient, enrolled: Enrollment, headers: dict[str, str]
) -> None:
    r = client.post(URL, content=_body(enrolled), headers=headers)
    assert r.status_code == 401 and r.json()["code"] == "token_invalid"


def test_without_consent_nothing_is_stored(client: TestClient, engine: Engine) -> None:
    no_consent = enroll(engine, "emp002")
    r = client.post(URL, content=b"{}", headers=auth(no_consent))
    assert r.status_code == 403 and r.json()["code"] == "consent_missing"


def test_withdrawn_consent_gets_403_and_keeps_earlier_events(
    client: TestClient, engine: Engine, enrolled: Enrollment
) -> None:
    client.post(URL, content=_body(enrolled, 5), headers=auth(enrolled))
    with write_tx(engine) as conn:
        consent.withdraw(conn, enrolled.person_id, Purpose.CAPTURE, 5, "emp001")
    r = client.post(URL, content=_body(enrolled, 5, seed=2), headers=auth(enrolled))
    assert r.status_code == 403
    assert count_events(engine) == 5


def test_revoked_device_gets_410(client: TestClient, engine: Engine, enrolled: Enrollment) -> None:
    assert revoke(engine, enrolled.device_id)
    r = client.post(URL, content=_body(enrolled), headers=auth(enrolled))
    assert r.status_code == 410 and r.json()["code"] == "device_revoked"


def _app_client(engine: Engine, **settings: int) -> Iterator[TestClient]:
    with TestClient(create_app(CollectorConfig(**settings), engine=engine)) as c:  # type: ignore[arg-type]
        yield c


def test_too_many_events_gets_413(engine: Engine, enrolled: Enrollment) -> None:
    for c in _app_client(engine, max_batch_events=10):
        r = c.post(URL, content=_body(enrolled, 11), headers=auth(enrolled))
        assert r.status_code == 413 and r.json()["code"] == "batch_too_large"
    assert count_events(engine) == 0


def test_too_many_bytes_gets_413_even_gzipped(engine: Engine, enrolled: Enrollment) -> None:
    for c in _app_client(engine, max_body_bytes=4096):
        bomb = gzip.compress(b" " * 1_000_000)
        r = c.post(URL, content=bomb, headers={**auth(enrolled), "Content-Encoding": "gzip"})
        assert r.status_code == 413
        r = c.post(URL, content=b" " * 5000, headers=auth(enrolled))
        assert r.status_code == 413


def test_overload_gets_429_with_retry_after(engine: Engine, enrolled: Enrollment) -> None:
    for c in _app_client(engine, max_inflight_batches=0):
        r = c.post(URL, content=_body(enrolled), headers=auth(enrolled))
        assert r.status_code == 429
        assert r.headers["Retry-After"] == "1"
        assert r.json()["code"] == "overloaded"


def test_locked_store_gets_503_with_retry_after_and_keeps_nothing(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'locked.db'}"
    engine = create_engine(url, busy_timeout_ms=200)
    migrate.upgrade(engine)
    enrolled = enroll(engine, "emp001", purposes=[Purpose.CAPTURE])
    policies.allow(engine, WORKLOAD_ORIGIN, "redacted", actor="test")
    blocker = create_engine(url)
    with TestClient(create_app(CollectorConfig(), engine=engine)) as c, write_tx(blocker):
        r = c.post(URL, content=_body(enrolled), headers=auth(enrolled))
        assert r.status_code == 503
        assert r.headers["Retry-After"] == "2"
        assert r.json()["code"] == "unavailable"
    assert count_events(engine) == 0
    r2 = None
    with TestClient(create_app(CollectorConfig(), engine=engine)) as c:
        r2 = c.post(URL, content=_body(enrolled), headers=auth(enrolled))
    assert r2.status_code == 200 and count_events(engine) == 20
    blocker.dispose()
    engine.dispose()


def test_policy_is_served_with_etag(client: TestClient, enrolled: Enrollment) -> None:
    r = client.get("/v1/policy", headers=auth(enrolled))
    assert r.status_code == 200
    assert r.json()["version"] == 2 and r.json()["default_mode"] == "off"
    assert r.json()["origins"][0]["mode"] == "redacted"
    etag = r.headers["ETag"]
    again = client.get("/v1/policy", headers={**auth(enrolled), "If-None-Match": etag})
    assert again.status_code == 304
    assert client.get("/v1/policy").status_code == 401


def test_health_readiness_metrics(client: TestClient, enrolled: Enrollment) -> None:
    assert client.get("/healthz").json()["status"] == "ok"
    assert client.get("/readyz").json()["status"] == "ready"
    client.post(URL, content=_body(enrolled), headers=auth(enrolled))
    text = client.get("/metrics").text
    assert 'workprint_ingest_events_total{result="accepted"} 20.0' in text
    assert enrolled.device_id not in text and enrolled.person_id not in text


def test_readiness_fails_on_an_unmigrated_database(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'empty.db'}")
    app = create_app(CollectorConfig(auto_migrate=False), engine=engine)
    with TestClient(app) as c:
        r = c.get("/readyz")
    assert r.status_code == 503 and r.json()["code"] == "not_ready"
    engine.dispose()


def test_unknown_route_and_method_answer_with_codes(client: TestClient) -> None:
    assert client.get("/nope").json()["code"] == "not_found"
    assert client.get(URL).json()["code"] == "method_not_allowed"
