"""Splits by person: nobody on both sides, deterministic, stable when people are added."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workprint.dataset.errors import SpecInvalid
from workprint.dataset.splits import (
    CROSS_SITE,
    TRAIN,
    SplitSpec,
    assign,
    episode_split,
    is_held_out,
    person_split,
    quota_counts,
)

pseudonyms = st.lists(
    st.text(alphabet="0123456789abcdef", min_size=20, max_size=20).map(lambda s: "p_" + s),
    min_size=1,
    max_size=60,
    unique=True,
)
seeds = st.integers(min_value=0, max_value=2**31)
HELD = SplitSpec(held_out_origins=("https://wiki.example.test",), held_out_apps=("Slack",))
SITES = [
    ((), ("https://crm.example.test",)),
    ((), ("https://wiki.example.test",)),
    (("slack",), ()),
    (("code",), ("https://crm.example.test",)),
]


@settings(max_examples=60, deadline=None)
@given(
    people=pseudonyms,
    seed=seeds,
    episodes=st.lists(st.tuples(st.integers(0, 59), st.sampled_from(SITES)), max_size=120),
)
def test_nobody_is_in_train_and_an_evaluation_split(
    people: list[str],
    seed: int,
    episodes: list[tuple[int, tuple[tuple[str, ...], tuple[str, ...]]]],
) -> None:
    splits = assign(people, seed, HELD)
    members: dict[str, set[str]] = {}
    for index, (apps, origins) in episodes:
        person = people[index % len(people)]
        split = episode_split(person, apps, origins, splits, HELD)
        if split is not None:
            members.setdefault(split, set()).add(person)
    train = members.get(TRAIN, set())
    for name, who in members.items():
        if name != TRAIN:
            assert not (train & who), f"{name} shares people with train"
    # Person splits partition the people.
    ratio_members = [members.get(n, set()) for n, _ in HELD.ratios]
    for i, a in enumerate(ratio_members):
        for b in ratio_members[i + 1 :]:
            assert not (a & b)


@settings(max_examples=60, deadline=None)
@given(people=pseudonyms, seed=seeds)
def test_assignment_is_deterministic(people: list[str], seed: int) -> None:
    assert assign(people, seed, SplitSpec()) == assign(list(reversed(people)), seed, SplitSpec())


@settings(max_examples=60, deadline=None)
@given(people=pseudonyms, more=pseudonyms, seed=seeds)
def test_adding_people_moves_nobody_else(people: list[str], more: list[str], seed: int) -> None:
    before = assign(people, seed, SplitSpec())
    after = assign(people + [p for p in more if p not in before], seed, SplitSpec())
    assert {p: after[p] for p in before} == before


def test_shares_are_respected_in_large_numbers() -> None:
    people = [f"p_{i:020x}" for i in range(4000)]
    counts = Counter(assign(people, 7, SplitSpec()).values())
    assert abs(counts[TRAIN] / 4000 - 0.8) < 0.03
    assert abs(counts["val"] / 4000 - 0.1) < 0.02
    assert abs(counts["test"] / 4000 - 0.1) < 0.02


QUOTA = SplitSpec(ratios=(("train", 0.67), ("test", 0.33)), method="quota")
QUOTA3 = SplitSpec(method="quota")


def test_quota_gives_a_small_team_exact_shares_whoever_they_are() -> None:
    for seed in range(40):
        people = [f"p_{seed:04d}{i:016x}" for i in range(12)]
        assert Counter(assign(people, seed, QUOTA).values()) == {"train": 8, "test": 4}
    # The hash method leaves this team with a single tester (or none) for some seeds.
    held = [
        Counter(
            assign(
                [f"p_{s:04d}{i:016x}" for i in range(12)], s, SplitSpec(ratios=QUOTA.ratios)
            ).values()
        )["test"]
        for s in range(40)
    ]
    assert min(held) <= 2 < 4 <= max(held)


@settings(max_examples=80, deadline=None)
@given(people=pseudonyms, seed=seeds)
def test_quota_counts_follow_the_shares(people: list[str], seed: int) -> None:
    for spec in (QUOTA, QUOTA3):
        got = Counter(assign(people, seed, spec).values())
        n = len(people)
        assert sum(got.values()) == n
        if all(share * n >= 1 for _, share in spec.ratios if share > 0):
            for name, share in spec.ratios:  # rounding alone: never a whole person off
                assert abs(got[name] - share * n) < 1, (name, got, n)
        positive = [name for name, share in spec.ratios if share > 0]
        if n >= len(positive):
            assert all(got[name] >= 1 for name in positive)
    # Deterministic and independent of the order people come in.
    assert assign(people, seed, QUOTA) == assign(list(reversed(people)), seed, QUOTA)


def test_quota_counts() -> None:
    assert quota_counts(12, QUOTA) == [8, 4]
    assert quota_counts(1, QUOTA) == [1, 0]
    assert quota_counts(3, QUOTA) == [2, 1]
    assert quota_counts(5, QUOTA3) == [3, 1, 1]
    assert quota_counts(10, QUOTA3) == [8, 1, 1]
    zero = SplitSpec(ratios=(("train", 0.5), ("val", 0.0), ("test", 0.5)), method="quota")
    assert quota_counts(7, zero)[1] == 0


def test_quota_moves_at_most_a_boundary_person_when_one_joins() -> None:
    people = [f"p_{i:020x}" for i in range(12)]
    before = assign(people, 5, QUOTA)
    after = assign([*people, "p_" + "f" * 20], 5, QUOTA)
    assert sum(before[p] != after[p] for p in people) <= 1


def test_the_seed_changes_the_assignment() -> None:
    people = [f"p_{i:020x}" for i in range(200)]
    assert assign(people, 1, SplitSpec()) != assign(people, 2, SplitSpec())


def test_a_zero_share_receives_nobody() -> None:
    spec = SplitSpec(ratios=(("train", 0.5), ("val", 0.0), ("test", 0.5)))
    people = [f"p_{i:020x}" for i in range(500)]
    assert "val" not in set(assign(people, 3, spec).values())


@pytest.mark.parametrize(
    ("person_in", "apps", "origins", "expected"),
    [
        (TRAIN, (), ("https://crm.example.test",), TRAIN),
        (TRAIN, (), ("https://wiki.example.test",), None),
        ("test", (), ("https://WIKI.example.test:443",), CROSS_SITE),
        ("val", ("SLACK",), (), CROSS_SITE),
        ("val", ("code",), (), "val"),
    ],
    ids=[
        "ordinary",
        "held_out_by_train_dropped",
        "held_out_origin_normalised",
        "held_out_app_case_insensitive",
        "other_app",
    ],
)
def test_episode_split(
    person_in: str, apps: tuple[str, ...], origins: tuple[str, ...], expected: str | None
) -> None:
    assert episode_split("p", apps, origins, {"p": person_in}, HELD) == expected


def test_cross_site_is_a_split_name_only_with_held_out_sites() -> None:
    assert CROSS_SITE not in SplitSpec().names
    assert HELD.names == (TRAIN, "val", "test", CROSS_SITE)
    assert not is_held_out(("code",), ("https://crm.example.test",), SplitSpec())


def test_person_split_of_one_share() -> None:
    assert person_split("p_any", 0, SplitSpec(ratios=(("all", 1.0),))) == "all"


@pytest.mark.parametrize(
    "kwargs",
    [
        {"ratios": ()},
        {"ratios": (("train", 0.5), ("test", 0.4))},
        {"ratios": (("train", 0.5), ("train", 0.5))},
        {"ratios": (("Train!", 1.0),)},
        {"ratios": ((CROSS_SITE, 1.0),)},
        {"ratios": (("train", 1.5), ("test", -0.5))},
        {"held_out_origins": ("not an origin",)},
    ],
    ids=[
        "empty",
        "sum_not_one",
        "duplicate",
        "bad_name",
        "reserved_name",
        "out_of_range",
        "bad_origin",
    ],
)
def test_invalid_split_specs(kwargs: dict[str, object]) -> None:
    with pytest.raises(SpecInvalid):
        SplitSpec(**kwargs)  # type: ignore[arg-type]
