"""The task checks read the CRM database without changing it, name what is missing,
and see what the seed wrote."""

from __future__ import annotations

from pathlib import Path

import pytest

from workprint.demo.crm import _forms, state
from workprint.demo.crm.errors import CrmAlreadySeeded, CrmDatabaseMissing, CrmNotFound
from workprint.demo.crm.schema import open_engine
from workprint.demo.crm.seed import seed_database


def test_missing_database_is_named(tmp_path: Path) -> None:
    with pytest.raises(CrmDatabaseMissing) as caught:
        state.count_rows(tmp_path / "absent.db")
    assert caught.value.code == "crm_db_missing"
    assert str(tmp_path) not in str(caught.value)


@pytest.mark.parametrize(
    "check",
    [
        lambda db: state.deal_stage(db, "No such deal"),
        lambda db: state.stage_changes(db, "No such deal"),
        lambda db: state.activities_for(db, contact_email="nobody@example.org"),
        lambda db: state.activities_for(db, deal_name="No such deal"),
        lambda db: state.notes_on(db, company="No such company"),
    ],
    ids=["deal-stage", "stage-changes", "activities-contact", "activities-deal", "notes"],
)
def test_named_records_must_exist(crm_db: Path, check: object) -> None:
    with pytest.raises(CrmNotFound):
        check(crm_db)  # type: ignore[operator]


@pytest.mark.parametrize(
    "call",
    [
        lambda db: state.find_contact(db),
        lambda db: state.find_contact(db, email="a@b.co", name="A B"),
        lambda db: state.activities_for(db),
        lambda db: state.notes_on(db),
    ],
    ids=["contact-no-key", "contact-two-keys", "activities-no-key", "notes-no-key"],
)
def test_ambiguous_questions_are_refused(crm_db: Path, call: object) -> None:
    with pytest.raises(ValueError, match="give"):
        call(crm_db)  # type: ignore[operator]


def test_checks_see_the_seeded_data(crm_db: Path) -> None:
    snap = state.snapshot(crm_db)
    deal = state.find_deal(crm_db, snap["deals"][1][1])
    assert deal is not None and deal.id == 1
    assert state.deal_stage(crm_db, deal.name) == deal.stage
    changes = state.stage_changes(crm_db, deal.name)
    assert changes[0].from_stage is None and changes[-1].to_stage == deal.stage
    with_activities = {row[6] for row in snap["activities"].values() if row[6] is not None}
    deal_name = snap["deals"][min(with_activities)][1]
    found = state.activities_for(crm_db, deal_name=deal_name)
    assert found and all(a.deal_name == deal_name for a in found)
    assert [a.created_at for a in found] == sorted((a.created_at for a in found), reverse=True)
    assert state.activities_for(crm_db, deal_name=deal_name, since_ms=2**62) == []
    noted = next(row for row in snap["notes"].values() if row[2] is not None)
    company = snap["companies"][noted[2]][1]
    assert noted[1] in state.notes_on(crm_db, company=company)
    assert state.payment_cards(crm_db) == []
    assert state.diff(snap, state.snapshot(crm_db)) == {}


def test_checks_never_write(crm_db: Path) -> None:
    before = crm_db.read_bytes()
    state.snapshot(crm_db)
    state.find_contact(crm_db, email="nobody@example.org")
    assert crm_db.read_bytes() == before
    with state._reading(crm_db) as conn, pytest.raises(Exception, match="readonly"):
        conn.exec_driver_sql("DELETE FROM notes")


def test_every_seeded_contact_passes_the_form(crm_db: Path) -> None:
    """Editing any seeded contact without changes must not fail validation."""
    companies = set(state.snapshot(crm_db)["companies"])
    for row in state.snapshot(crm_db)["contacts"].values():
        form = {
            "first_name": row[1],
            "last_name": row[2],
            "email": row[3],
            "phone": row[4],
            "title": row[5],
            "company_id": "" if row[6] is None else str(row[6]),
        }
        assert _forms.check_contact(form, companies)[1] == {}, row[0]


def test_seeding_twice_is_refused(crm_db: Path) -> None:
    engine = open_engine(crm_db)
    try:
        with pytest.raises(CrmAlreadySeeded):
            seed_database(engine, 7, 12)
    finally:
        engine.dispose()
