"""Evaluation on held-out people: the model and every baseline, the same steps, one table.

:func:`evaluate` reads the dataset's training split (to fit the baselines) and its held-out
split (``test`` unless told), predicts every step with the model and each baseline, and
scores them with :mod:`workprint.train.metrics`, intervals bootstrapped over people. When
the dataset has a ``cross_site`` split (episodes on held-out sites, people outside
``train``) or a ``cross_task`` split (task families never trained on), it is evaluated
too. :func:`to_json` gives ``metrics.json``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import torch

from workprint.train.baselines import all_baselines
from workprint.train.checkpoint import Trained, load_trained
from workprint.train.config import TrainConfig
from workprint.train.data import (
    DatasetRef,
    Example,
    examples,
    open_dataset,
    read_split,
    read_training,
)
from workprint.train.errors import DatasetUnusable
from workprint.train.loop import resolve_device, vectors_for
from workprint.train.metrics import (
    METRICS,
    Act,
    Interval,
    Outcome,
    breakdown,
    confusion,
    metric_table,
    outcome,
    task_family,
)
from workprint.train.predict import predict
from workprint.train.pretrained import Encode

log = logging.getLogger(__name__)
EXTRA_SPLITS: Final = ("cross_site", "cross_task")
"""Held-out splits evaluated besides the main one when a dataset has them."""
LEVEL: Final = 0.95
Predictor = Callable[[Sequence[Example]], list[Act]]


@dataclass(frozen=True, slots=True)
class SystemResult:
    """One system (the model or a baseline) on one split."""

    name: str
    table: dict[str, Interval]
    outcomes: list[Outcome]
    seconds: float


@dataclass(frozen=True, slots=True)
class SplitResult:
    """Every system on one held-out split."""

    split: str
    people: int
    episodes: int
    steps: int
    model: SystemResult | None
    baselines: list[SystemResult]


@dataclass(frozen=True, slots=True)
class Evaluation:
    """The evaluation of one model (or of the baselines alone) on one dataset version."""

    dataset: DatasetRef
    main: SplitResult
    others: dict[str, SplitResult] = field(default_factory=dict)
    resamples: int = 1000
    seed: int = 0


def _gold(ex: Example) -> Act:
    return Act(ex.step.op, ex.step.target_eid, ex.step.value)


def score(
    name: str, items: Sequence[Example], predictor: Predictor, *, resamples: int, seed: int
) -> SystemResult:
    """Predict every example with ``predictor`` and score the predictions."""
    started = time.perf_counter()
    acts = predictor(items)
    seconds = time.perf_counter() - started
    outcomes = [
        outcome(ex.step.person, ex.step.episode_id, task_family(ex.step.task), _gold(ex), act)
        for ex, act in zip(items, acts, strict=True)
    ]
    return SystemResult(
        name, metric_table(outcomes, resamples=resamples, seed=seed), outcomes, seconds
    )


def evaluate_split(
    train_items: Sequence[Example],
    items: Sequence[Example],
    split: str,
    model: Predictor | None,
    *,
    resamples: int,
    seed: int,
) -> SplitResult:
    """The model (if any) and every baseline on one split."""
    baselines = []
    for baseline in all_baselines():
        baseline.fit(train_items)
        baselines.append(
            score(baseline.name, items, baseline.predict, resamples=resamples, seed=seed)
        )
    result = score("model", items, model, resamples=resamples, seed=seed) if model else None
    return SplitResult(
        split=split,
        people=len({ex.step.person for ex in items}),
        episodes=len({ex.step.episode_id for ex in items}),
        steps=len(items),
        model=result,
        baselines=baselines,
    )


def model_predictor(
    trained: Trained, *, device: torch.device | None = None, encoder: Encode | None = None
) -> Predictor:
    vectors = vectors_for(trained.model_config, encoder)

    def run(items: Sequence[Example]) -> list[Act]:
        return predict(trained, items, vectors=vectors, device=device)

    return run


def evaluate(
    dataset: Path | str,
    model_dir: Path | str | None,
    *,
    split: str = "test",
    resamples: int = 1000,
    seed: int = 0,
    device: str = "cpu",
    encoder: Encode | None = None,
) -> Evaluation:
    """Evaluate the model in ``model_dir`` (None: the baselines only) on the held-out people
    of ``dataset``, and on its ``cross_site`` and ``cross_task`` splits when it has them."""
    ref = open_dataset(dataset)
    dev = resolve_device(device)
    trained = load_trained(model_dir, dev) if model_dir is not None else None
    train_split = trained.dataset.train_split if trained is not None else "train"
    skip = (trained.train_config if trained is not None else TrainConfig()).skip_outcomes
    train_items = examples(read_training(ref, train_split, skip))
    if not train_items:
        raise DatasetUnusable(
            f"split {train_split!r} has no steps to fit the baselines on", version=ref.version_id
        )
    model = model_predictor(trained, device=dev, encoder=encoder) if trained else None
    results: dict[str, SplitResult] = {}
    for name in (split, *(s for s in EXTRA_SPLITS if s != split)):
        items = examples(read_split(ref, name))
        if not items:
            if name == split:
                raise DatasetUnusable(
                    f"split {split!r} has no held-out steps to evaluate on",
                    version=ref.version_id,
                )
            continue
        results[name] = evaluate_split(
            train_items, items, name, model, resamples=resamples, seed=seed
        )
        log.info(
            "evaluated split=%s people=%d steps=%d",
            name,
            results[name].people,
            results[name].steps,
        )
    main = results.pop(split)
    return Evaluation(ref, main, results, resamples, seed)


def _table(result: SystemResult) -> dict[str, dict[str, float | None]]:
    return {m: result.table[m].as_dict() for m in METRICS}


def split_json(result: SplitResult) -> dict[str, Any]:
    systems = ([result.model] if result.model else []) + result.baselines
    out: dict[str, Any] = {
        "split": result.split,
        "people": result.people,
        "episodes": result.episodes,
        "steps": result.steps,
    }
    if result.model is not None:
        out["model"] = _table(result.model)
    out["baselines"] = {b.name: _table(b) for b in result.baselines}
    out["by_family"] = {s.name: breakdown(s.outcomes, lambda o: o.family) for s in systems}
    out["by_op"] = {s.name: breakdown(s.outcomes, lambda o: o.gold_op) for s in systems}
    if result.model is not None:
        out["confusion"] = confusion(result.model.outcomes)
    out["seconds"] = {s.name: round(s.seconds, 3) for s in systems}
    return out


def to_json(ev: Evaluation) -> dict[str, Any]:
    """The ``metrics.json`` document: the held-out split's table at the top level
    (``model``, ``baselines``), other splits under ``splits``."""
    m = ev.dataset.manifest
    doc: dict[str, Any] = {
        "dataset": {
            "name": m.name,
            "version_id": m.version_id,
            "manifest_sha256": ev.dataset.manifest_sha256,
        },
        "interval": {
            "level": LEVEL,
            "method": "percentile bootstrap over people",
            "resamples": ev.resamples,
            "seed": ev.seed,
        },
        **split_json(ev.main),
    }
    if ev.others:
        doc["splits"] = {name: split_json(r) for name, r in ev.others.items()}
    return doc
