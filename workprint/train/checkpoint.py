"""Files of a trained model: ``checkpoint.pt`` (to resume) and ``model.pt`` (to use).

Both are plain ``torch.save`` dictionaries loaded with ``weights_only=True`` (tensors and
built-in types only, nothing executable). Each records the dataset version it was trained
on (version id and the SHA-256 of its ``manifest.json``), the train and model settings and
the value vocabulary; a checkpoint adds the optimizer state, the step and the random state.
Files are written to a temporary name and renamed, so a crash never leaves half a file.
"""

from __future__ import annotations

import dataclasses
import os
import pickle
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import torch

from workprint.train.config import TrainConfig
from workprint.train.errors import CheckpointInvalid
from workprint.train.fields import FieldProfile, profiles_from_dict, profiles_to_dict
from workprint.train.model import ModelConfig, NextActionModel

FORMAT: Final = "workprint-next-action-model"
FORMAT_VERSION: Final = 6
"""2: the operation ``END`` (a task is finished) joined :data:`~workprint.train.model.OPS`.
3: a previous action's recency counts from the example's own history, not from the longest
in its batch (a model of format 2 predicted differently alone than in a batch).
4: an option is read with the task tokens that name it.
5: task tokens say whether a person placeholder opens a name or follows another word of it.
6: a redaction placeholder is hashed as its entity alone (``<PERSON_4821>`` as ``<person>``); an
option is named in the task word by word; a field holds a value when the episode typed into it
or chose it, whatever the snapshot shows."""
CHECKPOINT: Final = "checkpoint.pt"
MODEL: Final = "model.pt"


@dataclass(frozen=True, slots=True)
class DatasetStamp:
    """Which dataset version a model was trained on, and whose data it learned from."""

    name: str
    version_id: str
    manifest_sha256: str
    train_split: str
    people: tuple[str, ...]
    """Pseudonyms of the people in the training split (the model's lineage)."""


@dataclass(frozen=True, slots=True)
class Trained:
    """A model loaded for use, with what it was trained on and how."""

    model: NextActionModel
    model_config: ModelConfig
    train_config: TrainConfig
    values: tuple[str, ...]
    dataset: DatasetStamp
    step: int
    value_ops: tuple[tuple[str, ...], ...] = ()
    """For each entry of ``values``, the operations it was seen with in training."""
    init: DatasetStamp | None = None
    """The data of the model whose weights this one started from (its lineage too)."""
    fields: dict[str, FieldProfile] = dataclasses.field(default_factory=dict)
    """The shapes of what the training people typed into each field (no values)."""


def _write(path: Path, payload: dict[str, Any]) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    torch.save(payload, tmp)
    with tmp.open("rb") as fh:
        os.fsync(fh.fileno())
    tmp.replace(path)


def _header(
    model_config: ModelConfig,
    train_config: TrainConfig,
    values: tuple[str, ...],
    dataset: DatasetStamp,
    step: int,
    value_ops: tuple[tuple[str, ...], ...],
    init: DatasetStamp | None,
    fields: Mapping[str, FieldProfile],
) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "step": step,
        "model_config": dataclasses.asdict(model_config),
        "train_config": dataclasses.asdict(train_config),
        "values": list(values),
        "value_ops": [list(ops) for ops in value_ops],
        "dataset": _stamp_dict(dataset),
        "init": _stamp_dict(init) if init is not None else None,
        "fields": profiles_to_dict(fields),
    }


def _stamp_dict(stamp: DatasetStamp) -> dict[str, Any]:
    return {**dataclasses.asdict(stamp), "people": list(stamp.people)}


def _stamp(raw: Any) -> DatasetStamp:
    ds = dict(raw)
    return DatasetStamp(**{**ds, "people": tuple(ds["people"])})


def init_of(payload: dict[str, Any]) -> DatasetStamp | None:
    """The data of the model a file's weights started from, if they had a warm start."""
    raw = payload.get("init")
    return _stamp(raw) if raw else None


