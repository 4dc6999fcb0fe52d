"""Building a dataset version from the store: :func:`build_dataset`.

1. Read who may be included (people with a live ``training`` grant), the active policy and its
   deny-list names, and the newest event's ``pk`` (the build sees the store as of then).
2. Pseudonymise each person with the keyed HMAC, order people by pseudonym, assign splits.
3. For each person, in that order (here or in Ray workers, same function): read their
   streams in chunks, redact every event again, merge, cut episodes, build steps.
4. Write Parquet shards and JSONL per split, then the datasheet and plots, then
   ``manifest.json`` last, all into a temporary folder that is renamed into place at the end.
5. Register the version and its members in the store, with an audit entry.

Same store, spec and key give byte-identical folders on either engine.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import secrets
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Literal

from sqlalchemy.engine import Engine

from workprint.collector.redaction import KEY_NAME as REDACTION_KEY
from workprint.core.clock import Clock, SystemClock, to_epoch_ms
from workprint.dataset import _registry, _source, datasheet
from workprint.dataset._person import PersonJob, Record, WorkerContext, person_records
from workprint.dataset._write import BuildStats, DatasetWriter
from workprint.dataset.config import MIN_KEY_BYTES, key_fingerprint
from workprint.dataset.errors import KeyMissing, OutputExists
from workprint.dataset.format import DATASET_SCHEMA_VERSION, FORMAT_NAME
from workprint.dataset.manifest import (
    MANIFEST,
    FileEntry,
    Manifest,
    SplitEntry,
    encode_manifest,
    sha256_file,
)
from workprint.dataset.spec import DatasetSpec, spec_hash, spec_json, spec_to_dict
from workprint.dataset.splits import assign
from workprint.governance import audit, policies
from workprint.privacy.pseudonym import pseudonym
from workprint.store.engine import read_tx, write_tx
from workprint.store.keys import server_key

log = logging.getLogger(__name__)

EngineKind = Literal["local", "ray"]


def _local_records(engine: Engine, jobs: list[PersonJob], ctx: WorkerContext) -> Iterator[Record]:
    for job in jobs:
        yield from person_records(engine, job, ctx)


def _version_id(spec_digest: str, root: Path, data_files: list[str]) -> tuple[str, dict[str, str]]:
    hashes = {name: sha256_file(root / name) for name in sorted(data_files)}
    body = spec_digest + "\n" + "".join(f"{n}\t{h}\n" for n, h in hashes.items())
    return "ds_" + hashlib.sha256(body.encode()).hexdigest()[:20], hashes


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_tree(root: Path) -> None:
    """Everything written is on disk before the rename makes it visible."""
    for path in sorted(root.rglob("*")):
        if path.is_file():
            with path.open("rb") as fh:
                os.fsync(fh.fileno())
        elif path.is_dir():
            _fsync_dir(path)
    _fsync_dir(root)


def _manifest(
    root: Path,
    spec: DatasetSpec,
    stats: BuildStats,
    *,
    policy_version: int,
    key_fp: str,
) -> Manifest:
    digest = spec_hash(spec)
    version_id, hashes = _version_id(digest, root, list(stats.files))
    text = datasheet.render(
        spec,
        stats,
        version_id=version_id,
        spec_hash=digest,
        policy_version=policy_version,
        key_fingerprint=key_fp,
    )
    (root / "datasheet.md").write_text(text, encoding="utf-8")
    extra = ["datasheet.md", *datasheet.draw_plots(root, stats)]
    hashes.update({name: sha256_file(root / name) for name in extra})
    files = {
        name: FileEntry(
            sha256=hashes[name], bytes=(root / name).stat().st_size, rows=stats.files.get(name)
        )
        for name in sorted(hashes)
    }
    splits = {
        name: SplitEntry(
            people=sorted(s.people),
            episodes=s.episodes,
            steps=s.steps,
            source_events=s.source_events,
            event_id_min=s.event_id_min,
            event_id_max=s.event_id_max,
        )
        for name, s in stats.splits.items()
    }
    counts = {
        "people_eligible": stats.people_read,
        "people": len(set().union(*(s.people for s in stats.splits.values()))),
        "episodes": sum(s.episodes for s in stats.splits.values()),
        "steps": sum(s.steps for s in stats.splits.values()),
        "events_read": stats.events_read,
        "events_off": stats.events_off,
        "events_invalid": stats.events_invalid,
        "redaction_errors": stats.redaction_errors,
        "episodes_short": stats.episodes_short,
        "episodes_unlabelled": stats.episodes_unlabelled,
        "episodes_held_out_dropped": stats.held_out_dropped,
    }
    return Manifest(
        format=FORMAT_NAME,
        schema_version=DATASET_SCHEMA_VERSION,
        version_id=version_id,
        name=spec.name,
        spec_hash=digest,
        spec=spec_to_dict(spec),
        policy_version=policy_version,
        pseudonyms={"scheme": "hmac-sha256", "key_fingerprint": key_fp},
        counts=counts,
        splits=splits,
        files=files,
    )


def build_dataset(
    engine: Engine,
    out_dir: Path | str,
    spec: DatasetSpec,
    *,
    key: bytes,
    engine_kind: EngineKind = "local",
    ray_address: str | None = None,
    actor: str = "cli",
    clock: Clock | None = None,
    register: bool = True,
    chunk: int = 2000,
    deny_list_base: Path | None = None,
) -> Manifest:
    """Build one dataset version into ``out_dir`` (which must not exist) and return its
    manifest. ``key`` is the pseudonym key; it is never written anywhere."""
    if len(key) < MIN_KEY_BYTES:
        raise KeyMissing(f"the pseudonym key must be at least {MIN_KEY_BYTES} bytes")
    out = Path(out_dir)
    if out.exists():
        raise OutputExists(f"{out} exists; datasets are never overwritten, choose a new folder")
    started = time.perf_counter()
    key_fp = key_fingerprint(key)
    with read_tx(engine) as conn:
        policy = policies.active(conn)
        people = _source.eligible_people(conn)
        upto = _source.watermark(conn)
        names = _source.deny_names(conn, policy, deny_list_base)
    by_pseudonym = {pseudonym(p, key): p for p in people}
    jobs = [
        PersonJob(order=i, person_id=by_pseudonym[p], pseudonym=p)
        for i, p in enumerate(sorted(by_pseudonym))
    ]
    splits = assign(by_pseudonym, spec.seed, spec.splits)
    ctx = WorkerContext(
        spec=spec,
        policy_source=policy.source,
        deny_names=names,
        vault_key=server_key(engine, REDACTION_KEY),
        upto_pk=upto,
        chunk=chunk,
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.parent / f".{out.name}.partial-{secrets.token_hex(4)}"
    tmp.mkdir()
    writer = DatasetWriter(tmp, spec, splits)
    try:
        if engine_kind == "ray":
            from workprint.dataset._ray import ray_records

            records = ray_records(engine, jobs, ctx, address=ray_address)
        else:
            records = _local_records(engine, jobs, ctx)
        for record in records:
            writer.add(record)
        stats = writer.close()
        manifest = _manifest(tmp, spec, stats, policy_version=policy.version, key_fp=key_fp)
        (tmp / MANIFEST).write_bytes(encode_manifest(manifest))
        _fsync_tree(tmp)
        if out.exists():
            raise OutputExists(f"{out} appeared during the build; the build was discarded")
        tmp.rename(out)
    except BaseException:
        writer.abort()
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    with contextlib.suppress(OSError):
        _fsync_dir(out.parent)
    if register:
        _register(engine, manifest, out, spec, key_fp, by_pseudonym, splits, actor, clock)
    log.info(
        "dataset built version=%s people=%d episodes=%d steps=%d engine=%s seconds=%.2f",
        manifest.version_id,
        manifest.counts["people"],
        manifest.counts["episodes"],
        manifest.counts["steps"],
        engine_kind,
        time.perf_counter() - started,
    )
    return manifest


def _register(
    engine: Engine,
    manifest: Manifest,
    out: Path,
    spec: DatasetSpec,
    key_fp: str,
    by_pseudonym: dict[str, str],
    splits: dict[str, str],
    actor: str,
    clock: Clock | None,
) -> None:
    included = set().union(*(set(s.people) for s in manifest.splits.values()))
    members = {by_pseudonym[p]: splits[p] for p in sorted(included)}
    now = to_epoch_ms((clock or SystemClock()).now())
    with write_tx(engine) as conn:
        new = _registry.register(
            conn,
            manifest,
            manifest_sha256=sha256_file(out / MANIFEST),
            out_dir=str(out.resolve()),
            spec_json=spec_json(spec),
            key_fingerprint=key_fp,
            members=members,
            at_ms=now,
        )
        audit.append(
            conn,
            at_ms=now,
            actor=actor,
            action="dataset.build",
            subject=manifest.version_id,
            reason="training dataset",
            details={
                "people": manifest.counts["people"],
                "episodes": manifest.counts["episodes"],
                "steps": manifest.counts["steps"],
                "new_version": new,
            },
        )
