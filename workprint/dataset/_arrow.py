"""PyArrow, imported once for the dataset stage, with an install hint when it is missing.

PyArrow ships no type information, so its modules are typed ``Any`` here and nowhere else.
"""

from __future__ import annotations

try:
    import pyarrow as pa  # type: ignore[import-untyped]
    import pyarrow.parquet as pq  # type: ignore[import-untyped]
except ImportError as exc:  # pragma: no cover - the extra is installed in CI
    raise ImportError(
        "datasets need the 'dataset' extra: pip install 'workprint[dataset]'"
    ) from exc

__all__ = ["pa", "pq"]
