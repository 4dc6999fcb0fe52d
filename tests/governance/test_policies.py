"""Policy versions in the store, over every backend."""

from __future__ import annotations

import msgspec
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from starlette.testclient import TestClient

from tests.conftest import auth
from workprint.collector.admin import Enrollment
from workprint.governance import audit, policies
from workprint.privacy.errors import PolicyInvalid
from workprint.privacy.policy import parse
from workprint.store.schema import audit_log


def test_allow_apply_and_serve(engine: Engine, client: TestClient, enrolled: Enrollment) -> None:
    assert policies.load_active(engine).version == 2  # the fixture allowed the workload's tool
    first = client.get("/v1/policy", headers=auth(enrolled))
    allowed = policies.allow(engine, "http://127.0.0.1:8799", "metadata", actor="po")
    assert allowed.version == 3
    served = client.get("/v1/policy", headers=auth(enrolled))
    assert served.json() == msgspec.to_builtins(allowed.document)
    assert served.headers["ETag"] != first.headers["ETag"]
    with engine.connect() as conn:
        actions = list(conn.execute(sa.select(audit_log.c.action)).scalars())
    assert "policy.apply" in actions
    assert audit.verify(engine) >= 3


def test_versions_only_go_up(engine: Engine) -> None:
    policies.apply(engine, parse("version = 5\n"), actor="po")
    with pytest.raises(PolicyInvalid, match="not above"):
        policies.apply(engine, parse("version = 5\n"), actor="po")
    assert policies.load_active(engine).version == 5
