"""The writer of a build: records in, Parquet shards and JSONL exports per split out.

Records arrive in a fixed order (people by pseudonym, each person's episodes by time), and
everything written is a function of them: no clocks, no random names, no dict-order
accidents, so the same records always give the same bytes. Rows are buffered one row group
at a time; a shard file is closed after ``export.shard_rows`` rows.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import msgspec

from workprint.dataset._arrow import pq
from workprint.dataset._person import EpisodeRecord, PersonSummary
from workprint.dataset.export import chat_example, trajectory
from workprint.dataset.format import TABLES, to_table
from workprint.dataset.spec import DatasetSpec
from workprint.dataset.splits import episode_split

log = logging.getLogger(__name__)
_json = msgspec.json.Encoder()


class _Shards:
    """One table of one split: ``<table>-<split>-00000.parquet``, ``-00001``, ..."""

    def __init__(self, root: Path, table: str, split: str, spec: DatasetSpec) -> None:
        self.root, self.table, self.split = root, table, split
        self.schema = TABLES[table]
        self.export = spec.export
        self.buffer: list[msgspec.Struct] = []
        self.writer: Any = None
        self.current = ""
        self.in_file = 0
        self.files: dict[str, int] = {}

    def add(self, row: msgspec.Struct) -> None:
        self.buffer.append(row)
        if len(self.buffer) >= self.export.row_group_rows:
            self.flush()

    def flush(self) -> None:
        if not self.buffer:
            return
        if self.writer is None:
            self.current = f"{self.table}-{self.split}-{len(self.files):05d}.parquet"
            self.files[self.current] = 0
            self.writer = pq.ParquetWriter(
                self.root / self.current,
                self.schema,
                compression=self.export.compression,
                use_dictionary=True,
                write_statistics=True,
            )
        table = to_table(self.buffer, self.schema)
        self.writer.write_table(table, row_group_size=len(self.buffer))
        self.files[self.current] += len(self.buffer)
        self.in_file += len(self.buffer)
        self.buffer = []
        if self.in_file >= self.export.shard_rows:
            self.close()

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            log.info(
                "dataset shard written table=%s split=%s rows=%d",
                self.table,
                self.split,
                self.in_file,
            )
        self.writer = None
        self.in_file = 0


@dataclass
class SplitStats:
    people: set[str] = field(default_factory=set)
    episodes: int = 0
    steps: int = 0
    source_events: int = 0
    event_id_min: str | None = None
    event_id_max: str | None = None


@dataclass
class BuildStats:
    """Aggregate counts of a build (datasheet, manifest); nothing per person."""

    splits: dict[str, SplitStats]
    ops: Counter[str] = field(default_factory=Counter)
    episodes_per_app: Counter[str] = field(default_factory=Counter)
    episode_steps: Counter[int] = field(default_factory=Counter)
    end_reasons: Counter[str] = field(default_factory=Counter)
    target_match: Counter[str] = field(default_factory=Counter)
    obs_kinds: Counter[str] = field(default_factory=Counter)
    labelled_episodes: int = 0
    held_out_dropped: int = 0
    people_read: int = 0
    events_read: int = 0
    events_off: int = 0
    events_invalid: int = 0
    redaction_errors: int = 0
    episodes_short: int = 0
    episodes_unlabelled: int = 0
    redactions_capture: Counter[str] = field(default_factory=Counter)
    redactions_build: Counter[str] = field(default_factory=Counter)
    files: dict[str, int] = field(default_factory=dict)
    """Data file name -> rows (Parquet) or lines (JSONL)."""


class DatasetWriter:
    """Writes records into ``root`` (a temporary folder until the build renames it)."""

    def __init__(self, root: Path, spec: DatasetSpec, splits: Mapping[str, str]) -> None:
        self.root = root
        self.spec = spec
        self.splits = splits
        self.stats = BuildStats(splits={name: SplitStats() for name in spec.splits.names})
        self._shards: dict[tuple[str, str], _Shards] = {}
        self._jsonl: dict[str, IO[bytes]] = {}

    def _table(self, table: str, split: str) -> _Shards:
        shards = self._shards.get((table, split))
        if shards is None:
            shards = self._shards[(table, split)] = _Shards(self.root, table, split, self.spec)
        return shards

    def _line(self, name: str, value: Any) -> None:
        fh = self._jsonl.get(name)
        if fh is None:
            fh = self._jsonl[name] = (self.root / name).open("wb")
            self.stats.files[name] = 0
        fh.write(_json.encode(value) + b"\n")
        self.stats.files[name] += 1

    def add(self, record: EpisodeRecord | PersonSummary) -> None:
        if isinstance(record, PersonSummary):
            self._summary(record)
            return
        episode = record.episode
        split = episode_split(
            episode.person, episode.apps, episode.origins, self.splits, self.spec.splits
        )
        if split is None:
            self.stats.held_out_dropped += 1
            return
        s = self.stats.splits[split]
        s.people.add(episode.person)
        s.episodes += 1
        s.steps += len(record.steps)
        s.source_events += episode.n_events
        s.event_id_min = min(filter(None, (s.event_id_min, record.min_event_id)))
        s.event_id_max = max(filter(None, (s.event_id_max, record.max_event_id)))
        st = self.stats
        st.episodes_per_app[episode.app or "(none)"] += 1
        st.episode_steps[len(record.steps)] += 1
        st.end_reasons[episode.end_reason] += 1
        st.labelled_episodes += episode.task is not None
        self._table("episodes", split).add(episode)
        export = self.spec.export
        for step in record.steps:
            st.ops[step.op] += 1
            st.target_match[step.target_match] += 1
            st.obs_kinds[step.obs_kind] += 1
            self._table("steps", split).add(step)
            if export.chat:
                self._line(
                    f"chat-{split}.jsonl",
                    chat_example(step, export.chat_history, export.chat_max_elements),
                )
        if export.trajectories:
            self._line(f"trajectories-{split}.jsonl", trajectory(episode, record.steps, split))

    def _summary(self, summary: PersonSummary) -> None:
        st = self.stats
        st.people_read += 1
        st.events_read += summary.events_read
        st.events_off += summary.events_off
        st.events_invalid += summary.events_invalid
        st.redaction_errors += summary.redaction_errors
        st.episodes_short += summary.episodes_short
        st.episodes_unlabelled += summary.episodes_unlabelled
        st.redactions_capture.update(summary.redactions_capture)
        st.redactions_build.update(summary.redactions_build)

    def close(self) -> BuildStats:
        """Flush and close every file; the stats name each data file with its rows."""
        for shards in self._shards.values():
            shards.flush()
            shards.close()
            self.stats.files.update(shards.files)
        for fh in self._jsonl.values():
            fh.close()
        self._shards.clear()
        self._jsonl.clear()
        return self.stats

    def abort(self) -> None:
        """Close what is open (after a failure; the caller removes the folder)."""
        for shards in self._shards.values():
            if shards.writer is not None:
                shards.writer.close()
        for fh in self._jsonl.values():
            fh.close()
