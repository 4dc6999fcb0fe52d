"""``workprint train`` and ``workprint eval`` end to end at tiny size, and their failures."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from workprint.train._cli import app

CONFIG = """
[train]
steps = 4
batch_size = 8
warmup_steps = 1
checkpoint_every = 2
bootstrap = 20

[model]
buckets = 512
dim = 16
heads = 2
context_layers = 1
element_layers = 1
value_vocab = 8
"""


def test_train_then_eval(tiny_dataset: Path, tmp_path: Path) -> None:
    config = tmp_path / "train.toml"
    config.write_text(CONFIG)
    model = tmp_path / "model"
    runner = CliRunner()
    result = runner.invoke(
        app,
        [
            "train",
            "--dataset",
            str(tiny_dataset),
            "--out",
            str(model),
            "--config",
            str(config),
            "--seed",
            "1",
            "--device",
            "cpu",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "markov" in result.output
    for name in (
        "model.pt",
        "checkpoint.pt",
        "metrics.json",
        "report.html",
        "MODEL_CARD.md",
        "lineage.json",
    ):
        assert (model / name).is_file(), name
    again = runner.invoke(
        app,
        ["train", "--dataset", str(tiny_dataset), "--out", str(model), "--config", str(config)],
    )
    assert again.exit_code == 1
    assert "--resume" in again.output
    report = tmp_path / "eval"
    result = runner.invoke(
        app, ["eval", "--model", str(model), "--dataset", str(tiny_dataset), "--out", str(report)]
    )
    assert result.exit_code == 0, result.output
    doc = json.loads((report / "metrics.json").read_text())
    assert doc["split"] == "test" and "model" in doc


def test_failures_are_one_line(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(
        app, ["train", "--dataset", str(tmp_path / "missing"), "--out", str(tmp_path / "m")]
    )
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ")
    bad = runner.invoke(
        app,
        [
            "eval",
            "--model",
            str(tmp_path),
            "--dataset",
            str(tmp_path),
            "--out",
            str(tmp_path / "o"),
            "--device",
            "tpu",
        ],
    )
    assert bad.exit_code != 0


def test_the_package_and_its_commands_load_without_torch() -> None:
    import subprocess
    import sys

    code = (
        "import sys, workprint.train, workprint.train._cli, workprint.train.data, "
        "workprint.train.metrics; print('torch' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
