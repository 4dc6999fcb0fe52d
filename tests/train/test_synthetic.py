"""The synthetic dataset is in the dataset format, split by person, and deterministic."""

from __future__ import annotations

from pathlib import Path

from tests.train.conftest import TINY_DATA
from workprint.dataset.manifest import verify
from workprint.train.data import examples, open_dataset, read_split
from workprint.train.synthetic import FAMILIES, write_synthetic


def test_it_is_a_valid_dataset_split_by_person(tiny_dataset: Path) -> None:
    manifest = verify(tiny_dataset)
    people = {name: set(entry.people) for name, entry in manifest.splits.items()}
    assert [len(people[s]) for s in ("train", "val", "test")] == [3, 1, 2]
    assert not (people["train"] & people["test"]) and not (people["train"] & people["val"])
    ref = open_dataset(tiny_dataset)
    for split, entry in manifest.splits.items():
        rows = read_split(ref, split)
        assert len(rows) == entry.steps > 0
        assert {r.person for r in rows} == people[split]


def test_steps_are_consistent(tiny_dataset: Path) -> None:
    rows = read_split(open_dataset(tiny_dataset), "train")
    for ex in examples(rows):
        step = ex.step
        assert 20 <= len(step.obs_elements) <= 60
        assert [e.eid for e in step.obs_elements] == list(range(len(step.obs_elements)))
        assert len(ex.history) == step.step_index == len(step.previous_actions)
        if step.target_eid is not None:
            target = step.obs_elements[step.target_eid]
            assert step.target is not None and step.target.selector == target.selector
            assert step.action_repr.startswith(f"{step.op} [{step.target_eid}]")
        if step.op == "SELECT":
            assert step.value in (step.obs_elements[step.target_eid or 0].options or [])
        assert step.task


def test_same_seed_same_bytes(tmp_path: Path, tiny_dataset: Path) -> None:
    again = write_synthetic(tmp_path / "again", TINY_DATA)
    assert again.version_id == verify(tiny_dataset).version_id


def test_every_family_appears_in_a_default_sized_run(tmp_path: Path) -> None:
    from workprint.train.synthetic import SyntheticSpec

    manifest = write_synthetic(
        tmp_path / "d", SyntheticSpec(people=8, episodes_per_person=12, test_people=2, val_people=1)
    )
    tasks = {r.task for r in read_split(open_dataset(tmp_path / "d"), "train")}
    verbs = {t.split()[0] for t in tasks if t}
    assert len(verbs) >= len(FAMILIES)
    assert manifest.counts["steps"] > 100


def test_held_out_families_form_a_cross_task_split(tmp_path: Path) -> None:
    import dataclasses

    spec = dataclasses.replace(TINY_DATA, episodes_per_person=8, held_out_families=("move_deal",))
    manifest = write_synthetic(tmp_path / "x", spec)
    ref = open_dataset(tmp_path / "x")
    cross = read_split(ref, "cross_task")
    assert cross and all(r.task and r.task.startswith(("Move", "Set")) for r in cross)
    assert not set(manifest.splits["cross_task"].people) & set(manifest.splits["train"].people)
    train = read_split(ref, "train")
    assert not any(r.task and r.task.startswith(("Move deal", "Set the stage")) for r in train)
