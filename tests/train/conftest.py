"""Fixtures of the training tests: a tiny synthetic dataset and tiny model settings."""

from __future__ import annotations

from pathlib import Path

import pytest

from workprint.train.config import TrainConfig
from workprint.train.model import ModelConfig
from workprint.train.synthetic import SyntheticSpec, write_synthetic

TINY_DATA = SyntheticSpec(people=6, episodes_per_person=4, test_people=2, val_people=1, seed=3)
TINY_MODEL = ModelConfig(
    buckets=512,
    dim=16,
    heads=2,
    context_layers=1,
    element_layers=1,
    max_elements=64,
    value_vocab=8,
)
TINY_TRAIN = TrainConfig(steps=6, batch_size=8, warmup_steps=2, checkpoint_every=3, bootstrap=50)


@pytest.fixture(scope="package")
def tiny_dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("data") / "synthetic"
    write_synthetic(root, TINY_DATA)
    return root
