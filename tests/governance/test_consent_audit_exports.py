"""The consent ledger's history and notices, the audit search, and subject exports."""

from __future__ import annotations

import io
import json

import pyarrow.parquet as pq
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from tests.governance import _seed
from tests.governance._seed import T0_MS
from workprint.governance import audit, consent, exports, pause, timeline
from workprint.governance.consent import Purpose
from workprint.governance.errors import AuditChainBroken, ConsentInvalid
from workprint.store.engine import read_tx, write_tx
from workprint.store.schema import audit_log

NOTICE = "We record the steps you take in the allow-listed tools to train assistants. " * 2


def test_consent_history_keeps_withdrawn_grants(engine: Engine) -> None:
    _seed.person(engine, "emp001")
    with write_tx(engine) as conn:
        consent.grant_current(conn, "emp001", Purpose.TRAINING, T0_MS + 1, "emp001")
        consent.withdraw(conn, "emp001", Purpose.TRAINING, T0_MS + 2, "emp001")
        consent.grant_current(conn, "emp001", Purpose.TRAINING, T0_MS + 3, "emp001")
        history = consent.history(conn, "emp001")
        live = consent.live_purposes(conn, "emp001")
    assert [(g.purpose.value, g.withdrawn_at_ms) for g in history] == [
        ("capture", None),
        ("training", T0_MS + 2),
        ("training", None),
    ]
    assert live == {Purpose.CAPTURE, Purpose.TRAINING}


def test_granting_twice_under_one_notice_is_one_grant(engine: Engine) -> None:
    _seed.person(engine, "emp001")
    with write_tx(engine) as conn:
        first = consent.grant_current(conn, "emp001", Purpose.EVALUATION, T0_MS, "t")
        second = consent.grant_current(conn, "emp001", Purpose.EVALUATION, T0_MS + 1, "t")
    assert first == second


def test_a_new_notice_becomes_current(engine: Engine) -> None:
    _seed.person(engine, "emp001")
    with write_tx(engine) as conn:
        published = consent.publish(conn, "2027-01-v2", NOTICE, at_ms=T0_MS, actor="po")
        assert consent.current_notice(conn) == "2027-01-v2"
        renewed = consent.grant_current(conn, "emp001", Purpose.CAPTURE, T0_MS + 5, "emp001")
        versions = [n.notice_version for n in consent.notices(conn)]
    assert published.published_at_ms >= T0_MS
    assert renewed.notice_version == "2027-01-v2"
    assert versions[0] == "2027-01-v2"


@pytest.mark.parametrize(
    ("version", "text"),
    [("bad version!", NOTICE), ("v9", "too short"), (consent.DEFAULT_NOTICE_VERSION, NOTICE)],
    ids=["bad-version", "short-text", "already-published"],
)
def test_notice_rules(engine: Engine, version: str, text: str) -> None:
    _seed.person(engine, "emp001")  # publishes the default notice
    with pytest.raises(ConsentInvalid), write_tx(engine) as conn:
        consent.publish(conn, version, text, at_ms=T0_MS, actor="po")


def test_audit_search_filters_and_reads(engine: Engine) -> None:
    _seed.person(engine, "emp001")
    _seed.person(engine, "emp002")
    with write_tx(engine) as conn:
        audit.record_read(
            conn,
            at_ms=T0_MS,
            actor="emp001",
            subject="emp001",
            view="timeline",
            details={"rows": 3},
        )
        by_subject = audit.search(conn, subject="emp002")
        reads = audit.search(conn, action=audit.READ)
        consents = audit.search(conn, action="consent.")
        limited = audit.search(conn, limit=1)
        older = audit.search(conn, before_seq=limited[0].seq)
    assert {e.subject for e in by_subject} == {"emp002"}
    assert [(e.actor, e.details) for e in reads] == [("emp001", {"view": "timeline", "rows": 3})]
    assert {e.action for e in consents} == {"consent.grant"}
    assert len(limited) == 1 and all(e.seq < limited[0].seq for e in older)


def test_an_altered_audit_entry_breaks_the_chain(engine: Engine) -> None:
    _seed.person(engine, "emp001")
    assert audit.verify(engine) >= 2
    with write_tx(engine) as conn:
        first = conn.execute(sa.select(sa.func.min(audit_log.c.seq))).scalar_one()
        conn.execute(audit_log.update().where(audit_log.c.seq == first).values(actor="someone"))
    with pytest.raises(AuditChainBroken):
        audit.verify(engine)


def test_json_export_holds_everything_about_the_person_only(engine: Engine) -> None:
    jane = _seed.person(engine, "emp001", Purpose.CAPTURE, Purpose.TRAINING)
    other = _seed.person(engine, "emp002")
    _seed.store(
        engine,
        jane,
        [*_seed.spread(jane, 7), _seed.event(jane, "type", text="<EMAIL_1>")],
        quarantined=2,
    )
    _seed.store(engine, other, _seed.spread(other, 3))
    with write_tx(engine) as conn:
        pause.set_paused(conn, "emp001", True, at_ms=T0_MS)
    body = b"".join(exports.json_export(engine, "emp001", now_ms=T0_MS, chunk=3))
    doc = json.loads(body)
    assert doc["person"]["person_id"] == "emp001"
    assert len(doc["events"]) == 8 and {e["device_id"] for e in doc["events"]} == {jane.device_id}
    assert doc["events"][-1]["payload"] == {"text": "<EMAIL_1>"}
    assert len(doc["quarantine"]) == 2 and "raw bytes" in doc["quarantine"][0]["raw"]
    assert [c["purpose"] for c in doc["consent"]] == ["capture", "training"]
    assert doc["capture_paused"] is True
    assert doc["devices"][0]["device_id"] == jane.device_id


def test_parquet_export_has_one_row_per_event(engine: Engine) -> None:
    jane = _seed.person(engine, "emp001")
    _seed.store(engine, jane, _seed.spread(jane, 12))
    table = pq.read_table(io.BytesIO(exports.parquet_export(engine, "emp001", chunk=5)))
    assert table.num_rows == 12
    assert str(table.schema.field("occurred_at").type) == "timestamp[ms, tz=UTC]"
    assert json.loads(table.column("payload")[0].as_py()) == {}


def test_parquet_export_of_nobody_is_an_empty_file(engine: Engine) -> None:
    _seed.person(engine, "emp001")
    assert pq.read_table(io.BytesIO(exports.parquet_export(engine, "emp001"))).num_rows == 0


def test_timeline_pages_newest_first_with_filters(engine: Engine) -> None:
    jane = _seed.person(engine, "emp001")
    _seed.store(engine, jane, [*_seed.spread(jane, 5), _seed.event(jane, "key", T0_MS + 1)])
    with read_tx(engine) as conn:
        first = timeline.page(conn, "emp001", limit=4)
        assert first.next is not None
        rest = timeline.page(
            conn, "emp001", limit=4, before=timeline.Cursor.decode(first.next.encode())
        )
        keys = timeline.page(conn, "emp001", kind="key")
        window = timeline.page(conn, "emp001", since_ms=T0_MS + 60_000, until_ms=T0_MS + 180_000)
        nobody_else = timeline.page(conn, "emp002")
    times = [e.occurred_at_ms for e in first.events + rest.events]
    assert times == sorted(times, reverse=True) and len(times) == 6 and rest.next is None
    assert [e.wire["kind"] for e in keys.events] == ["key"]
    assert [e.occurred_at_ms for e in window.events] == [T0_MS + 120_000, T0_MS + 60_000]
    assert nobody_else.events == ()
