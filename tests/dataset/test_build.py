"""Building datasets from a real store, on every backend: complete, deterministic, consented,
redacted again, atomic."""

from __future__ import annotations

import dataclasses
import logging
import re
from pathlib import Path

import msgspec
import pytest
from sqlalchemy.engine import Engine

from tests.dataset._store import (
    KEY,
    PLANTED,
    TASK,
    Person,
    add_person,
    allow_demo,
    dataset_text,
    files_of,
)
from workprint.dataset import _write
from workprint.dataset._arrow import pq
from workprint.dataset.build import build_dataset
from workprint.dataset.errors import KeyMissing, ManifestInvalid, OutputExists
from workprint.dataset.format import EPISODES_SCHEMA, STEPS_SCHEMA
from workprint.dataset.manifest import MANIFEST, read_manifest, verify
from workprint.dataset.show import summarize
from workprint.dataset.spec import DatasetSpec, ExportSpec
from workprint.governance import consent
from workprint.governance.consent import Purpose
from workprint.privacy.pseudonym import pseudonym
from workprint.store.engine import write_tx

SPEC = DatasetSpec(
    name="crm-test",
    seed=3,
    export=ExportSpec(compression="none", row_group_rows=40, shard_rows=80),
)


@pytest.fixture
def out(tmp_path: Path) -> Path:
    """Where datasets go (the SQLite database lives beside it, in ``tmp_path``)."""
    return tmp_path / "out"


@pytest.fixture
def team(engine: Engine) -> dict[str, Person]:
    allow_demo(engine)
    return {
        "ana": add_person(engine, "ana", seed=1, task=True, plant=True),
        "ben": add_person(engine, "ben", seed=2, desktop=True),
        "cat": add_person(engine, "cat", seed=3),
        "dan": add_person(engine, "dan", seed=4),
        "eve": add_person(engine, "eve", seed=5, training=False),
    }


def test_same_store_and_spec_give_identical_complete_folders(
    engine: Engine, team: dict[str, Person], out: Path
) -> None:
    a = build_dataset(engine, out / "a", SPEC, key=KEY)
    b = build_dataset(engine, out / "b", SPEC, key=KEY)
    assert a == b
    files_a, files_b = files_of(out / "a"), files_of(out / "b")
    assert files_a == files_b
    assert sorted(out.iterdir()) == [out / "a", out / "b"]  # no partial folders
    # Every file but the manifest is hashed in it; the manifest was written last.
    assert set(a.files) == set(files_a) - {MANIFEST}
    verify(out / "a")
    root = out / "a"
    assert all(
        (root / MANIFEST).stat().st_mtime_ns >= (root / name).stat().st_mtime_ns for name in a.files
    )
    assert a.counts["people_eligible"] == 4 and a.counts["people"] == 4
    steps = sum(s.steps for s in a.splits.values())
    assert steps == a.counts["steps"] > 0
    assert sum(f.rows or 0 for n, f in a.files.items() if n.startswith("steps-")) == steps
    assert any(n.endswith("-00001.parquet") for n in a.files)  # sharded at 80 rows
    people = [set(s.people) for s in a.splits.values()]
    for i, group in enumerate(people):
        for other in people[i + 1 :]:
            assert not group & other
    assert a.pseudonyms == {
        "scheme": "hmac-sha256",
        "key_fingerprint": a.pseudonyms["key_fingerprint"],
    }
    assert KEY.hex() not in dataset_text(root).decode("utf-8", "replace")


def test_tables_have_the_published_schemas(
    engine: Engine, team: dict[str, Person], out: Path
) -> None:
    manifest = build_dataset(engine, out / "d", SPEC, key=KEY)
    for name in manifest.files:
        if name.endswith(".parquet"):
            schema = pq.read_schema(out / "d" / name)
            expected = STEPS_SCHEMA if name.startswith("steps-") else EPISODES_SCHEMA
            assert schema.remove_metadata().equals(expected)


def test_only_people_with_a_live_training_grant_are_included(
    engine: Engine, team: dict[str, Person], out: Path
) -> None:
    with write_tx(engine) as conn:
        consent.withdraw(conn, "dan", Purpose.TRAINING, at_ms=1, actor="dan")
    manifest = build_dataset(engine, out / "d", SPEC, key=KEY)
    text = dataset_text(out / "d")
    included = {p for s in manifest.splits.values() for p in s.people}
    assert included == {pseudonym(p, KEY) for p in ("ana", "ben", "cat")}
    for absent in ("eve", "dan"):
        assert pseudonym(absent, KEY).encode() not in text
        assert not any(e.encode() in text for e in team[absent].event_ids)
    assert any(e.encode() in text for e in team["cat"].event_ids)


def test_redaction_runs_again_on_every_text(
    engine: Engine, team: dict[str, Person], out: Path
) -> None:
    build_dataset(engine, out / "d", SPEC, key=KEY)
    text = dataset_text(out / "d")
    assert PLANTED.encode() not in text
    # Numbered as the collector numbers (keyed, 1000 and up), not in order of appearance.
    assert re.search(rb"send the quote to <EMAIL_\d{4}> today", text)
    sheet = (out / "d" / "datasheet.md").read_text()
    assert "| EMAIL | 0 | 1 |" in sheet


def test_a_policy_that_turns_capture_off_empties_the_dataset(
    engine: Engine, team: dict[str, Person], out: Path
) -> None:
    from workprint.governance import policies
    from workprint.privacy.policy import parse

    policies.apply(engine, parse("version = 3\n"), actor="test")
    manifest = build_dataset(engine, out / "d", SPEC, key=KEY)
    assert manifest.counts["steps"] == 0
    assert manifest.counts["events_off"] == manifest.counts["events_read"] > 0
    assert not any(n.endswith(".parquet") for n in manifest.files)
    assert (out / "d" / "plots" / "redactions.png").is_file()


