"""Training: :func:`train` fits a next-action model on a dataset's training people.

Deterministic from the seed: the initial weights and dropout come from ``torch.manual_seed``,
the data order from :func:`~workprint.train.config.batch_indices` and the learning rate from
:func:`~workprint.train.config.lr_at`, both pure functions of the step, and PyTorch is asked
for deterministic algorithms. A checkpoint (weights, optimizer, step, random state) is
written every ``checkpoint_every`` steps; ``resume=True`` continues from it and ends with
the same weights as a run that was never interrupted. CPU by default; ``device="auto"``
takes CUDA when there is one.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from workprint.train import checkpoint as ckpt
from workprint.train.config import TrainConfig, batch_indices, lr_at
from workprint.train.data import (
    examples,
    open_dataset,
    read_training,
    value_operations,
    value_vocabulary,
)
from workprint.train.errors import (
    CheckpointInvalid,
    DatasetUnusable,
    DeviceUnavailable,
    OutputNotEmpty,
    TrainConfigInvalid,
)
from workprint.train.features import Featurizer, collate
from workprint.train.fields import field_profiles
from workprint.train.model import ModelConfig, NextActionModel
from workprint.train.pretrained import Encode, SentenceVectors, minilm

log = logging.getLogger(__name__)
_RUNTIME_ONLY = ("device", "threads", "checkpoint_every", "bootstrap", "eval_split")
"""Settings that do not change what is learned (they may differ on resume)."""


@dataclass(frozen=True, slots=True)
class TrainResult:
    """What a training run did."""

    folder: Path
    steps: int
    """Optimizer steps the model has had in all."""
    seconds: float
    """Wall time of this run (not of earlier runs that a resume continued)."""
    last_loss: float
    dataset: ckpt.DatasetStamp
    device: str
    loop_seconds: float = 0.0
    """Wall time of the optimizer steps alone (checkpoints included; reading the dataset,
    featurizing and building the model left out): steps / loop_seconds is the speed that
    a device changes."""


def resolve_device(name: str) -> torch.device:
    """``cpu``, ``cuda`` or ``auto`` as a device; :class:`DeviceUnavailable` for ``cuda``
    without one."""
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if name == "cuda" and not torch.cuda.is_available():
        raise DeviceUnavailable("--device cuda was asked for, but PyTorch sees no CUDA device")
    return torch.device(name)


def seed_everything(seed: int) -> None:
    """Seed PyTorch and ask for deterministic algorithms (warning, not failing, on CUDA
    operations that have none)."""
    torch.manual_seed(seed)
    torch.use_deterministic_algorithms(True, warn_only=torch.cuda.is_available())


def _optimizer(model: NextActionModel, cfg: TrainConfig) -> torch.optim.AdamW:
    decay: list[torch.nn.Parameter] = []
    plain: list[torch.nn.Parameter] = []
    for name, param in model.named_parameters():
        is_matrix = param.dim() >= 2 and "bag" not in name and "embedding" not in name
        (decay if is_matrix else plain).append(param)
    groups = [
        {"params": decay, "weight_decay": cfg.weight_decay},
        {"params": plain, "weight_decay": 0.0},
    ]
    return torch.optim.AdamW(groups, lr=cfg.lr, betas=(0.9, 0.98), foreach=True)


@contextlib.contextmanager
def _progress(enabled: bool, total: int, done: int) -> Iterator[Progress | None]:
    if not enabled:
        yield None
        return
    bar = Progress(
        TextColumn("training"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total} steps  loss {task.fields[loss]}"),
        TimeElapsedColumn(),
    )
    with bar:
        bar.add_task("train", total=total, completed=done, loss="-")
        yield bar


def vectors_for(cfg: ModelConfig, encoder: Encode | None) -> SentenceVectors | None:
    """Sentence vectors when the model reads them (the packaged encoder unless given)."""
    if cfg.text_encoder != "minilm":
        return None
    return SentenceVectors(encoder or minilm(), cfg.pretrained_dim)


def train(
    dataset: Path | str,
    out: Path | str,
    *,
    train_config: TrainConfig | None = None,
    model_config: ModelConfig | None = None,
    resume: bool = False,
    progress: bool = False,
    stop_at: int | None = None,
    encoder: Encode | None = None,
    init_from: Path | str | None = None,
) -> TrainResult:
    """Train on the dataset's ``train_split`` into ``out`` (``model.pt``, ``checkpoint.pt``).

    ``stop_at`` ends the run after that many optimizer steps in all, leaving a checkpoint
    (as an interruption would); ``resume`` then continues it. ``encoder`` replaces the
    packaged sentence encoder (tests). ``init_from`` is a model folder whose weights the
    training starts from (a warm start: same model settings); its data joins this model's
    lineage.
    """
    tcfg = train_config or TrainConfig()
    mcfg = model_config or ModelConfig()
    folder = Path(out)
    started = time.perf_counter()
    ref = open_dataset(dataset)
    rows = read_training(ref, tcfg.train_split, tcfg.skip_outcomes)
    if not rows:
        raise DatasetUnusable(
            f"split {tcfg.train_split!r} has no steps to train on", version=ref.version_id
        )
    entry = ref.manifest.splits.get(tcfg.train_split)
    stamp = ckpt.DatasetStamp(
        name=ref.manifest.name,
        version_id=ref.version_id,
        manifest_sha256=ref.manifest_sha256,
        train_split=tcfg.train_split,
        people=tuple(entry.people)
        if entry is not None
        else tuple(sorted({r.person for r in rows})),
    )
    resumed = _resume_state(folder, resume, tcfg, mcfg, stamp)
    device = resolve_device(tcfg.device)
    if tcfg.threads:
        torch.set_num_threads(tcfg.threads)
    seed_everything(tcfg.seed)
    items = examples(rows)
    values = value_vocabulary(items, mcfg.value_vocab)
    value_ops = value_operations(items, values)
    fields = field_profiles(items)
    if resumed is not None and tuple(resumed["values"]) != values:
        raise CheckpointInvalid("the checkpoint's value vocabulary differs from this dataset's")
    vectors = vectors_for(mcfg, encoder)
    features = Featurizer(mcfg, values, vectors).featurize(items, training=True)
    table = vectors.table().to(device) if vectors is not None else None
    model = NextActionModel(mcfg).to(device)
    init: ckpt.DatasetStamp | None = None
    if init_from is not None:
        base = ckpt.load_trained(init_from)
        if base.model_config != mcfg:
            raise TrainConfigInvalid("a warm start needs the same model settings as its model")
        model.load_state_dict(base.model.state_dict())
        init = base.dataset
    optimizer = _optimizer(model, tcfg)
    step = 0
    if resumed is not None:
        model.load_state_dict(resumed["model"])
        init = ckpt.init_of(resumed)
        optimizer.load_state_dict(resumed["optimizer"])
        torch.set_rng_state(resumed["rng"])
        if "cuda_rng" in resumed and torch.cuda.is_available():
            torch.cuda.set_rng_state_all(resumed["cuda_rng"])
        step = int(resumed["step"])
    folder.mkdir(parents=True, exist_ok=True)
    end = tcfg.steps if stop_at is None else min(tcfg.steps, stop_at)
    loss_value = float("nan")
    model.train()
    loop_started = time.perf_counter()
    with _progress(progress, tcfg.steps, step) as bar:
        while step < end:
            lr = lr_at(step, tcfg)
            for group in optimizer.param_groups:
                group["lr"] = lr
            idx = batch_indices(len(features), tcfg.batch_size, tcfg.seed, step)
            batch = collate([features[i] for i in idx], table).to(device)
            loss, _parts = model.loss(batch)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()  # type: ignore[no-untyped-call]
            if tcfg.grad_clip:
                torch.nn.utils.clip_grad_norm_(model.parameters(), tcfg.grad_clip)
            optimizer.step()
            step += 1
            loss_value = float(loss.detach())
            if bar is not None:
                bar.update(bar.task_ids[0], completed=step, loss=f"{loss_value:.3f}")
            if step % tcfg.checkpoint_every == 0 or step == end:
                ckpt.save_checkpoint(
                    folder,
                    model=model,
                    optimizer=optimizer,
                    step=step,
                    train_config=tcfg,
                    values=values,
                    dataset=stamp,
                    value_ops=value_ops,
                    init=init,
                    fields=fields,
                )
    if device.type == "cuda":
        torch.cuda.synchronize()
    loop_seconds = time.perf_counter() - loop_started
    if step >= tcfg.steps:
        ckpt.save_model(
            folder,
            model=model,
            step=step,
            train_config=tcfg,
            values=values,
            dataset=stamp,
            value_ops=value_ops,
            init=init,
            fields=fields,
        )
    seconds = time.perf_counter() - started
    log.info(
        "training run ended steps=%d of=%d seconds=%.1f loop_seconds=%.1f loss=%.4f device=%s",
        step,
        tcfg.steps,
        seconds,
        loop_seconds,
        loss_value,
        device.type,
    )
    return TrainResult(folder, step, seconds, loss_value, stamp, device.type, loop_seconds)


def _comparable(cfg: TrainConfig) -> dict[str, object]:
    data = dataclasses.asdict(cfg)
    for key in _RUNTIME_ONLY:
        data.pop(key, None)
    return data


def _resume_state(
    folder: Path,
    resume: bool,
    tcfg: TrainConfig,
    mcfg: ModelConfig,
    stamp: ckpt.DatasetStamp,
) -> dict[str, Any] | None:
    path = folder / ckpt.CHECKPOINT
    if not resume:
        if (folder / ckpt.MODEL).exists() or path.exists():
            raise OutputNotEmpty(f"{folder} already holds a model; use --resume or a new folder")
        return None
    if not path.exists():
        raise CheckpointInvalid(f"{folder} has no {ckpt.CHECKPOINT} to resume from")
    payload = ckpt.read(path)
    model_cfg, train_cfg, old = ckpt.configs(payload)
    if old.version_id != stamp.version_id or old.manifest_sha256 != stamp.manifest_sha256:
        raise CheckpointInvalid(
            "the checkpoint was trained on another dataset version",
            checkpoint_version=old.version_id,
            dataset_version=stamp.version_id,
        )
    if model_cfg != mcfg or _comparable(train_cfg) != _comparable(tcfg):
        raise CheckpointInvalid("the checkpoint was trained with other settings; use the same")
    return payload
