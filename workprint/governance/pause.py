"""The per-person capture switch: a person pauses and resumes capture from the portal.

The state lives in ``person_state``; agents and SDKs read it (the collector reports it with
the device) and stop capturing while it is set. Pausing is the person's own decision and is
deliberately not written to the audit log: a trail of when each person paused would be the
per-person timing record the purpose lock forbids. Only the current state is kept, and only
the person sees it.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from workprint.governance.accounts import require_person
from workprint.store.schema import person_state


@dataclass(frozen=True, slots=True)
class CaptureState:
    paused: bool
    changed_at_ms: int | None


def state(conn: Connection, person_id: str) -> CaptureState:
    row = conn.execute(
        sa.select(person_state.c.capture_paused, person_state.c.changed_at_ms).where(
            person_state.c.person_id == person_id
        )
    ).first()
    if row is None:
        return CaptureState(False, None)
    return CaptureState(bool(row.capture_paused), int(row.changed_at_ms))


def is_paused(conn: Connection, person_id: str) -> bool:
    """True while the person has paused capture (what ``GET /v1/device`` reports)."""
    return state(conn, person_id).paused


def set_paused(conn: Connection, person_id: str, paused: bool, *, at_ms: int) -> CaptureState:
    """Pause or resume capture for the person; a no-op when already so."""
    require_person(conn, person_id)
    current = state(conn, person_id)
    if current.changed_at_ms is not None and current.paused == paused:
        return current
    if current.changed_at_ms is None:
        conn.execute(
            person_state.insert().values(
                person_id=person_id, capture_paused=paused, changed_at_ms=at_ms
            )
        )
    else:
        conn.execute(
            person_state.update()
            .where(person_state.c.person_id == person_id)
            .values(capture_paused=paused, changed_at_ms=at_ms)
        )
    return CaptureState(paused, at_ms)