def save_checkpoint(
    folder: Path,
    *,
    model: NextActionModel,
    optimizer: torch.optim.Optimizer,
    step: int,
    train_config: TrainConfig,
    values: tuple[str, ...],
    dataset: DatasetStamp,
    value_ops: tuple[tuple[str, ...], ...] = (),
    init: DatasetStamp | None = None,
    fields: Mapping[str, FieldProfile] | None = None,
) -> Path:
    """Everything needed to continue training after ``step`` optimizer steps."""
    payload = _header(model.cfg, train_config, values, dataset, step, value_ops, init, fields or {})
    payload["model"] = model.state_dict()
    payload["optimizer"] = optimizer.state_dict()
    payload["rng"] = torch.get_rng_state()
    if torch.cuda.is_available():
        payload["cuda_rng"] = torch.cuda.get_rng_state_all()
    path = folder / CHECKPOINT
    _write(path, payload)
    return path


def save_model(
    folder: Path,
    *,
    model: NextActionModel,
    step: int,
    train_config: TrainConfig,
    values: tuple[str, ...],
    dataset: DatasetStamp,
    value_ops: tuple[tuple[str, ...], ...] = (),
    init: DatasetStamp | None = None,
    fields: Mapping[str, FieldProfile] | None = None,
) -> Path:
    """The trained weights and what they need (no optimizer state)."""
    payload = _header(model.cfg, train_config, values, dataset, step, value_ops, init, fields or {})
    payload["model"] = {k: v.detach().cpu() for k, v in model.state_dict().items()}
    path = folder / MODEL
    _write(path, payload)
    return path


def read(path: Path, device: torch.device | None = None) -> dict[str, Any]:
    """A checkpoint or model file as its dictionary; :class:`CheckpointInvalid` when it is
    missing, unreadable or not of this format."""
    try:
        payload = torch.load(path, map_location=device or "cpu", weights_only=True)
    except FileNotFoundError:
        raise CheckpointInvalid(f"{path} does not exist") from None
    except (OSError, RuntimeError, EOFError, ValueError, pickle.UnpicklingError) as exc:
        raise CheckpointInvalid(f"{path} is not a readable model file: {exc}") from exc
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise CheckpointInvalid(f"{path} is not a Workprint next-action model file")
    if payload.get("format_version") != FORMAT_VERSION:
        raise CheckpointInvalid(
            f"{path} has format version {payload.get('format_version')}, "
            f"this release reads {FORMAT_VERSION}"
        )
    return payload


def configs(payload: dict[str, Any]) -> tuple[ModelConfig, TrainConfig, DatasetStamp]:
    """The settings and dataset stamp recorded in a file."""
    try:
        model_cfg = ModelConfig(**payload["model_config"])
        train_cfg = TrainConfig(**payload["train_config"])
        stamp = _stamp(payload["dataset"])
    except (KeyError, TypeError, ValueError) as exc:
        raise CheckpointInvalid(f"the model file's settings are not valid: {exc}") from exc
    return model_cfg, train_cfg, stamp


def load_trained(folder: Path | str, device: torch.device | None = None) -> Trained:
    """The model in ``folder/model.pt``, in evaluation mode."""
    path = Path(folder) / MODEL
    payload = read(path, device)
    model_cfg, train_cfg, stamp = configs(payload)
    model = NextActionModel(model_cfg)
    try:
        model.load_state_dict(payload["model"])
    except (KeyError, RuntimeError) as exc:
        raise CheckpointInvalid(f"{path} holds weights of another model shape") from exc
    if device is not None:
        model.to(device)
    model.eval()
    return Trained(
        model=model,
        model_config=model_cfg,
        train_config=train_cfg,
        values=tuple(payload["values"]),
        dataset=stamp,
        step=int(payload["step"]),
        value_ops=tuple(tuple(str(o) for o in ops) for ops in payload.get("value_ops", [])),
        init=init_of(payload),
        fields=profiles_from_dict(payload.get("fields")),
    )
