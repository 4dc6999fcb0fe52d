"""Sequence-gap bookkeeping: tables of cases plus a property against a brute-force model."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workprint.store.seqgaps import advance, missing_count


@pytest.mark.parametrize(
    ("max_seq", "gaps", "seqs", "expected"),
    [
        pytest.param(0, [], [1, 2, 3], (3, []), id="contiguous-from-one"),
        pytest.param(0, [], [0, 1], (1, []), id="starting-at-zero-is-fine"),
        pytest.param(0, [], [4, 5], (5, [(1, 3)]), id="first-batch-starts-late"),
        pytest.param(5, [], [6, 9], (9, [(7, 8)]), id="hole-inside-batch"),
        pytest.param(9, [(7, 8)], [7], (9, [(8, 8)]), id="late-event-shrinks-gap"),
        pytest.param(9, [(3, 7)], [5], (9, [(3, 4), (6, 7)]), id="late-event-splits-gap"),
        pytest.param(9, [(7, 8)], [8, 7], (9, []), id="late-events-close-gap"),
        pytest.param(9, [], [2, 3], (9, []), id="already-seen-is-harmless"),
        pytest.param(3, [], [10, 5, 7], (10, [(4, 4), (6, 6), (8, 9)]), id="unordered"),
    ],
)
def test_advance(
    max_seq: int,
    gaps: list[tuple[int, int]],
    seqs: list[int],
    expected: tuple[int, list[tuple[int, int]]],
) -> None:
    assert advance(max_seq, gaps, seqs) == expected


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(st.integers(1, 60), max_size=12), max_size=8))
def test_gaps_are_exactly_the_missing_numbers(batches: list[list[int]]) -> None:
    max_seq, gaps = 0, []
    seen: set[int] = set()
    for batch in batches:
        max_seq, gaps = advance(max_seq, gaps, batch)
        seen.update(batch)
    expected_missing = {n for n in range(1, max_seq + 1) if n not in seen}
    actual_missing = {n for lo, hi in gaps for n in range(lo, hi + 1)}
    assert actual_missing == expected_missing
    assert missing_count(gaps) == len(expected_missing)
    assert gaps == sorted(gaps)
    assert all(lo <= hi for lo, hi in gaps)
