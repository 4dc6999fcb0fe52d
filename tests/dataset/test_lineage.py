"""Lineage: versions and members in the store; erasure and withdrawal make a version stale;
a rebuild leaves those people out, down to the last byte."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from tests.dataset._store import KEY, Person, add_person, allow_demo, dataset_text, erase
from workprint.dataset.build import build_dataset
from workprint.dataset.errors import KeyMismatch, NothingToRebuild, VersionUnknown
from workprint.dataset.lineage import check_status, list_versions, rebuild
from workprint.dataset.spec import DatasetSpec, ExportSpec
from workprint.governance import consent
from workprint.governance.consent import Purpose
from workprint.privacy.pseudonym import pseudonym
from workprint.store.engine import read_tx, write_tx
from workprint.store.schema import audit_log, dataset_members

SPEC = DatasetSpec(name="lineage", export=ExportSpec(compression="none"))


@pytest.fixture
def team(engine: Engine) -> dict[str, Person]:
    allow_demo(engine)
    return {
        name: add_person(engine, name, seed=i + 1, count=60, desktop=name == "ana")
        for i, name in enumerate(("ana", "ben", "cat", "dan"))
    }


def _members(engine: Engine, version_id: str) -> set[str]:
    with read_tx(engine) as conn:
        rows = conn.execute(
            sa.select(dataset_members.c.person_id).where(dataset_members.c.version_id == version_id)
        )
        return {r.person_id for r in rows}


def _audit_actions(engine: Engine) -> list[str]:
    with read_tx(engine) as conn:
        return [
            r.action
            for r in conn.execute(sa.select(audit_log.c.action))
            if r.action.startswith("dataset.")
        ]


def test_erasure_makes_a_version_stale_and_a_rebuild_forgets_the_person(
    engine: Engine, team: dict[str, Person], tmp_path: Path
) -> None:
    first = build_dataset(engine, tmp_path / "v1", SPEC, key=KEY)
    assert _members(engine, first.version_id) == {"ana", "ben", "cat", "dan"}
    (before,) = check_status(engine)
    assert (before.status, before.members, before.stale_reason) == ("current", 4, None)

    old = dataset_text(tmp_path / "v1")
    gone = pseudonym("ana", KEY).encode()
    # Steps name their action and observation events: most of the person's ids are there.
    assert gone in old and sum(e.encode() in old for e in team["ana"].event_ids) > 30

    erase(engine, "ana")
    (stale,) = check_status(engine)
    assert (stale.version_id, stale.status, stale.stale_reason) == (
        first.version_id,
        "stale",
        "erasure",
    )

    second = rebuild(engine, tmp_path / "v2", key=KEY)
    assert second.version_id != first.version_id
    new = dataset_text(tmp_path / "v2")
    assert gone not in new
    for event_id in team["ana"].event_ids:
        assert event_id.encode() not in new
    assert pseudonym("ben", KEY).encode() in new
    assert _members(engine, second.version_id) == {"ben", "cat", "dan"}
    assert _members(engine, first.version_id) == {"ben", "cat", "dan"}  # ana forgotten
    versions = {v.version_id: v for v in list_versions(engine)}
    assert (versions[first.version_id].status, versions[first.version_id].superseded_by) == (
        "superseded",
        second.version_id,
    )
    assert versions[second.version_id].status == "current"
    assert _audit_actions(engine) == [
        "dataset.build",
        "dataset.stale",
        "dataset.build",
        "dataset.rebuild",
    ]
    with pytest.raises(NothingToRebuild):
        rebuild(engine, tmp_path / "v3", key=KEY)


def test_withdrawing_the_training_grant_makes_a_version_stale(
    engine: Engine, team: dict[str, Person], tmp_path: Path
) -> None:
    first = build_dataset(engine, tmp_path / "v1", SPEC, key=KEY)
    with write_tx(engine) as conn:
        consent.withdraw(conn, "cat", Purpose.TRAINING, at_ms=1, actor="cat")
    erase(engine, "dan")
    (stale,) = check_status(engine)
    assert (stale.status, stale.stale_reason) == ("stale", "erasure,withdrawal")
    second = rebuild(engine, tmp_path / "v2", key=KEY, version_id=first.version_id)
    text = dataset_text(tmp_path / "v2")
    assert pseudonym("cat", KEY).encode() not in text
    assert pseudonym("dan", KEY).encode() not in text
    assert second.counts["people"] == 2


def test_an_unchanged_store_keeps_its_version_current(
    engine: Engine, team: dict[str, Person], tmp_path: Path
) -> None:
    first = build_dataset(engine, tmp_path / "v1", SPEC, key=KEY)
    again = build_dataset(engine, tmp_path / "copy", SPEC, key=KEY)
    assert again.version_id == first.version_id
    (version,) = check_status(engine)
    assert (version.status, version.out_dir) == ("current", str((tmp_path / "copy").resolve()))
    with pytest.raises(NothingToRebuild):
        rebuild(engine, tmp_path / "v2", key=KEY)


def test_rebuild_refuses_another_key_and_unknown_versions(
    engine: Engine, team: dict[str, Person], tmp_path: Path
) -> None:
    first = build_dataset(engine, tmp_path / "v1", SPEC, key=KEY)
    erase(engine, "ben")
    with pytest.raises(KeyMismatch):
        rebuild(engine, tmp_path / "v2", key=b"another key of 32 bytes........!")
    with pytest.raises(VersionUnknown):
        rebuild(engine, tmp_path / "v2", key=KEY, version_id="ds_nope")
    assert not (tmp_path / "v2").exists()
    assert (
        rebuild(engine, tmp_path / "v2", key=KEY, version_id=first.version_id).counts["people"] == 3
    )
