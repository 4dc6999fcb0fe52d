"""Keyed pseudonyms: stable per key, different across keys, never the id itself."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workprint.privacy.pseudonym import new_key, pseudonym


@given(st.text(min_size=1, max_size=64))
def test_stable_and_keyed(person: str) -> None:
    key, other = b"k" * 32, b"o" * 32
    assert pseudonym(person, key) == pseudonym(person, key)
    assert pseudonym(person, key) != pseudonym(person, other)


def test_distinct_people_get_distinct_pseudonyms() -> None:
    key = new_key()
    names = {pseudonym(f"emp{n:04d}", key) for n in range(5000)}
    assert len(names) == 5000


def test_short_keys_are_refused() -> None:
    with pytest.raises(ValueError):
        pseudonym("emp1", b"short")
