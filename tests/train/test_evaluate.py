"""Evaluation writes the metric table, the report with its plots, the card and the lineage."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.train.conftest import TINY_MODEL, TINY_TRAIN
from workprint.train.card import write_card
from workprint.train.checkpoint import load_trained
from workprint.train.data import open_dataset
from workprint.train.errors import DatasetUnusable
from workprint.train.evaluate import evaluate
from workprint.train.loop import train
from workprint.train.metrics import METRICS
from workprint.train.report import write_report

BASELINES = {"most_frequent", "markov", "nearest_neighbour"}


@pytest.fixture(scope="module")
def model_dir(tiny_dataset: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("eval") / "model"
    train(tiny_dataset, out, train_config=TINY_TRAIN, model_config=TINY_MODEL)
    return out


def _check_table(table: dict[str, dict[str, float | None]]) -> None:
    assert set(table) == set(METRICS)
    for iv in table.values():
        assert set(iv) == {"value", "low", "high"}
        assert iv["value"] is not None and iv["low"] is not None and iv["high"] is not None
        assert 0.0 <= iv["low"] <= iv["value"] <= iv["high"] <= 1.0


def test_metrics_report_card_and_lineage(tiny_dataset: Path, model_dir: Path) -> None:
    ev = evaluate(tiny_dataset, model_dir, resamples=50)
    doc = write_report(model_dir, ev)
    on_disk = json.loads((model_dir / "metrics.json").read_text())
    assert on_disk == json.loads(json.dumps(doc))
    _check_table(doc["model"])
    assert set(doc["baselines"]) == BASELINES
    for table in doc["baselines"].values():
        _check_table(table)
    ref = open_dataset(tiny_dataset)
    assert doc["people"] == len(ref.manifest.splits["test"].people)
    assert doc["steps"] == ref.manifest.splits["test"].steps
    assert doc["dataset"]["version_id"] == ref.version_id
    html = (model_dir / "report.html").read_text()
    for png in ("metrics.png", "families.png", "confusion.png"):
        assert (model_dir / png).read_bytes().startswith(b"\x89PNG")
        assert f'src="{png}"' in html
    assert "nearest_neighbour" in html and "<style>" in html

    card, lineage = write_card(model_dir, load_trained(model_dir), doc, tiny_dataset)
    text = card.read_text()
    for needle in (
        ref.version_id,
        ref.manifest_sha256,
        "Out-of-scope",
        "productivity",
        "emotions",
        "datasheet.md",
        "lineage.json",
        "step success",
    ):
        assert needle in text, needle
    people = json.loads(lineage.read_text())["people"]
    assert people == ref.manifest.splits["train"].people
    assert not set(people) & set(ref.manifest.splits["test"].people)


def test_evaluation_is_repeatable(tiny_dataset: Path, model_dir: Path) -> None:
    first = evaluate(tiny_dataset, model_dir, resamples=30, seed=4)
    second = evaluate(tiny_dataset, model_dir, resamples=30, seed=4)
    assert first.main.model is not None and second.main.model is not None
    assert first.main.model.table == second.main.model.table
    assert [b.table for b in first.main.baselines] == [b.table for b in second.main.baselines]


def test_baselines_alone(tiny_dataset: Path, tmp_path: Path) -> None:
    ev = evaluate(tiny_dataset, None, resamples=20)
    doc = write_report(tmp_path, ev)
    assert "model" not in doc and set(doc["baselines"]) == BASELINES
    assert not (tmp_path / "confusion.png").exists()


def test_a_split_without_people_is_an_error(tiny_dataset: Path, model_dir: Path) -> None:
    with pytest.raises(DatasetUnusable):
        evaluate(tiny_dataset, model_dir, split="nobody", resamples=10)


def test_a_cross_task_split_is_evaluated_too(model_dir: Path, tmp_path: Path) -> None:
    import dataclasses

    from tests.train.conftest import TINY_DATA
    from workprint.train.synthetic import write_synthetic

    spec = dataclasses.replace(TINY_DATA, held_out_families=("add_note", "update_phone"))
    write_synthetic(tmp_path / "data", spec)
    doc = write_report(tmp_path / "out", evaluate(tmp_path / "data", model_dir, resamples=10))
    cross = doc["splits"]["cross_task"]
    assert cross["steps"] > 0 and set(cross["baselines"]) == BASELINES
    _check_table(cross["model"])
    assert "Held-out task families" in (tmp_path / "out" / "report.html").read_text()
    assert (tmp_path / "out" / "cross_task-metrics.png").is_file()
