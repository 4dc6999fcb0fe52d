"""Epoch milliseconds: the arithmetic form equals floor division by one millisecond."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from hypothesis import given
from hypothesis import strategies as st

from workprint.core.clock import from_epoch_ms, to_epoch_ms

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@given(
    st.datetimes(
        min_value=datetime(1900, 1, 1),
        max_value=datetime(2200, 1, 1),
        timezones=st.sampled_from([UTC, timezone(timedelta(hours=-7, minutes=-30))]),
    )
)
def test_to_epoch_ms_is_floor_milliseconds(value: datetime) -> None:
    assert to_epoch_ms(value) == (value - _EPOCH) // timedelta(milliseconds=1)


@given(st.integers(min_value=-(2**41), max_value=2**42))
def test_epoch_ms_round_trip(ms: int) -> None:
    assert to_epoch_ms(from_epoch_ms(ms)) == ms
