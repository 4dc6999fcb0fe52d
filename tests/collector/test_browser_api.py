"""What browsers and the extension need from the collector: device info, enrollment codes,
beacons, CORS on the policy's origins, and redaction again before the store."""

from __future__ import annotations

import json

import msgspec
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from starlette.testclient import TestClient

from tests.conftest import auth
from workprint.collector.admin import Enrollment, create_code, enroll, redeem_code
from workprint.collector.errors import CodeInvalid
from workprint.core import events as ev
from workprint.core.clock import FakeClock
from workprint.demo.workload import WORKLOAD_ORIGIN, WorkloadSpec, batch_of, generate
from workprint.governance import policies
from workprint.governance.consent import Purpose
from workprint.privacy.policy import parse
from workprint.store.schema import events, people, quarantine


def _events(enrolled: Enrollment, n: int = 5, seed: int = 1) -> list[ev.Event]:
    spec = WorkloadSpec(device_id=enrolled.device_id, grant_id=enrolled.grants[0], seed=seed)
    return list(generate(spec, n))


def test_device_info_names_the_live_capture_grant(client: TestClient, enrolled: Enrollment) -> None:
    r = client.get("/v1/device", headers=auth(enrolled))
    assert r.status_code == 200
    body = r.json()
    assert body["device_id"] == enrolled.device_id
    assert body["consent"]["grant_id"] == enrolled.grants[0]
    assert body["consent"]["notice_version"]
    assert body["hints"]["max_batch_events"] > 0
    assert client.get("/v1/device").json()["code"] == "token_invalid"


def test_enrollment_code_works_once(client: TestClient, engine: Engine) -> None:
    code = create_code(engine, "emp042", purposes=[Purpose.CAPTURE])
    assert code.startswith("WP-") and len(code) == 17
    r = client.post("/v1/enroll", json={"code": code.lower().replace("-", " ")})
    assert r.status_code == 200, r.text
    token = r.json()["token"]
    assert r.headers["Cache-Control"] == "no-store"
    info = client.get("/v1/device", headers={"Authorization": f"Bearer {token}"}).json()
    assert info["device_id"] == r.json()["device_id"]
    again = client.post("/v1/enroll", json={"code": code})
    assert (again.status_code, again.json()["code"]) == (400, "enrollment_code_invalid")
    assert client.post("/v1/enroll", content=b"{").json()["code"] == "body_invalid"


def test_enrollment_code_expires(engine: Engine) -> None:
    clock = FakeClock()
    code = create_code(engine, "emp043", ttl_s=60, clock=clock)
    clock.advance(61)
    with pytest.raises(CodeInvalid):
        redeem_code(engine, code, clock=clock)


def test_beacon_is_ingested_and_resending_it_is_a_duplicate(
    client: TestClient, engine: Engine, enrolled: Enrollment
) -> None:
    batch = json.loads(ev.encode(batch_of(_events(enrolled))))
    body = json.dumps({"token": enrolled.token, "batch": batch})
    first = client.post("/v1/ingest/beacon", content=body, headers={"Content-Type": "text/plain"})
    assert first.status_code == 200 and first.json()["accepted"] == 5
    second = client.post("/v1/ingest/batch", content=json.dumps(batch), headers=auth(enrolled))
    assert len(second.json()["duplicates"]) == 5
    bad = client.post("/v1/ingest/beacon", content=json.dumps({"token": "x", "batch": batch}))
    assert bad.status_code == 401
    assert client.post("/v1/ingest/beacon", content=b"[]").json()["code"] == "body_invalid"


