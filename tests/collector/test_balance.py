"""Least-connections rebalancing of ``workprint serve --workers N`` (balance.py)."""

from __future__ import annotations

import pytest

from workprint.collector import balance
from workprint.collector.balance import Balancer


def test_a_worker_above_its_fair_share_closes_only_its_surplus() -> None:
    counts = [5, 3]
    busy, idle = Balancer(counts, 0), Balancer(counts, 1)
    assert idle.should_close() is False  # 3 <= ceil(8 / 2)
    assert busy.should_close() is True  # 5 > 4: one too many
    assert busy.should_close() is False  # that one is already on its way out
    busy.publish(4)
    assert counts == [4, 3]
    assert busy.should_close() is False


def test_a_new_count_allows_shedding_again() -> None:
    counts = [7, 1]
    worker = Balancer(counts, 0)
    assert [worker.should_close() for _ in range(5)] == [True, True, True, False, False]
    worker.publish(6)  # one of the three reconnected here again
    assert [worker.should_close() for _ in range(4)] == [True, True, False, False]


@pytest.mark.parametrize(
    ("counts", "closing"),
    [([4, 4], []), ([4, 3], []), ([0, 0], []), ([3, 3, 3], []), ([5, 1, 1], [0]), ([2, 2, 5], [2])],
)
def test_only_workers_above_the_ceiling_of_the_mean_close(
    counts: list[int], closing: list[int]
) -> None:
    shared = list(counts)
    assert [i for i in range(len(counts)) if Balancer(shared, i).should_close()] == closing


def test_a_lone_worker_never_closes() -> None:
    balance.install(None)
    balance.publish(100)
    assert balance.should_close() is False


def test_the_index_must_name_a_worker() -> None:
    with pytest.raises(ValueError, match="out of range"):
        Balancer([0, 0], 2)
