"""The purpose lock's only window on activity: aggregates over at least k = 10 people.

Workprint exists to make training data, not to watch people. So no per-person activity,
productivity or timing view exists anywhere, and the aggregates here are the only summaries of
activity any role can see:

* ``apps``: for each application, how many distinct people used it and about how many events;
* ``kinds``: the same per event kind (clicks, typing, navigation...): the volume of each kind
  of work step.

Rules, enforced here and nowhere else:

* a group with fewer than :data:`K` distinct people is suppressed (left out; the answer says
  how many were);
* the period is one whole calendar month (UTC): fixed, non-overlapping windows, so two
  answers cannot be subtracted to isolate one day or one person;
* event counts are rounded to the nearest :data:`ROUND_TO`;
* nothing is ever grouped by person, device, session, hour or day.

K is a constant, not a setting: lowering it would switch the purpose lock off.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final, Literal

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from workprint.core.clock import to_epoch_ms
from workprint.governance.errors import AggregateRefused
from workprint.store.schema import consent_grants, events, people

K: Final = 10
ROUND_TO: Final = 10
View = Literal["apps", "kinds"]
VIEWS: Final[tuple[View, ...]] = ("apps", "kinds")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
NO_APP: Final = "(no application)"


@dataclass(frozen=True, slots=True)
class Group:
    key: str
    people: int
    events: int
    """Rounded to the nearest :data:`ROUND_TO`."""


@dataclass(frozen=True, slots=True)
class Aggregate:
    view: View
    month: str
    k: int
    groups: tuple[Group, ...]
    suppressed: int
    """How many groups had fewer than ``k`` people and were left out."""


def month_range(month: str) -> tuple[int, int]:
    """``[start, end)`` in epoch milliseconds of a ``YYYY-MM`` calendar month (UTC)."""
    m = _MONTH.match(month)
    if m is None:
        raise AggregateRefused("the period must be one calendar month, written YYYY-MM")
    year, mon = int(m.group(1)), int(m.group(2))
    if not (1970 <= year <= 9998 and 1 <= mon <= 12):
        raise AggregateRefused("the period must be one calendar month, written YYYY-MM")
    start = datetime(year, mon, 1, tzinfo=UTC)
    end = datetime(year + mon // 12, mon % 12 + 1, 1, tzinfo=UTC)
    return to_epoch_ms(start), to_epoch_ms(end)


def _round(n: int) -> int:
    return int((n + ROUND_TO // 2) // ROUND_TO * ROUND_TO)


def aggregate(conn: Connection, view: str, month: str) -> Aggregate:
    """The ``view`` aggregate of ``month``: only groups of at least :data:`K` people."""
    if view not in VIEWS:
        raise AggregateRefused(f"aggregate view must be one of {', '.join(VIEWS)}")
    start, end = month_range(month)
    column = events.c.app if view == "apps" else events.c.kind
    rows = conn.execute(
        sa.select(
            column.label("key"),
            sa.func.count(sa.distinct(events.c.person_id)).label("people"),
            sa.func.count().label("n"),
        )
        .where((events.c.occurred_at_ms >= start) & (events.c.occurred_at_ms < end))
        .group_by(column)
    ).all()
    kept: list[Group] = []
    suppressed = 0
    for row in rows:
        if int(row.people) < K:
            suppressed += 1
            continue
        kept.append(
            Group(row.key if row.key is not None else NO_APP, int(row.people), _round(int(row.n)))
        )
    kept.sort(key=lambda g: (-g.people, -g.events, g.key))
    checked: View = "apps" if view == "apps" else "kinds"
    return Aggregate(checked, month, K, tuple(kept), suppressed)


@dataclass(frozen=True, slots=True)
class ConsentCount:
    purpose: str
    people: int | None
    """People with a live grant; None when fewer than :data:`K` (suppressed)."""


def consent_overview(conn: Connection) -> tuple[int | None, tuple[ConsentCount, ...]]:
    """How many people are enrolled and how many hold a live grant per purpose; counts under
    :data:`K` are suppressed. Never who."""
    total = int(conn.execute(sa.select(sa.func.count()).select_from(people)).scalar_one())
    live = conn.execute(
        sa.select(
            consent_grants.c.purpose,
            sa.func.count(sa.distinct(consent_grants.c.person_id)).label("n"),
        )
        .where(consent_grants.c.withdrawn_at_ms.is_(None))
        .group_by(consent_grants.c.purpose)
    )
    rows = {str(r.purpose): int(r.n) for r in live}
    counts = tuple(
        ConsentCount(p, int(rows[p]) if int(rows.get(p, 0)) >= K else None)
        for p in ("capture", "training", "evaluation")
    )
    return (total if total >= K else None), counts
