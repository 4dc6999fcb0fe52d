"""A person's own data as stored: their timeline of events and what else is kept about them.

This is the right of access. Only the person themself is shown their timeline (the portal
passes the signed-in employee's person id and nothing else); every read is audited by the
caller in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from workprint.governance import consent, pause
from workprint.store.rows import row_to_wire
from workprint.store.schema import devices, events, people, quarantine

PAGE_MAX = 500


@dataclass(frozen=True, slots=True)
class Cursor:
    """Where the next (older) page starts: strictly before this event."""

    occurred_at_ms: int
    pk: int

    def encode(self) -> str:
        return f"{self.occurred_at_ms}.{self.pk}"

    @staticmethod
    def decode(text: str | None) -> Cursor | None:
        if not text:
            return None
        at, _, pk = text.partition(".")
        if not (at.lstrip("-").isdigit() and pk.isdigit()):
            return None
        return Cursor(int(at), int(pk))


@dataclass(frozen=True, slots=True)
class TimelineEvent:
    pk: int
    occurred_at_ms: int
    received_at_ms: int
    wire: dict[str, Any]
    """The event as it was accepted (wire format v1)."""


@dataclass(frozen=True, slots=True)
class TimelinePage:
    events: tuple[TimelineEvent, ...]
    next: Cursor | None


def page(
    conn: Connection,
    person_id: str,
    *,
    kind: str | None = None,
    since_ms: int | None = None,
    until_ms: int | None = None,
    before: Cursor | None = None,
    limit: int = 100,
) -> TimelinePage:
    """One page of the person's events, newest first, filtered by kind and time."""
    size = max(1, min(limit, PAGE_MAX))
    c = events.c
    query = sa.select(events).where(c.person_id == person_id)
    if kind:
        query = query.where(c.kind == kind)
    if since_ms is not None:
        query = query.where(c.occurred_at_ms >= since_ms)
    if until_ms is not None:
        query = query.where(c.occurred_at_ms < until_ms)
    if before is not None:
        query = query.where(
            (c.occurred_at_ms < before.occurred_at_ms)
            | ((c.occurred_at_ms == before.occurred_at_ms) & (c.pk < before.pk))
        )
    rows = conn.execute(query.order_by(c.occurred_at_ms.desc(), c.pk.desc()).limit(size + 1)).all()
    shown = [
        TimelineEvent(r.pk, r.occurred_at_ms, r.received_at_ms, row_to_wire(dict(r._mapping)))
        for r in rows[:size]
    ]
    nxt = Cursor(shown[-1].occurred_at_ms, shown[-1].pk) if len(rows) > size else None
    return TimelinePage(tuple(shown), nxt)


def count_in_range(conn: Connection, person_id: str, from_ms: int, to_ms: int) -> int:
    """How many of the person's events occurred in ``[from_ms, to_ms)``."""
    return int(
        conn.execute(
            sa.select(sa.func.count())
            .select_from(events)
            .where(
                (events.c.person_id == person_id)
                & (events.c.occurred_at_ms >= from_ms)
                & (events.c.occurred_at_ms < to_ms)
            )
        ).scalar_one()
    )


def summary(conn: Connection, person_id: str) -> dict[str, Any]:
    """Everything kept about the person except events and quarantined bytes: the person
    record, devices, consent history and the capture switch."""
    person = conn.execute(sa.select(people).where(people.c.person_id == person_id)).first()
    device_rows = conn.execute(
        sa.select(
            devices.c.device_id, devices.c.status, devices.c.created_at_ms, devices.c.revoked_at_ms
        )
        .where(devices.c.person_id == person_id)
        .order_by(devices.c.created_at_ms)
    )
    state = pause.state(conn, person_id)
    return {
        "person": None
        if person is None
        else {
            "person_id": person.person_id,
            "display_name": person.display_name,
            "created_at_ms": person.created_at_ms,
        },
        "devices": [dict(r._mapping) for r in device_rows],
        "consent": [
            {
                "grant_id": g.grant_id,
                "purpose": g.purpose.value,
                "notice_version": g.notice_version,
                "granted_at_ms": g.granted_at_ms,
                "withdrawn_at_ms": g.withdrawn_at_ms,
            }
            for g in consent.history(conn, person_id)
        ],
        "capture_paused": state.paused,
        "events": int(
            conn.execute(
                sa.select(sa.func.count())
                .select_from(events)
                .where(events.c.person_id == person_id)
            ).scalar_one()
        ),
        "quarantined": int(
            conn.execute(
                sa.select(sa.func.count())
                .select_from(quarantine)
                .where(quarantine.c.person_id == person_id)
            ).scalar_one()
        ),
    }
