"""Training at tiny size: deterministic, resumable to the same weights, well-stamped files."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import torch

from tests.train.conftest import TINY_DATA, TINY_MODEL, TINY_TRAIN
from workprint.train import checkpoint as ckpt
from workprint.train.data import open_dataset, read_episodes, read_split, read_training
from workprint.train.errors import CheckpointInvalid, DeviceUnavailable, OutputNotEmpty
from workprint.train.loop import resolve_device, train


def _weights(folder: Path, name: str = ckpt.MODEL) -> dict[str, torch.Tensor]:
    state: dict[str, torch.Tensor] = ckpt.read(folder / name)["model"]
    return state


def _same(a: dict[str, torch.Tensor], b: dict[str, torch.Tensor]) -> bool:
    return a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)


@pytest.fixture(scope="module")
def trained(tiny_dataset: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("model") / "m"
    train(tiny_dataset, out, train_config=TINY_TRAIN, model_config=TINY_MODEL)
    return out


def test_same_seed_same_weights(tiny_dataset: Path, trained: Path, tmp_path: Path) -> None:
    result = train(
        tiny_dataset, tmp_path / "again", train_config=TINY_TRAIN, model_config=TINY_MODEL
    )
    assert result.steps == TINY_TRAIN.steps
    assert _same(_weights(trained), _weights(tmp_path / "again"))
    other = dataclasses.replace(TINY_TRAIN, seed=TINY_TRAIN.seed + 1)
    train(tiny_dataset, tmp_path / "other", train_config=other, model_config=TINY_MODEL)
    assert not _same(_weights(trained), _weights(tmp_path / "other"))


def test_resume_ends_where_an_uninterrupted_run_ends(
    tiny_dataset: Path, trained: Path, tmp_path: Path
) -> None:
    out = tmp_path / "resumed"
    first = train(tiny_dataset, out, train_config=TINY_TRAIN, model_config=TINY_MODEL, stop_at=4)
    assert first.steps == 4
    assert not (out / ckpt.MODEL).exists()
    assert ckpt.read(out / ckpt.CHECKPOINT)["step"] == 4
    second = train(tiny_dataset, out, train_config=TINY_TRAIN, model_config=TINY_MODEL, resume=True)
    assert second.steps == TINY_TRAIN.steps
    assert _same(_weights(trained), _weights(out))


def test_checkpoint_records_dataset_and_settings(tiny_dataset: Path, trained: Path) -> None:
    payload = ckpt.read(trained / ckpt.CHECKPOINT)
    ref = open_dataset(tiny_dataset)
    assert payload["step"] == TINY_TRAIN.steps
    assert payload["dataset"]["version_id"] == ref.version_id
    assert payload["dataset"]["manifest_sha256"] == ref.manifest_sha256
    assert payload["dataset"]["people"] == ref.manifest.splits["train"].people
    assert payload["model_config"] == dataclasses.asdict(TINY_MODEL)
    assert payload["train_config"] == dataclasses.asdict(TINY_TRAIN)
    assert {"model", "optimizer", "rng", "values"} <= payload.keys()
    model_cfg, train_cfg, stamp = ckpt.configs(payload)
    assert (model_cfg, train_cfg, stamp.version_id) == (TINY_MODEL, TINY_TRAIN, ref.version_id)
    loaded = ckpt.load_trained(trained)
    assert loaded.step == TINY_TRAIN.steps and not loaded.model.training


def test_an_existing_model_is_not_overwritten(tiny_dataset: Path, trained: Path) -> None:
    with pytest.raises(OutputNotEmpty):
        train(tiny_dataset, trained, train_config=TINY_TRAIN, model_config=TINY_MODEL)


def test_resume_refuses_other_settings(tiny_dataset: Path, tmp_path: Path) -> None:
    out = tmp_path / "m"
    train(tiny_dataset, out, train_config=TINY_TRAIN, model_config=TINY_MODEL, stop_at=2)
    other = dataclasses.replace(TINY_MODEL, dim=32)
    with pytest.raises(CheckpointInvalid):
        train(tiny_dataset, out, train_config=TINY_TRAIN, model_config=other, resume=True)
    with pytest.raises(CheckpointInvalid):
        train(tiny_dataset, tmp_path / "none", train_config=TINY_TRAIN, resume=True)


def test_a_broken_model_file_is_reported(tmp_path: Path) -> None:
    (tmp_path / ckpt.MODEL).write_bytes(b"not a model")
    with pytest.raises(CheckpointInvalid):
        ckpt.load_trained(tmp_path)
    with pytest.raises(CheckpointInvalid):
        ckpt.load_trained(tmp_path / "missing")


@pytest.mark.skipif(torch.cuda.is_available(), reason="checks the error without CUDA")
def test_cuda_without_a_device_is_an_error() -> None:
    with pytest.raises(DeviceUnavailable):
        resolve_device("cuda")
    assert resolve_device("auto").type == "cpu"


@pytest.mark.gpu
def test_training_on_cuda(tiny_dataset: Path, tmp_path: Path) -> None:
    if not torch.cuda.is_available():
        pytest.skip("no CUDA device")
    cfg = dataclasses.replace(TINY_TRAIN, device="cuda")
    result = train(tiny_dataset, tmp_path / "gpu", train_config=cfg, model_config=TINY_MODEL)
    assert result.device == "cuda"
    assert ckpt.load_trained(tmp_path / "gpu").step == cfg.steps


def test_a_warm_start_begins_from_a_models_weights_and_joins_its_lineage(
    trained: Path, tmp_path: Path
) -> None:
    from workprint.train.card import lineage
    from workprint.train.errors import TrainConfigInvalid
    from workprint.train.synthetic import write_synthetic

    other = tmp_path / "other-data"
    write_synthetic(other, dataclasses.replace(TINY_DATA, seed=11))
    out = tmp_path / "warm"
    one_step = dataclasses.replace(TINY_TRAIN, steps=1, warmup_steps=0)
    train(other, out, train_config=one_step, model_config=TINY_MODEL, init_from=trained)
    warm = ckpt.load_trained(out)
    base = ckpt.load_trained(trained)
    assert warm.init == base.dataset and warm.dataset.version_id != base.dataset.version_id
    # One small step from the base: the weights are near it, not a fresh initialisation.
    moved = max(float((a - _weights(trained)[k]).abs().max()) for k, a in _weights(out).items())
    assert moved < 0.05
    doc = lineage(out, warm)
    assert set(base.dataset.people) <= set(doc["people"])
    assert set(warm.dataset.people) <= set(doc["people"])
    assert doc["warm_start"]["version_id"] == base.dataset.version_id
    wider = dataclasses.replace(TINY_MODEL, dim=32)
    with pytest.raises(TrainConfigInvalid):
        train(other, tmp_path / "no", train_config=one_step, model_config=wider, init_from=trained)


def test_an_example_is_predicted_alike_alone_and_in_any_batch(
    tiny_dataset: Path, trained: Path
) -> None:
    """The agent predicts one step at a time; evaluation and training go in batches padded to
    their longest member. Nothing of an example's encoding may depend on the others."""
    from workprint.train.data import examples, open_dataset, read_split
    from workprint.train.features import Featurizer, collate
    from workprint.train.predict import predict

    model = ckpt.load_trained(trained)
    items = examples(read_split(open_dataset(tiny_dataset), "test"))[:40]
    assert len({len(x.history) for x in items}) > 2, "histories of several lengths"
    together = predict(model, items)
    alone = [predict(model, [x])[0] for x in items]
    assert alone == together
    featurizer = Featurizer(model.model_config, model.values)
    feats = featurizer.featurize(items)
    model.model.eval()
    with torch.no_grad():
        batch = model.model.encode(collate(feats)).element_logits
        for i, f in enumerate(feats):
            one = model.model.encode(collate([f])).element_logits[0]
            n = one.shape[0]
            assert torch.allclose(batch[i, :n], one, atol=1e-4), i


def test_abandoned_tasks_are_not_learnt_from(tiny_dataset: Path, tmp_path: Path) -> None:
    root = tmp_path / "data"
    shutil.copytree(tiny_dataset, root)
    name = next(p for p in root.glob("episodes-train-*.parquet"))
    table = pq.read_table(name)
    outcomes = table.column("outcome").to_pylist()
    outcomes[0] = "abandoned"
    pq.write_table(
        table.set_column(
            table.schema.get_field_index("outcome"), "outcome", pa.array(outcomes, pa.string())
        ),
        name,
    )
    ref = open_dataset(root, check=False)
    gone = read_episodes(ref, "train")[0].episode_id
    every = read_split(ref, "train")
    kept = read_training(ref, "train", ("abandoned", "failed"))
    assert any(r.episode_id == gone for r in every)
    assert [r for r in every if r.episode_id != gone] == kept
    assert read_training(ref, "train") == every  # nothing skipped when told so
