"""PyArrow's Parquet module for the training stage (untyped, so typed ``Any`` here only)."""

from __future__ import annotations

try:
    import pyarrow.parquet as pq  # type: ignore[import-untyped]
except ImportError as exc:  # pragma: no cover - the dataset extra is installed with train
    raise ImportError("training reads datasets: pip install 'workprint[dataset]'") from exc

__all__ = ["pq"]
