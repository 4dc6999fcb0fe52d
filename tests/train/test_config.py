"""Settings, the learning-rate schedule and the data order are pure functions."""

from __future__ import annotations

from pathlib import Path

import pytest

from workprint.core.errors import ConfigError
from workprint.train.config import TrainConfig, batch_indices, load_config, lr_at
from workprint.train.errors import TrainConfigInvalid

CFG = TrainConfig(steps=110, lr=1e-2, min_lr=1e-3, warmup_steps=10)


@pytest.mark.parametrize(
    ("step", "lr"),
    [(0, 1e-3), (4, 5e-3), (9, 1e-2), (10, 1e-2), (60, 5.5e-3), (110, 1e-3), (500, 1e-3)],
    ids=["first", "warming", "warm", "peak", "half-decay", "end", "past-end"],
)
def test_schedule(step: int, lr: float) -> None:
    assert lr_at(step, CFG) == pytest.approx(lr)


def test_schedule_without_warmup_starts_at_peak() -> None:
    assert lr_at(0, TrainConfig(warmup_steps=0, lr=1e-3)) == pytest.approx(1e-3)


def test_batches_are_a_function_of_the_step() -> None:
    first = [batch_indices(10, 3, seed=1, step=s) for s in range(3)]
    assert first == [batch_indices(10, 3, seed=1, step=s) for s in range(3)]
    seen = sorted(i for b in first for i in b)
    assert len(seen) == len(set(seen)) == 9  # one epoch: no example twice
    assert batch_indices(10, 3, seed=1, step=3) != first[0]  # a new epoch, a new shuffle
    assert batch_indices(10, 3, seed=2, step=0) != first[0]
    assert batch_indices(2, 8, seed=0, step=5) in ([0, 1], [1, 0])
    assert batch_indices(0, 8, seed=0, step=0) == []


def test_config_file_and_overrides(tmp_path: Path) -> None:
    path = tmp_path / "train.toml"
    path.write_text('[train]\nsteps = 7\nseed = 3\n[model]\ndim = 32\ntext_encoder = "hashed"\n')
    train, model = load_config(path, overrides={"seed": 9}, env={})
    assert (train.steps, train.seed, model.dim) == (7, 9, 32)
    env = {"WORKPRINT_TRAIN__BATCH_SIZE": "4"}
    assert load_config(path, env=env)[0].batch_size == 4


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("[train]\nstepz = 1\n", ConfigError),
        ("[trian]\nsteps = 1\n", TrainConfigInvalid),
        ("[train]\nsteps = 0\n", TrainConfigInvalid),
        ("[train]\nlr = 2.0\n", TrainConfigInvalid),
        ('[train]\ndevice = "tpu"\n', ConfigError),
        ("[model]\ndim = 30\nheads = 4\n", ConfigError),
    ],
    ids=["unknown-key", "unknown-table", "no-steps", "lr-too-big", "bad-device", "dim-heads"],
)
def test_bad_config(tmp_path: Path, text: str, error: type[Exception]) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(error):
        load_config(path, env={})
