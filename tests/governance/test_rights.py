"""Erasure and range deletion with lineage, over every backend."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from tests.governance import _seed
from tests.governance._seed import DAY_MS, T0_MS
from workprint.collector.auth import authenticate
from workprint.collector.errors import TokenInvalid
from workprint.governance import accounts, audit, rights
from workprint.governance.accounts import Role
from workprint.governance.consent import Purpose
from workprint.governance.errors import RangeInvalid, UnknownPerson
from workprint.store.engine import read_tx, write_tx
from workprint.store.schema import (
    audit_log,
    consent_grants,
    dataset_versions,
    devices,
    events,
    people,
    quarantine,
)


def _count(engine: Engine, table: sa.Table, where: sa.ColumnElement[bool]) -> int:
    with read_tx(engine) as conn:
        return int(
            conn.execute(sa.select(sa.func.count()).select_from(table).where(where)).scalar_one()
        )


def _status(engine: Engine) -> dict[str, tuple[str, str | None]]:
    with read_tx(engine) as conn:
        rows = conn.execute(
            sa.select(
                dataset_versions.c.version_id,
                dataset_versions.c.status,
                dataset_versions.c.stale_reason,
            )
        )
        return {r.version_id: (r.status, r.stale_reason) for r in rows}


def test_erasure_removes_everything_and_reports_it(engine: Engine) -> None:
    jane = _seed.person(engine, "emp001", Purpose.CAPTURE, Purpose.TRAINING)
    other = _seed.person(engine, "emp002")
    _seed.store(engine, jane, _seed.spread(jane, 25), quarantined=3)
    _seed.store(engine, other, _seed.spread(other, 7), quarantined=1)
    with write_tx(engine) as conn:
        accounts.create_account(
            conn,
            "jane",
            Role.EMPLOYEE,
            password_hash=None,
            person_id="emp001",
            at_ms=T0_MS,
            actor="t",
        )
        accounts.issue_token(conn, "jane", "s", at_ms=T0_MS, expires_at_ms=None, actor="t")
    _seed.dataset(engine, "v1", ["emp001", "emp002"])
    _seed.dataset(engine, "v2", ["emp002"])
    _seed.dataset(engine, "v0", ["emp001"], status="superseded")

    report = rights.erase_person(
        engine, "emp001", actor="po", reason="asked by email", now_ms=T0_MS + DAY_MS, chunk=10
    )

    assert report.removed["events"] == 25
    assert report.removed["quarantine"] == 3
    assert report.removed["devices"] == 1
    assert report.removed["consent_grants"] == 2
    assert report.removed["accounts"] == 1
    assert report.removed["api_tokens"] == 1
    assert report.removed["people"] == 1
    assert report.removed["batches"] == 1
    assert set(report.remaining.values()) == {0}
    assert report.datasets_marked_stale == ("v1",)
    assert report.datasets_containing == ("v0", "v1")
    assert _status(engine) == {
        "v1": ("stale", "erasure"),
        "v2": ("current", None),
        "v0": ("superseded", None),
    }
    # Nobody else was touched.
    assert _count(engine, events, events.c.person_id == "emp002") == 7
    assert _count(engine, quarantine, quarantine.c.person_id == "emp002") == 1
    assert _count(engine, people, people.c.person_id == "emp001") == 0
    assert _count(engine, devices, devices.c.person_id == "emp001") == 0
    with pytest.raises(TokenInvalid):
        authenticate(engine, jane.token)
    authenticate(engine, other.token)


def test_the_erasure_report_is_in_the_audit_log_without_values(engine: Engine) -> None:
    jane = _seed.person(engine, "emp001")
    secret = "jane.doe@example.com"
    _seed.store(engine, jane, [_seed.event(jane, "type", text=secret, title=secret)])
    report = rights.erase_person(engine, "emp001", actor="cli", reason="leaver", now_ms=T0_MS + 1)
    with read_tx(engine) as conn:
        entry = audit.search(conn, action="rights.erase")[0]
        everything = json.dumps([list(map(str, r)) for r in conn.execute(sa.select(audit_log))])
    assert entry.subject == "emp001" and entry.reason == "leaver"
    assert entry.details is not None
    assert entry.details["removed"] == report.removed
    assert entry.details["remaining"]["events"] == 0
    assert secret not in everything
    assert report.audit_hash and len(bytes.fromhex(report.audit_hash)) == 32
    assert json.loads(report.to_json())["kind"] == "erasure"
    assert audit.verify(engine) > 0


def test_erasure_withdraws_consent_before_deleting(engine: Engine) -> None:
    jane = _seed.person(engine, "emp001", Purpose.CAPTURE, Purpose.EVALUATION)
    rights.erase_person(engine, "emp001", actor="cli", reason=None, now_ms=T0_MS)
    with read_tx(engine) as conn:
        actions = list(
            conn.execute(sa.select(audit_log.c.action).order_by(audit_log.c.seq)).scalars()
        )
    assert actions[-3:] == ["consent.withdraw", "consent.withdraw", "rights.erase"]
    assert _count(engine, consent_grants, consent_grants.c.person_id == jane.person_id) == 0


def test_erasing_an_unknown_person_is_refused(engine: Engine) -> None:
    with pytest.raises(UnknownPerson):
        rights.erase_person(engine, "nobody", actor="cli", reason=None, now_ms=T0_MS)


def test_range_deletion_keeps_the_rest(engine: Engine) -> None:
    jane = _seed.person(engine, "emp001")
    hour = 3_600_000
    _seed.store(engine, jane, _seed.spread(jane, 10, step_ms=hour))  # 09:00 .. 18:00
    _seed.store(engine, jane, [_seed.event(jane)], received_at_ms=T0_MS + 2 * hour, quarantined=2)
    _seed.dataset(engine, "v1", ["emp001"])
    report = rights.delete_range(
        engine,
        "emp001",
        T0_MS + 2 * hour,
        T0_MS + 5 * hour,
        actor="emp001",
        reason=None,
        now_ms=T0_MS + DAY_MS,
        chunk=2,
    )
    # Events at 11:00, 12:00 and 13:00; the quarantined pair was received at 11:00.
    assert report.removed == {"events": 3, "quarantine": 2}
    assert report.remaining == {"events": 0, "quarantine": 0}
    assert report.kind == "range" and report.from_ms == T0_MS + 2 * hour
    assert report.datasets_marked_stale == ("v1",)
    assert _count(engine, events, events.c.person_id == "emp001") == 8
    with read_tx(engine) as conn:
        entry = audit.search(conn, action="rights.delete_range")[0]
    # The log proves the person's copy of the report without holding their activity.
    assert entry.subject == "emp001"
    assert entry.details == {
        "kind": "range",
        "report_sha256": rights.report_sha256(report),
        "complete": True,
        "datasets_marked_stale": ["v1"],
    }


@pytest.mark.parametrize(("start", "end"), [(10, 10), (10, 5)], ids=["empty", "reversed"])
def test_a_range_must_have_its_end_after_its_start(engine: Engine, start: int, end: int) -> None:
    _seed.person(engine, "emp001")
    with pytest.raises(RangeInvalid):
        rights.delete_range(engine, "emp001", start, end, actor="t", reason=None, now_ms=0)