@pytest.mark.parametrize(
    ("origin", "allowed"),
    [
        pytest.param(WORKLOAD_ORIGIN, True, id="policy-origin"),
        pytest.param("http://127.0.0.1:8788/", True, id="same-origin-with-slash"),
        pytest.param("https://evil.example", False, id="other-origin"),
        pytest.param("null", False, id="opaque-origin"),
    ],
)
def test_cors_follows_the_policy(
    client: TestClient, enrolled: Enrollment, origin: str, allowed: bool
) -> None:
    preflight = client.options(
        "/v1/ingest/batch",
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, content-type",
        },
    )
    if allowed:
        assert preflight.status_code == 204
        assert preflight.headers["access-control-allow-origin"] == origin
        assert "authorization" in preflight.headers["access-control-allow-headers"]
        assert "access-control-allow-credentials" not in preflight.headers
    else:
        assert preflight.status_code == 403
        assert preflight.json()["code"] == "origin_forbidden"
    r = client.get("/v1/device", headers={**auth(enrolled), "Origin": origin})
    assert ("access-control-allow-origin" in r.headers) is allowed


def test_an_origin_set_to_off_loses_cors_within_the_cache_time(
    client: TestClient, engine: Engine, enrolled: Enrollment
) -> None:
    policies.allow(engine, WORKLOAD_ORIGIN, "off", actor="po")
    r = client.options(
        "/v1/policy", headers={"Origin": WORKLOAD_ORIGIN, "Access-Control-Request-Method": "GET"}
    )
    assert r.status_code == 403


def test_collector_redacts_what_the_capturer_missed(
    client: TestClient, engine: Engine, enrolled: Enrollment
) -> None:
    with engine.begin() as conn:
        conn.execute(
            people.update().where(people.c.person_id == "emp001").values(display_name="Ingrid Vale")
        )
    source = f"""version = 10
[[origins]]
origin = "{WORKLOAD_ORIGIN}"
mode = "redacted"
[deny_list]
sources = ["store:people"]
"""
    policies.apply(engine, parse(source), actor="po")
    [event] = _events(enrolled, 1)
    typed = ev.TypeEvent(
        **{f: getattr(event, f) for f in event.__struct_fields__ if f not in ("payload", "target")},
        payload=ev.TypePayload(text="Spoke with Ingrid Vale, mail ingrid@example.org"),
    )
    r = client.post(
        "/v1/ingest/batch", content=ev.encode(batch_of([typed])), headers=auth(enrolled)
    )
    assert r.json()["accepted"] == 1
    with engine.connect() as conn:
        payload, redactions = conn.execute(sa.select(events.c.payload, events.c.redactions)).one()
    text = json.dumps(payload)
    assert "Ingrid" not in text and "ingrid@example.org" not in text
    assert "<PERSON_" in text and "<EMAIL_" in text
    counts = redactions if isinstance(redactions, dict) else json.loads(redactions)
    assert counts["PERSON"] == 1 and counts["EMAIL"] == 1
    # The same event re-sent is still a duplicate, not an id collision.
    again = client.post(
        "/v1/ingest/batch", content=ev.encode(batch_of([typed])), headers=auth(enrolled)
    )
    assert again.json()["duplicates"] == [typed.event_id]


def test_events_from_an_off_context_leave_nothing(
    client: TestClient, engine: Engine, enrolled: Enrollment
) -> None:
    evs = _events(enrolled, 3)
    hidden = msgspec.structs.replace(
        evs[1], context=msgspec.structs.replace(evs[1].context, url="https://bank.example/x")
    )
    r = client.post(
        "/v1/ingest/batch",
        content=ev.encode(batch_of([evs[0], hidden, evs[2]])),
        headers=auth(enrolled),
    )
    result = r.json()
    assert result["accepted"] == 2
    assert [(q["index"], q["code"]) for q in result["quarantined"]] == [(1, "policy_violation")]
    with engine.connect() as conn:
        raws = list(conn.execute(sa.select(quarantine.c.raw)).scalars())
        urls = list(conn.execute(sa.select(events.c.url)).scalars())
    assert raws == [b""]
    assert not any("bank.example" in (u or "") for u in urls)


def test_a_second_device_from_a_code_has_no_grants_of_its_own(engine: Engine) -> None:
    first = enroll(engine, "emp050", purposes=[Purpose.CAPTURE])
    code = create_code(engine, "emp050")
    second = redeem_code(engine, code)
    assert second.person_id == "emp050" and second.device_id != first.device_id
    assert second.grants == ()
