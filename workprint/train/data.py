"""From a dataset folder to examples: reading splits, and each step's episode history.

1. :func:`open_dataset` reads and (optionally) verifies ``manifest.json``; :func:`read_split`
   reads the split's ``steps-*.parquet`` shards into :class:`StepRow` values.
2. :func:`examples` pairs each step with the actions before it in its episode, each described
   by its target's role and label (``textbox:email``) and value, never by a per-snapshot eid.
3. :func:`value_vocabulary` lists the values the model learns to choose among rather than copy.

:mod:`workprint.train.features` turns examples into tensors.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final, TypeVar

import msgspec

from workprint.dataset.format import DATASET_SCHEMA_VERSION, EpisodeRow, StepRow
from workprint.dataset.manifest import Manifest, read_manifest, sha256_file, verify
from workprint.train import _text as tx
from workprint.train._parquet import pq
from workprint.train.errors import DatasetUnusable

TYPE_OPS: Final = frozenset({"TYPE"})
NO_VALUE_OPS: Final = frozenset({"CLICK", "DOUBLE_CLICK", "RIGHT_CLICK", "SUBMIT", "END"})


# ----------------------------------------------------------------------------- reading


@dataclass(frozen=True, slots=True)
class DatasetRef:
    """A dataset folder and what identifies its version."""

    root: Path
    manifest: Manifest
    manifest_sha256: str

    @property
    def version_id(self) -> str:
        return self.manifest.version_id


def open_dataset(root: Path | str, *, check: bool = True) -> DatasetRef:
    """The dataset at ``root``; with ``check`` every file is verified against the manifest."""
    base = Path(root)
    manifest = verify(base) if check else read_manifest(base)
    if manifest.schema_version != DATASET_SCHEMA_VERSION:
        raise DatasetUnusable(
            f"dataset schema version {manifest.schema_version} is not "
            f"{DATASET_SCHEMA_VERSION}, the one this release reads",
            version=manifest.version_id,
        )
    return DatasetRef(base, manifest, sha256_file(base / "manifest.json"))


_R = TypeVar("_R", StepRow, EpisodeRow)


def _read_rows(ref: DatasetRef, kind: str, split: str, row: type[_R]) -> list[_R]:
    prefix = f"{kind}-{split}-"
    names = sorted(n for n in ref.manifest.files if n.startswith(prefix) and n.endswith(".parquet"))
    rows: list[_R] = []
    for name in names:
        table = pq.read_table(ref.root / name)
        rows.extend(msgspec.convert(r, row) for r in table.to_pylist())
    return rows


def read_split(ref: DatasetRef, split: str) -> list[StepRow]:
    """Every step of one split, in file order; empty when the split has none."""
    return _read_rows(ref, "steps", split, StepRow)


def read_episodes(ref: DatasetRef, split: str) -> list[EpisodeRow]:
    """Every episode of one split, in file order; empty when the split has none."""
    return _read_rows(ref, "episodes", split, EpisodeRow)


def read_training(
    ref: DatasetRef, split: str, skip_outcomes: Collection[str] = ()
) -> list[StepRow]:
    """The steps of ``split`` to learn from: those of episodes whose task outcome is not in
    ``skip_outcomes`` (an abandoned task taught the demo's agent to leave a form half
    filled, as one training task in ten was)."""
    rows = read_split(ref, split)
    if not skip_outcomes:
        return rows
    skipped = {e.episode_id for e in read_episodes(ref, split) if e.outcome in skip_outcomes}
    return [r for r in rows if r.episode_id not in skipped]


# ----------------------------------------------------------------------------- examples


@dataclass(frozen=True, slots=True)
class Action:
    """A previous action as the model sees it."""

    op: str
    descriptor: str
    selector: str | None
    value: str | None


@dataclass(frozen=True, slots=True)
class Example:
    """One step with the actions before it in its episode (most recent last)."""

    step: StepRow
    history: tuple[Action, ...]


def action_of(step: StepRow) -> Action:
    target = step.target
    return Action(
        op=step.op,
        descriptor=tx.descriptor(target) if target is not None else "",
        selector=target.selector if target is not None else None,
        value=step.value,
    )


def examples(steps: Sequence[StepRow]) -> list[Example]:
    """The steps as examples, in episode and step order."""
    by_episode: dict[str, list[StepRow]] = defaultdict(list)
    for step in steps:
        by_episode[step.episode_id].append(step)
    out: list[Example] = []
    for episode_id in sorted(by_episode):
        ordered = sorted(by_episode[episode_id], key=lambda s: s.step_index)
        actions = [action_of(s) for s in ordered]
        out.extend(Example(s, tuple(actions[:i])) for i, s in enumerate(ordered))
    return out


def value_vocabulary(items: Sequence[Example], size: int, min_people: int = 3) -> tuple[str, ...]:
    """The ``size`` most frequent values that are not copied (keys, scrolls, addresses, and
    typed text not found in the task) that at least ``min_people`` different people used,
    most frequent first, ties by text.

    The model can write a vocabulary value out verbatim, so a value one or two people
    typed (a customer's surname the redaction did not catch, a string only that person
    knew) must not become one: it is that person's, not the work's, and it teaches the
    model to type it into other people's tasks. Nor does a value holding a redaction
    placeholder: ``<EMAIL_8>`` is the eighth address one capture session saw, and means
    nothing in another episode."""
    counts: Counter[str] = Counter()
    people: dict[str, set[str]] = {}
    for ex in items:
        s = ex.step
        if s.value is None or s.op in NO_VALUE_OPS or s.op == "SELECT":
            continue
        if s.op in TYPE_OPS and tx.find_span(s.task, s.value) is not None:
            continue
        if tx.PLACEHOLDER.search(s.value):
            continue
        counts[s.value] += 1
        people.setdefault(s.value, set()).add(s.person)
    ranked = sorted(
        ((v, n) for v, n in counts.items() if len(people[v]) >= min_people),
        key=lambda kv: (-kv[1], kv[0]),
    )
    return tuple(v for v, _ in ranked[:size])


def value_operations(
    items: Sequence[Example], values: Sequence[str]
) -> tuple[tuple[str, ...], ...]:
    """For each entry of ``values``, the operations it was the value of (sorted): a key is
    pressed, a scroll scrolled, an address navigated to, never the other way round."""
    index = {v: i for i, v in enumerate(values)}
    seen: list[set[str]] = [set() for _ in values]
    for ex in items:
        s = ex.step
        i = index.get(s.value) if s.value is not None else None
        if i is not None and s.op not in NO_VALUE_OPS:
            seen[i].add(s.op)
    return tuple(tuple(sorted(ops)) for ops in seen)
