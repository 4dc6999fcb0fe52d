"""The collector's OpenAPI document is the truth: schemathesis drives the in-process app (on
SQLite, as an enrolled, consenting device) and every answer must be documented."""

from __future__ import annotations

from typing import Any

import msgspec
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode, checks
from sqlalchemy.engine import Engine
from starlette.testclient import TestClient

from tests.conftest import auth
from workprint.collector.admin import Enrollment, enroll
from workprint.collector.app import create_app
from workprint.collector.config import CollectorConfig
from workprint.core import events as ev
from workprint.demo.workload import WorkloadSpec, batch_of, generate
from workprint.governance.consent import Purpose
from workprint.store import migrate
from workprint.store.engine import create_engine

INGEST = "/v1/ingest/batch"
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
]


@pytest.fixture
def sqlite_engine(sqlite_url: str) -> Any:
    eng = create_engine(sqlite_url)
    migrate.upgrade(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def device(sqlite_engine: Engine) -> Enrollment:
    return enroll(sqlite_engine, "emp001", purposes=[Purpose.CAPTURE])


# The document does not depend on the store, so it is read once, at import, from an app that
# is never started (``from_asgi`` would run its lifespan, which opens the configured database);
# each test sends its cases to an app on its own database (``app=`` below). The
# ``schemathesis.pytest.from_fixture`` seam is not used: schemathesis 4.32 sets
# ``Node._nodeid``, which pytest 9 no longer has.
schema = schemathesis.openapi.from_dict(create_app(CollectorConfig()).openapi())


@pytest.fixture
def app(sqlite_engine: Engine) -> Any:
    return create_app(CollectorConfig(auto_migrate=False), engine=sqlite_engine)


OPERATIONS = [
    ("POST", INGEST),
    ("GET", "/v1/policy"),
    ("POST", "/v1/ingest/beacon"),
    ("GET", "/v1/device"),
    ("POST", "/v1/enroll"),
    ("GET", "/healthz"),
    ("GET", "/readyz"),
    ("GET", "/metrics"),
]
# Negative cases need something to break: a body or a documented parameter.
CASES = [
    pytest.param(method, path, mode, False, id=f"{method} {path} {mode.value}")
    for method, path in OPERATIONS
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
    if mode is GenerationMode.POSITIVE
    or path in (INGEST, "/v1/policy", "/v1/ingest/beacon", "/v1/enroll")
] + [
    # Generated events rewritten to name the token's device and its live grant, so that
    # fuzzed content gets past the device and consent checks into the store.
    pytest.param("POST", INGEST, GenerationMode.POSITIVE, True, id=f"POST {INGEST} own-device"),
]


def _as_own_device(case: Any, device: Enrollment) -> Any:
    body: Any = case.body
    if isinstance(body, dict) and isinstance(body.get("events"), list):
        for event in body["events"]:
            if isinstance(event, dict):
                event["device_id"] = device.device_id
                if isinstance(event.get("consent"), dict):
                    event["consent"]["grant_id"] = device.grants[0]
    return case


def test_the_fuzzed_operations_are_all_the_documented_ones() -> None:
    documented = {
        (op.method.upper(), op.path)
        for op in (result.ok() for result in schema.get_all_operations())  # type: ignore[union-attr]
    }
    assert documented == set(OPERATIONS)


@pytest.mark.parametrize(("method", "path", "mode", "own_device"), CASES)
def test_every_answer_is_documented(
    method: str,
    path: str,
    mode: GenerationMode,
    own_device: bool,
    app: Any,
    device: Enrollment,
    sqlite_engine: Engine,
) -> None:
    strategy = schema[path][method].as_strategy(generation_mode=mode)
    if own_device:
        strategy = strategy.map(lambda case: _as_own_device(case, device))

    @given(case=strategy)
    @settings(
        max_examples=40,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    def run(case: Any) -> None:
        case.call_and_validate(app=app, headers=auth(device), checks=CHECKS)

    run()


def test_ingest_documents_every_status_and_the_batch_body(app: Any) -> None:
    with TestClient(app) as c:
        r = c.get("/openapi.json")
    assert r.status_code == 200
    doc = r.json()
    post = doc["paths"][INGEST]["post"]
    errors = ["400", "401", "403", "410", "413", "415", "429", "503"]
    assert set(post["responses"]) == {"200", *errors}
    for status in errors:
        content = post["responses"][status]["content"]
        assert content == {
            "application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}
        }, status
    assert post["responses"]["200"]["content"] == {
        "application/json": {"schema": {"$ref": "#/components/schemas/IngestResult"}}
    }
    assert post["security"] == [{"deviceToken": []}]
    assert doc["components"]["securitySchemes"]["deviceToken"]["scheme"] == "bearer"

    body = post["requestBody"]
    assert body["required"] is True
    assert body["content"] == {
        "application/json": {"schema": {"$ref": "#/components/schemas/Batch"}}
    }
    # The documented Batch, and everything it refers to, is the event contract's own schema.
    (ref,), contract = msgspec.json.schema_components(
        [ev.Batch], ref_template="#/components/schemas/{name}"
    )
    assert ref == {"$ref": "#/components/schemas/Batch"}
    for name, component in contract.items():
        assert doc["components"]["schemas"][name] == component, name
    assert set(contract["Batch"]["required"]) == {"batch_id", "sent_at", "agent", "events"}


# ------------------------------------------------------------- a regression found by fuzzing


def _batch_with_nul(enrolled: Enrollment, where: str) -> bytes:
    spec = WorkloadSpec(device_id=enrolled.device_id, grant_id=enrolled.grants[0], seed=5)
    batch = msgspec.json.decode(ev.encode(batch_of(list(generate(spec, 4)))))
    first = batch["events"][1]  # event 0 is an observe snapshot without a target
    if where == "agent.version":
        batch["agent"]["version"] = "1.0\u0000"
    elif where == "context.window_title":
        first["context"]["window_title"] = "Deals\u0000"
    elif where == "target.name":
        first["target"] = {"tag": "button", "role": "button", "name": "Save\u0000"}
        first["kind"] = "click"
        first.pop("payload", None)
    elif where == "quarantined event_id":
        first["event_id"] = "not-a-uuid\u0000"
    else:  # pragma: no cover - table typo
        raise AssertionError(where)
    return msgspec.json.encode(batch)


@pytest.mark.parametrize(
    "where", ["agent.version", "context.window_title", "target.name", "quarantined event_id"]
)
def test_a_nul_character_is_never_a_server_error(
    where: str, engine: Engine, enrolled: Enrollment
) -> None:
    """U+0000 is valid JSON, but PostgreSQL cannot store it in text or jsonb: the collector
    refuses it the same way on every backend (400 in the envelope, quarantine in an event),
    never a 500."""
    app = create_app(CollectorConfig(auto_migrate=False), engine=engine)
    with TestClient(app, raise_server_exceptions=False) as c:
        r = c.post(INGEST, content=_batch_with_nul(enrolled, where), headers=auth(enrolled))
    assert r.status_code in (200, 400), r.text
    if r.status_code == 200:
        answer = r.json()
        assert answer["accepted"] + len(answer["quarantined"]) == 4