def test_task_labels_and_desktop_streams_become_episodes(
    engine: Engine, team: dict[str, Person], out: Path
) -> None:
    manifest = build_dataset(engine, out / "d", SPEC, key=KEY)
    root = out / "d"
    episodes = [
        row
        for name in manifest.files
        if name.startswith("episodes-")
        for row in pq.read_table(root / name).to_pylist()
    ]
    labelled = [e for e in episodes if e["task"] is not None]
    assert [(e["task"], e["outcome"], e["end_reason"]) for e in labelled] == [
        (TASK, "done", "task_end")
    ]
    assert labelled[0]["person"] == pseudonym("ana", KEY)
    desktop = [e for e in episodes if e["app"] == "code"]
    assert len(desktop) == 1 and desktop[0]["streams"] == ["desktop"]
    assert desktop[0]["n_steps"] == 12 and desktop[0]["person"] == pseudonym("ben", KEY)
    steps = [
        row
        for name in manifest.files
        if name.startswith("steps-")
        for row in pq.read_table(root / name).to_pylist()
    ]
    window = [s for s in steps if s["obs_kind"] == "window"]
    assert {s["action_repr"].split()[0] for s in window} == {"KEY", "CLICK"}
    assert all(s["obs_title"] == "notes.md - code" for s in window)


def test_chat_and_trajectory_exports_follow_the_steps(
    engine: Engine, team: dict[str, Person], out: Path
) -> None:
    manifest = build_dataset(engine, out / "d", SPEC, key=KEY)
    root = out / "d"
    for split, entry in manifest.splits.items():
        if not entry.steps:
            continue
        chat = [
            msgspec.json.decode(line)
            for line in (root / f"chat-{split}.jsonl").read_bytes().splitlines()
        ]
        steps = [
            row
            for name in sorted(manifest.files)
            if name.startswith(f"steps-{split}-")
            for row in pq.read_table(root / name).to_pylist()
        ]
        assert [c["messages"][2]["content"] for c in chat] == [s["action_repr"] for s in steps]
        assert {tuple(m["role"] for m in c["messages"]) for c in chat} == {
            ("system", "user", "assistant")
        }
        trajectories = (root / f"trajectories-{split}.jsonl").read_bytes().splitlines()
        assert len(trajectories) == entry.episodes
        first = msgspec.json.decode(trajectories[0])
        assert [s["action"]["repr"] for s in first["steps"]] == [
            s["action_repr"] for s in steps[: len(first["steps"])]
        ]
        snapshot_ids = {s["observation"]["snapshot"] for s in first["steps"]} - {None}
        assert snapshot_ids <= set(first["snapshots"])


def test_a_short_key_is_refused(engine: Engine, out: Path) -> None:
    with pytest.raises(KeyMissing):
        build_dataset(engine, out / "d", SPEC, key=b"short")
    assert not out.exists()


def test_an_existing_folder_is_never_overwritten(
    engine: Engine, team: dict[str, Person], out: Path
) -> None:
    (out / "d").mkdir(parents=True)
    with pytest.raises(OutputExists):
        build_dataset(engine, out / "d", SPEC, key=KEY)


def test_a_failed_build_leaves_nothing_behind(
    engine: Engine, team: dict[str, Person], out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = {"n": 0}
    original = _write.DatasetWriter.add

    def failing(self: _write.DatasetWriter, record: object) -> None:
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("disk on fire")
        original(self, record)  # type: ignore[arg-type]

    monkeypatch.setattr(_write.DatasetWriter, "add", failing)
    with pytest.raises(RuntimeError):
        build_dataset(engine, out / "d", SPEC, key=KEY)
    assert list(out.iterdir()) == []


def test_show_summarizes_and_detects_tampering(
    engine: Engine, team: dict[str, Person], out: Path
) -> None:
    manifest = build_dataset(engine, out / "d", SPEC, key=KEY)
    text = summarize(out / "d")
    assert manifest.version_id in text and "files match the manifest" in text
    assert "action=" in text
    shard = next(n for n in manifest.files if n.startswith("steps-"))
    with (out / "d" / shard).open("ab") as fh:
        fh.write(b"x")
    with pytest.raises(ManifestInvalid):
        summarize(out / "d")
    with pytest.raises(ManifestInvalid, match=r"no manifest\.json"):
        read_manifest(out)


def test_min_steps_and_held_out_sites(engine: Engine, team: dict[str, Person], out: Path) -> None:
    from workprint.dataset.splits import SplitSpec

    spec = dataclasses.replace(SPEC, min_steps=13, splits=SplitSpec(held_out_apps=("code",)))
    manifest = build_dataset(engine, out / "d", spec, key=KEY)
    # The desktop episode has 12 steps: too short here.
    assert manifest.counts["episodes_short"] >= 1
    assert "cross_site" in manifest.splits


def test_log_lines_hold_no_personal_data(
    engine: Engine, team: dict[str, Person], out: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    build_dataset(engine, out / "d", SPEC, key=KEY)
    logs = "\n".join(r.getMessage() for r in caplog.records)
    assert "dataset built version=" in logs and "dataset shard written" in logs
    for secret in (PLANTED, TASK, "notes.md", KEY.hex(), "127.0.0.1:8788"):
        assert secret not in logs


def test_reading_in_small_chunks_changes_nothing(
    engine: Engine, team: dict[str, Person], out: Path
) -> None:
    build_dataset(engine, out / "big", SPEC, key=KEY)
    build_dataset(engine, out / "small", SPEC, key=KEY, chunk=7, register=False)
    assert files_of(out / "small") == files_of(out / "big")
