"""Lineage: which dataset versions contain whom, and rebuilding them after erasure.

Every build registers its version and members in the store (``dataset_versions``,
``dataset_members``). :func:`check_status` marks a ``current`` version ``stale`` when any
member has been erased (no longer in ``people``) or has withdrawn the ``training`` grant;
the reason (``erasure``, ``withdrawal``; the erasure in ``governance.rights`` marks its
versions with ``erasure`` itself) is kept, never who. :func:`rebuild` builds the spec of a
stale version again, which leaves those people out, and marks the old version ``superseded``
by the new one; the old version's rows for erased members are then deleted, the last trace of
them outside the audit log. Copies of a stale version should be deleted too; ``out_dir`` says
where it was written.

Both steps are written to the audit log.
"""

from __future__ import annotations

import logging
from pathlib import Path

import msgspec
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from workprint.core.clock import Clock, SystemClock, to_epoch_ms
from workprint.dataset._registry import CURRENT, STALE, SUPERSEDED, VersionInfo, versions
from workprint.dataset.build import EngineKind, build_dataset
from workprint.dataset.config import key_fingerprint
from workprint.dataset.errors import DatasetError, KeyMismatch, NothingToRebuild, VersionUnknown
from workprint.dataset.manifest import Manifest
from workprint.dataset.spec import spec_from_dict
from workprint.governance import audit
from workprint.governance.consent import Purpose
from workprint.store.engine import read_tx, write_tx
from workprint.store.schema import consent_grants, dataset_members, dataset_versions, people

log = logging.getLogger(__name__)

__all__ = ["VersionInfo", "check_status", "list_versions", "rebuild"]


def list_versions(engine: Engine) -> list[VersionInfo]:
    """Registered versions, newest first."""
    with read_tx(engine) as conn:
        return versions(conn)


def check_status(
    engine: Engine, *, actor: str = "cli", clock: Clock | None = None
) -> list[VersionInfo]:
    """Mark current versions with erased or withdrawn members stale; returns every version."""
    now = to_epoch_ms((clock or SystemClock()).now())
    member = dataset_members.c
    live_training = sa.exists().where(
        (consent_grants.c.person_id == member.person_id)
        & (consent_grants.c.purpose == Purpose.TRAINING.value)
        & consent_grants.c.withdrawn_at_ms.is_(None)
    )
    present = sa.exists().where(people.c.person_id == member.person_id)
    with write_tx(engine) as conn:
        current = conn.execute(
            sa.select(dataset_versions.c.version_id)
            .where(dataset_versions.c.status == CURRENT)
            .order_by(dataset_versions.c.version_id)
        ).scalars()
        for version_id in list(current):
            mine = member.version_id == version_id
            erased = conn.execute(
                sa.select(sa.func.count()).select_from(dataset_members).where(mine & ~present)
            ).scalar_one()
            withdrawn = conn.execute(
                sa.select(sa.func.count())
                .select_from(dataset_members)
                .where(mine & present & ~live_training)
            ).scalar_one()
            if not erased and not withdrawn:
                continue
            reason = ",".join(
                name for name, n in (("erasure", erased), ("withdrawal", withdrawn)) if n
            )
            conn.execute(
                dataset_versions.update()
                .where(dataset_versions.c.version_id == version_id)
                .values(status=STALE, stale_reason=reason)
            )
            audit.append(
                conn,
                at_ms=now,
                actor=actor,
                action="dataset.stale",
                subject=version_id,
                reason=reason,
                details={"erased": int(erased), "withdrawn": int(withdrawn)},
            )
            log.info(
                "dataset version stale version=%s erased=%d withdrawn=%d",
                version_id,
                erased,
                withdrawn,
            )
        return versions(conn)


def rebuild(
    engine: Engine,
    out_dir: Path | str,
    *,
    key: bytes,
    version_id: str | None = None,
    engine_kind: EngineKind = "local",
    ray_address: str | None = None,
    actor: str = "cli",
    clock: Clock | None = None,
) -> Manifest:
    """Build a stale version's spec again into ``out_dir`` (the newest stale version unless
    ``version_id`` names one) and mark the old version superseded by the new one."""
    known = check_status(engine, actor=actor, clock=clock)
    if version_id is not None:
        target = next((v for v in known if v.version_id == version_id), None)
        if target is None:
            raise VersionUnknown("no dataset version with that id", version_id=version_id)
        if target.status == SUPERSEDED:
            raise DatasetError(
                f"version is already superseded by {target.superseded_by}",
                version_id=version_id,
            )
    else:
        stale = [v for v in known if v.status == STALE]
        if not stale:
            raise NothingToRebuild("no dataset version is stale; nothing to rebuild")
        target = stale[0]
    if target.key_fingerprint != key_fingerprint(key):
        raise KeyMismatch(
            "the pseudonym key is not the one this version was built with",
            version_id=target.version_id,
        )
    spec = spec_from_dict(msgspec.json.decode(target.spec))
    manifest = build_dataset(
        engine,
        out_dir,
        spec,
        key=key,
        engine_kind=engine_kind,
        ray_address=ray_address,
        actor=actor,
        clock=clock,
    )
    if manifest.version_id != target.version_id:
        now = to_epoch_ms((clock or SystemClock()).now())
        with write_tx(engine) as conn:
            conn.execute(
                dataset_versions.update()
                .where(dataset_versions.c.version_id == target.version_id)
                .values(status=SUPERSEDED, superseded_by=manifest.version_id)
            )
            # Erased people stay listed only until their version is rebuilt without them.
            forgotten = conn.execute(
                dataset_members.delete().where(
                    (dataset_members.c.version_id == target.version_id)
                    & ~sa.exists().where(people.c.person_id == dataset_members.c.person_id)
                )
            ).rowcount
            audit.append(
                conn,
                at_ms=now,
                actor=actor,
                action="dataset.rebuild",
                subject=target.version_id,
                details={"superseded_by": manifest.version_id, "members_forgotten": forgotten},
            )
    return manifest
