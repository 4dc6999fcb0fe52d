"""Training settings: one frozen dataclass, read from the ``[train]`` table of a TOML file.

```toml
[train]
steps = 1000
batch_size = 32
lr = 0.003

[model]
dim = 64
text_encoder = "hashed"
```

The ``[model]`` table fills :class:`workprint.train.model.ModelConfig`. Values resolve at the
edge (the CLI): a flag, then ``WORKPRINT_TRAIN__<KEY>`` / ``WORKPRINT_MODEL__<KEY>``, then the
file, then the default. The schedule is a pure function of the step (:func:`lr_at`), and so
is the order of the training data (:func:`batch_indices`), so a resumed run sees exactly
what an uninterrupted one would.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from workprint.core.config import load_section, read_toml
from workprint.train.errors import TrainConfigInvalid
from workprint.train.model import ModelConfig

Device = Literal["cpu", "cuda", "auto"]


@dataclass(frozen=True, slots=True)
class TrainConfig:
    """How a model is trained (the ``[train]`` table)."""

    steps: int = 1000
    """Optimizer steps in all."""
    batch_size: int = 32
    """Steps of the dataset per optimizer step."""
    lr: float = 3e-3
    """Peak learning rate (AdamW)."""
    min_lr: float = 1e-4
    """Learning rate at the end of the cosine decay."""
    warmup_steps: int = 50
    """Linear warm-up from 0 to ``lr``."""
    weight_decay: float = 0.01
    """AdamW weight decay on matrices (not on biases, norms or embeddings)."""
    grad_clip: float = 1.0
    """Largest gradient norm (0: no clipping)."""
    seed: int = 0
    """Seed of the initial weights, dropout and data order."""
    checkpoint_every: int = 250
    """Optimizer steps between checkpoints (one is always written at the end)."""
    device: Device = "cpu"
    """``cpu``, ``cuda``, or ``auto`` (CUDA when available)."""
    threads: int = 0
    """CPU threads for PyTorch (0: PyTorch's default)."""
    train_split: str = "train"
    """Split trained on."""
    skip_outcomes: tuple[str, ...] = ("abandoned", "failed")
    """Episodes whose task ended so are left out of training (the model's and the
    baselines' alike): a policy that imitates them learns to give up. Episodes without a
    task outcome are kept. Evaluation still scores every held-out step."""
    eval_split: str = "test"
    """Split of held-out people evaluated on after training."""
    bootstrap: int = 1000
    """Bootstrap resamples of people for the confidence intervals."""

    def __post_init__(self) -> None:
        # TOML and the environment give a list; a checkpoint compares settings as written.
        object.__setattr__(self, "skip_outcomes", tuple(self.skip_outcomes))
        for name in ("steps", "batch_size", "checkpoint_every", "bootstrap"):
            if getattr(self, name) < 1:
                raise TrainConfigInvalid(f"train.{name} must be at least 1")
        if not 0 < self.lr < 1 or not 0 <= self.min_lr <= self.lr:
            raise TrainConfigInvalid("train.lr must be in (0, 1) and train.min_lr in [0, lr]")
        if self.warmup_steps < 0 or self.weight_decay < 0 or self.grad_clip < 0:
            raise TrainConfigInvalid(
                "train.warmup_steps, weight_decay and grad_clip must not be negative"
            )
        if self.threads < 0:
            raise TrainConfigInvalid("train.threads must not be negative")


def load_config(
    path: Path | None,
    *,
    overrides: Mapping[str, Any] | None = None,
    env: Mapping[str, str] | None = None,
) -> tuple[TrainConfig, ModelConfig]:
    """The train and model settings from a TOML file (None: defaults), the environment
    (``env``; None reads the process environment) and ``overrides`` (CLI flags)."""
    toml = read_toml(path)
    unknown = sorted(set(toml) - {"train", "model"})
    if unknown:
        raise TrainConfigInvalid(f"unknown table [{unknown[0]}] in the train config")
    train = load_section(TrainConfig, "train", toml=toml, env=env, overrides=overrides)
    model = load_section(ModelConfig, "model", toml=toml, env=env)
    return train, model


def lr_at(step: int, cfg: TrainConfig) -> float:
    """The learning rate of optimizer step ``step`` (0-based): linear warm-up, then cosine
    decay from ``lr`` to ``min_lr`` at ``steps``."""
    if cfg.warmup_steps and step < cfg.warmup_steps:
        return cfg.lr * (step + 1) / cfg.warmup_steps
    span = max(1, cfg.steps - cfg.warmup_steps)
    progress = min(1.0, (step - cfg.warmup_steps) / span)
    return cfg.min_lr + 0.5 * (1.0 + math.cos(math.pi * progress)) * (cfg.lr - cfg.min_lr)


def batch_indices(n: int, batch_size: int, seed: int, step: int) -> list[int]:
    """The examples of optimizer step ``step``: epochs of a seeded shuffle of ``range(n)``,
    cut into full batches (the last partial batch of an epoch is left out)."""
    if n < 1:
        return []
    size = min(batch_size, n)
    per_epoch = n // size
    epoch, position = divmod(step, per_epoch)
    order = list(range(n))
    random.Random(f"{seed}/{epoch}").shuffle(order)
    return order[position * size : (position + 1) * size]
