"""Reading the store for a build: who may be included, and each person's events in chunks.

Only people with a live ``training`` grant are read. A person's events are read stream by
stream (one device, one capturer), each in keyset-paged chunks of a bounded size ordered by
device time, each chunk in its own short read transaction; the merge of those streams
(:func:`workprint.dataset.episodes.merge_streams`) holds one chunk per stream, never a whole
history. Events stored after the build began (``pk`` above the watermark) are not read, so a
build sees one point in time however long it runs.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from workprint.dataset.errors import DatasetError
from workprint.governance.consent import Purpose
from workprint.privacy.policy import Policy
from workprint.store.engine import read_tx
from workprint.store.schema import batches, consent_grants, events, people


def eligible_people(conn: Connection) -> list[str]:
    """Person ids with a live training grant, sorted."""
    query = (
        sa.select(people.c.person_id)
        .where(
            sa.exists().where(
                (consent_grants.c.person_id == people.c.person_id)
                & (consent_grants.c.purpose == Purpose.TRAINING.value)
                & consent_grants.c.withdrawn_at_ms.is_(None)
            )
        )
        .order_by(people.c.person_id)
    )
    return [row.person_id for row in conn.execute(query)]


def watermark(conn: Connection) -> int:
    """The newest stored event's ``pk``: the build reads nothing stored after it."""
    value = conn.execute(sa.select(sa.func.max(events.c.pk))).scalar_one_or_none()
    return int(value or 0)


def deny_names(conn: Connection, policy: Policy, base: Path | None = None) -> tuple[str, ...]:
    """The person names the policy's deny-list sources name (``store:people`` reads the
    people's display names; ``file:PATH`` one name a line). A missing file is an error: the
    names it holds would otherwise go unredacted."""
    names: set[str] = set()
    for source in policy.document.deny_list.sources:
        kind, _, where = source.partition(":")
        if kind == "store" and where == "people":
            rows = conn.execute(
                sa.select(people.c.display_name).where(people.c.display_name.is_not(None))
            )
            names.update(r.display_name.strip() for r in rows if r.display_name.strip())
        elif kind == "file":
            path = (base or Path.cwd()) / where
            try:
                text = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise DatasetError(
                    f"deny-list file {where} named by the policy cannot be read"
                ) from exc
            names.update(line.strip() for line in text.splitlines() if line.strip())
    return tuple(sorted(names))


def person_streams(
    engine: Engine, person_id: str, streams: Sequence[str], upto_pk: int
) -> list[tuple[str, str]]:
    """``(device_id, stream)`` pairs with events of the person, sorted."""
    with read_tx(engine) as conn:
        rows = conn.execute(
            sa.select(events.c.device_id, events.c.stream)
            .where(
                (events.c.person_id == person_id)
                & events.c.stream.in_(list(streams))
                & (events.c.pk <= upto_pk)
            )
            .distinct()
            .order_by(events.c.device_id, events.c.stream)
        )
        return [(r.device_id, r.stream) for r in rows]


def stream_rows(
    engine: Engine,
    person_id: str,
    device_id: str,
    stream: str,
    *,
    upto_pk: int,
    chunk: int,
) -> Iterator[tuple[dict[str, Any], int]]:
    """``(event row, batch skew ms)`` of one stream in device-time order (ties in the
    capturer's sequence order), read in keyset-paged chunks."""
    skew = sa.func.coalesce(batches.c.skew_ms, 0).label("batch_skew_ms")
    base = (
        sa.select(events, skew)
        .select_from(events.outerjoin(batches, events.c.batch_id == batches.c.batch_id))
        .where(
            (events.c.person_id == person_id)
            & (events.c.device_id == device_id)
            & (events.c.stream == stream)
            & (events.c.pk <= upto_pk)
        )
        .order_by(events.c.occurred_at_ms, events.c.seq, events.c.pk)
        .limit(chunk)
    )
    after: tuple[int, int, int] | None = None
    while True:
        query = base
        if after is not None:
            at, seq, pk = after
            same_ms = events.c.occurred_at_ms == at
            query = base.where(
                (events.c.occurred_at_ms > at)
                | (same_ms & (events.c.seq > seq))
                | (same_ms & (events.c.seq == seq) & (events.c.pk > pk))
            )
        with read_tx(engine) as conn:
            rows = [dict(r._mapping) for r in conn.execute(query)]
        for row in rows:
            yield row, int(row.pop("batch_skew_ms"))
        if len(rows) < chunk:
            return
        after = (rows[-1]["occurred_at_ms"], rows[-1]["seq"], rows[-1]["pk"])
