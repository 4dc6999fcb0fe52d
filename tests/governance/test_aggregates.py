"""The purpose lock's aggregates: groups of fewer than k = 10 people never appear."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine

from tests.governance import _seed
from tests.governance._seed import T0_MS
from workprint.governance import aggregates, consent
from workprint.governance.consent import Purpose
from workprint.governance.errors import AggregateRefused
from workprint.store.engine import read_tx, write_tx


def _team(engine: Engine, size: int, app: str, prefix: str, events_each: int = 3) -> None:
    for i in range(size):
        who = _seed.person(engine, f"{prefix}{i:03d}")
        _seed.store(engine, who, _seed.spread(who, events_each, app=app))


def test_groups_under_k_people_are_suppressed(engine: Engine) -> None:
    _team(engine, 10, "crm", "a", events_each=4)  # 10 people: shown
    _team(engine, 9, "mail", "b")  # 9 people: suppressed
    with read_tx(engine) as conn:
        apps = aggregates.aggregate(conn, "apps", "2026-01")
        kinds = aggregates.aggregate(conn, "kinds", "2026-01")
    assert [(g.key, g.people, g.events) for g in apps.groups] == [("crm", 10, 40)]
    assert apps.suppressed == 1
    assert apps.k == aggregates.K == 10
    assert [(g.key, g.people) for g in kinds.groups] == [("click", 19)]
    assert kinds.groups[0].events == 70  # 67, rounded to the nearest ten


def test_a_month_with_nobody_shows_nothing(engine: Engine) -> None:
    _team(engine, 10, "crm", "a")
    with read_tx(engine) as conn:
        empty = aggregates.aggregate(conn, "apps", "2026-02")
    assert empty.groups == () and empty.suppressed == 0


@pytest.mark.parametrize(
    ("view", "month"),
    [
        ("people", "2026-01"),
        ("apps", "2026-01-05"),
        ("apps", "2026-13"),
        ("apps", "last week"),
        ("hours", "2026-01"),
    ],
    ids=["per-person", "one-day", "no-such-month", "free-text", "per-hour"],
)
def test_finer_views_are_refused(engine: Engine, view: str, month: str) -> None:
    with pytest.raises(AggregateRefused), read_tx(engine) as conn:
        aggregates.aggregate(conn, view, month)


def test_month_ranges_are_whole_calendar_months() -> None:
    start, end = aggregates.month_range("2026-12")
    assert end - start == 31 * 86_400_000
    assert aggregates.month_range("2026-01")[0] == T0_MS - (4 * 24 + 9) * 3_600_000


def test_consent_overview_suppresses_small_counts(engine: Engine) -> None:
    for i in range(12):
        _seed.person(engine, f"p{i:03d}")  # capture
    with write_tx(engine) as conn:
        for i in range(3):
            consent.grant_current(conn, f"p{i:03d}", Purpose.TRAINING, T0_MS, "t")
        total, counts = aggregates.consent_overview(conn)
    assert total == 12
    assert {c.purpose: c.people for c in counts} == {
        "capture": 12,
        "training": None,
        "evaluation": None,
    }
