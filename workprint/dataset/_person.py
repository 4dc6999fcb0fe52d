"""One person's part of a build: read, redact again, merge, cut episodes, build steps.

The same function runs in the build process (``local`` engine) and in Ray workers (``ray``
engine); both feed its records, in the same order, to one writer, so both engines write the
same bytes. A worker gets a :class:`WorkerContext` (the spec, the policy text, the deny-list
names, a redaction sub-key) and a :class:`PersonJob` (a person id and its pseudonym, made by
the build process): the pseudonym key itself never leaves the build process.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import msgspec
from sqlalchemy.engine import Engine

from workprint.collector.redaction import KeyedVault
from workprint.core import events as ev
from workprint.core.errors import ContractError
from workprint.dataset import _source
from workprint.dataset.episodes import (
    Episode,
    SourceRow,
    cut_episodes,
    merge_streams,
    origin_of,
    primary,
)
from workprint.dataset.format import EpisodeRow, StepRow
from workprint.dataset.spec import DatasetSpec
from workprint.dataset.steps import Observer, episode_steps
from workprint.privacy.detectors import Detector, default_detectors
from workprint.privacy.policy import Policy, parse
from workprint.privacy.redact import Vault, Vaults, redact_or_gap
from workprint.store.rows import row_to_wire

_wire = msgspec.json.Encoder()
_VAULTS = 64
_MEMO = 2_000


class _BuildVaults(Vaults):
    """Vaults for one person's build: at most ``_VAULTS`` of them (one per tab or agent run,
    the least recently used dropped), each memoising ``_MEMO`` texts and elements, so memory
    stays bounded however long the history is."""

    def __init__(self, key: bytes) -> None:
        super().__init__(key, capacity=_VAULTS)

    def _new_vault(self, session_key: bytes) -> Vault:
        # Numbered as the collector numbers (keyed, per session, under its key): a name the
        # collector replaced in one event and the build finds in another gets one placeholder.
        return KeyedVault(session_key, memo_size=_MEMO)


@dataclass(frozen=True, slots=True)
class WorkerContext:
    """What building one person needs besides the store (picklable, key-free)."""

    spec: DatasetSpec
    policy_source: str
    deny_names: tuple[str, ...]
    vault_key: bytes
    upto_pk: int
    chunk: int = 2000


class PersonJob(msgspec.Struct, frozen=True):
    order: int
    """Position of the person in the build (pseudonym order)."""
    person_id: str
    pseudonym: str


class EpisodeRecord(msgspec.Struct, frozen=True, tag="episode"):
    """One kept episode with its steps."""

    episode: EpisodeRow
    steps: list[StepRow]
    min_event_id: str
    max_event_id: str


class PersonSummary(msgspec.Struct, frozen=True, tag="summary"):
    """Counts over one person's events (the last record of each person)."""

    person: str
    events_read: int = 0
    events_off: int = 0
    """Events the active policy now captures in mode ``off``: left out."""
    events_invalid: int = 0
    redaction_errors: int = 0
    episodes_short: int = 0
    episodes_unlabelled: int = 0
    redactions_capture: dict[str, int] = {}
    redactions_build: dict[str, int] = {}


Record = EpisodeRecord | PersonSummary
record_codec = (msgspec.msgpack.Encoder(), msgspec.msgpack.Decoder(Record))
"""(encoder, decoder) of records, for the trip from a worker to the writer."""


class _Counts:
    def __init__(self) -> None:
        self.read = self.off = self.invalid = self.errors = self.short = self.unlabelled = 0
        self.capture: Counter[str] = Counter()
        self.build: Counter[str] = Counter()

    def on_error(self, _exc: BaseException) -> None:
        self.errors += 1


def _redacted(
    rows: Iterator[tuple[dict[str, Any], int]],
    policy: Policy,
    detectors: tuple[Detector, ...],
    vaults: Vaults,
    counts: _Counts,
) -> Iterator[SourceRow]:
    for row, skew in rows:
        counts.read += 1
        try:
            event = ev.decode_event(_wire.encode(row_to_wire(row)))
        except ContractError:
            counts.invalid += 1
            continue
        before = Counter(event.privacy.redactions)
        kept = redact_or_gap(
            event, policy, detectors=detectors, vaults=vaults, on_error=counts.on_error
        )
        if kept is None:
            counts.off += 1
            continue
        after = Counter(kept.privacy.redactions)
        counts.capture.update(before)
        counts.build.update(after - before)
        yield SourceRow(row["occurred_at_ms"], skew, kept)


def episode_id(episode: Episode) -> str:
    """A stable id: a hash of the episode's first event id."""
    first = episode.events[0].event.event_id
    return "ep_" + hashlib.sha256(first.encode()).hexdigest()[:16]


def episode_row(episode: Episode, ident: str, person: str, n_steps: int) -> EpisodeRow:
    events = [t.event for t in episode.events]
    apps = [e.context.app for e in events]
    origins = [origin_of(e.context.url) for e in events]
    return EpisodeRow(
        episode_id=ident,
        person=person,
        task=episode.task,
        task_id=episode.task_id,
        outcome=episode.outcome,
        end_reason=episode.end_reason,
        interruptions=episode.interruptions,
        app=primary(apps),
        origin=primary(origins),
        apps=sorted({a for a in apps if a}),
        origins=sorted({o for o in origins if o}),
        streams=sorted({e.stream for e in events}),
        n_events=len(events),
        n_steps=n_steps,
        duration_ms=episode.end_ms - episode.start_ms,
        first_event_id=events[0].event_id,
        last_event_id=events[-1].event_id,
    )


def person_records(engine: Engine, job: PersonJob, ctx: WorkerContext) -> Iterator[Record]:
    """The kept episodes of one person, in time order, then their :class:`PersonSummary`."""
    spec = ctx.spec
    policy = parse(ctx.policy_source, name="active policy")
    detectors = default_detectors(ctx.deny_names)
    vaults = _BuildVaults(ctx.vault_key)
    counts = _Counts()
    streams = [
        _redacted(
            _source.stream_rows(
                engine, job.person_id, device, stream, upto_pk=ctx.upto_pk, chunk=ctx.chunk
            ),
            policy,
            detectors,
            vaults,
            counts,
        )
        for device, stream in _source.person_streams(
            engine, job.person_id, spec.include_streams, ctx.upto_pk
        )
    ]
    observer = Observer()
    kinds = spec.kinds
    for episode in cut_episodes(merge_streams(streams), spec.episodes):
        ident = episode_id(episode)
        steps = episode_steps(
            episode,
            episode_id=ident,
            person=job.pseudonym,
            observer=observer,
            include=kinds,
            followed_navigations=spec.followed_navigations,
            key_clicks=spec.key_clicks,
            end_step=spec.end_steps,
        )
        if spec.labelled_only and episode.task is None:
            counts.unlabelled += 1
            continue
        if len(steps) < spec.min_steps:
            counts.short += 1
            continue
        ids = [t.event.event_id for t in episode.events]
        yield EpisodeRecord(
            episode=episode_row(episode, ident, job.pseudonym, len(steps)),
            steps=steps,
            min_event_id=min(ids),
            max_event_id=max(ids),
        )
    yield PersonSummary(
        person=job.pseudonym,
        events_read=counts.read,
        events_off=counts.off,
        events_invalid=counts.invalid,
        redaction_errors=counts.errors,
        episodes_short=counts.short,
        episodes_unlabelled=counts.unlabelled,
        redactions_capture=dict(sorted(counts.capture.items())),
        redactions_build=dict(sorted(counts.build.items())),
    )
