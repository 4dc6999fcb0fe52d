"""What a dataset folder holds, for people: ``workprint dataset show DIR``.

:func:`summarize` checks every file against the manifest's hashes, then renders the version,
the splits (people, episodes, steps), the counts of the build, the files, and a few sample
steps as they would appear in a chat prompt.
"""

from __future__ import annotations

import io
from pathlib import Path

from rich.console import Console
from rich.table import Table

from workprint.dataset._arrow import pq
from workprint.dataset.manifest import Manifest, read_manifest, verify

_SAMPLE_COLUMNS = ["step_index", "task", "obs_kind", "obs_elements", "action_repr"]


def sample_steps(root: Path, manifest: Manifest, n: int = 3) -> list[dict[str, object]]:
    """The first ``n`` steps of the first non-empty steps shard (a few columns)."""
    for name in sorted(manifest.files):
        if name.startswith("steps-") and (manifest.files[name].rows or 0) > 0:
            reader = pq.ParquetFile(root / name)
            for batch in reader.iter_batches(batch_size=n, columns=_SAMPLE_COLUMNS):
                rows: list[dict[str, object]] = batch.to_pylist()
                return rows[:n]
    return []


def summarize(root: Path | str, *, samples: int = 3, check: bool = True) -> str:
    """A plain-text summary of a dataset folder (hashes verified when ``check``)."""
    base = Path(root)
    manifest = verify(base) if check else read_manifest(base)
    buffer = io.StringIO()
    console = Console(file=buffer, width=100, color_system=None, force_terminal=False)
    console.print(
        f"{manifest.name}  version {manifest.version_id}  "
        f"(schema {manifest.schema_version}, spec {manifest.spec_hash[:12]}, "
        f"policy v{manifest.policy_version})",
        markup=False,
        highlight=False,
    )
    if check:
        console.print(f"{len(manifest.files)} files match the manifest", highlight=False)
    splits = Table(title="splits")
    for column in ("split", "people", "episodes", "steps", "source events"):
        splits.add_column(column, justify="left" if column == "split" else "right")
    for name, entry in manifest.splits.items():
        splits.add_row(
            name,
            str(len(entry.people)),
            str(entry.episodes),
            str(entry.steps),
            str(entry.source_events),
        )
    console.print(splits)
    counts = Table(title="build")
    counts.add_column("count")
    counts.add_column("value", justify="right")
    for key, value in manifest.counts.items():
        counts.add_row(key, str(value))
    console.print(counts)
    files = Table(title="files")
    for column in ("file", "rows", "bytes"):
        files.add_column(column, justify="left" if column == "file" else "right")
    for name, file in manifest.files.items():
        files.add_row(name, "" if file.rows is None else str(file.rows), str(file.bytes))
    console.print(files)
    for row in sample_steps(base, manifest, samples):
        elements = row["obs_elements"]
        count = len(elements) if isinstance(elements, list) else 0
        console.print(
            f"step {row['step_index']}: task={row['task'] or '-'}  "
            f"observation={row['obs_kind']} ({count} elements)  action={row['action_repr']}",
            markup=False,
            highlight=False,
        )
    return buffer.getvalue()
