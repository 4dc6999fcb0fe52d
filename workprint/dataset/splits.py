"""Splits by person (pure): nobody is on both sides of a train/evaluation boundary.

Two methods, both deterministic from the spec's seed and the pseudonyms:

* ``hash`` (the default): each person's split is a function of their pseudonym and the seed
  alone: a SHA-256 of ``seed`` and the pseudonym, read as a number in [0, 1), falls into one
  of the cumulative ratio bands. Adding or removing people never moves anyone else (a
  shuffle-and-cut split would reshuffle everyone), which is what a growing organisation
  needs; the shares are only met on average, so a small group can be split unevenly (12
  people at 2/3 : 1/3 put a single person on the test side about one time in twenty).
* ``quota``: the same numbers rank the people, and the splits take exact counts in that
  order (the shares times the number of people, rounded by largest remainder, every split
  with a share above 0 getting at least one person while there are enough). For a small,
  fixed group (a pilot team, the demo's): its evaluation always has the people it asked
  for. Adding people can move a person at a boundary between neighbouring splits, so a
  later version may not hold the same people out.

Held-out apps and origins give a cross-site test: an episode that touches one of them never
goes to ``train`` or to any other split by ratio. It goes to the :data:`CROSS_SITE` split
when its person is outside ``train``, and is dropped when its person is in ``train`` (so
the cross-site split is unseen in both sites and people, like Mind2Web's cross-website test
but stricter).
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Final, Literal

from workprint.dataset.errors import SpecInvalid
from workprint.privacy.policy import normalise_origin

TRAIN: Final = "train"
CROSS_SITE: Final = "cross_site"
_NAME = re.compile(r"^[a-z][a-z0-9_]{0,31}$")


@dataclass(frozen=True, slots=True)
class SplitSpec:
    """How people and episodes are assigned to splits (the ``[splits]`` table of a spec)."""

    ratios: tuple[tuple[str, float], ...] = ((TRAIN, 0.8), ("val", 0.1), ("test", 0.1))
    """Split names and the share of people in each, in order; the shares sum to 1."""
    held_out_apps: tuple[str, ...] = ()
    """Applications (window class, case-insensitive) kept out of every split but
    ``cross_site``."""
    held_out_origins: tuple[str, ...] = ()
    """URL origins (``https://host[:port]``) kept out of every split but ``cross_site``."""
    method: Literal["hash", "quota"] = "hash"
    """``hash``: each person on their own (stable as people come and go); ``quota``: exact
    shares of the people present (see the module docstring)."""

    def __post_init__(self) -> None:
        names = [name for name, _ in self.ratios]
        if not names:
            raise SpecInvalid("splits.ratios must name at least one split")
        for name, share in self.ratios:
            if not _NAME.match(name) or name == CROSS_SITE:
                raise SpecInvalid(
                    f"split name {name!r} must be lower-case letters, digits and _ "
                    f"(and not {CROSS_SITE!r})"
                )
            if not (0.0 <= share <= 1.0) or math.isnan(share):
                raise SpecInvalid(f"share of split {name!r} must be between 0 and 1")
        if len(set(names)) != len(names):
            raise SpecInvalid("split names must be unique")
        if abs(sum(share for _, share in self.ratios) - 1.0) > 1e-6:
            raise SpecInvalid("split shares must sum to 1")
        for origin in self.held_out_origins:
            try:
                normalise_origin(origin)
            except ValueError:
                raise SpecInvalid(
                    "splits.held_out_origins entries must look like https://host[:port]"
                ) from None

    @property
    def names(self) -> tuple[str, ...]:
        """Every split a dataset of this spec can have, in order."""
        held = (CROSS_SITE,) if self.held_out_apps or self.held_out_origins else ()
        return (*(name for name, _ in self.ratios), *held)


def unit_hash(seed: int, pseudonym: str) -> float:
    """A number in [0, 1) fixed by the seed and the pseudonym."""
    digest = hashlib.sha256(f"{seed}\x00{pseudonym}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def person_split(pseudonym: str, seed: int, spec: SplitSpec) -> str:
    """The split of one person."""
    u = unit_hash(seed, pseudonym)
    total = 0.0
    chosen = spec.ratios[-1][0]
    for name, share in spec.ratios:
        total += share
        if u < total:
            chosen = name
            break
    # A share of 0 never receives anyone, even at the rounding edge.
    if dict(spec.ratios)[chosen] == 0.0:
        chosen = next(name for name, share in reversed(spec.ratios) if share > 0)
    return chosen


def assign(pseudonyms: Iterable[str], seed: int, spec: SplitSpec) -> dict[str, str]:
    """``pseudonym -> split`` for many people: each on their own (``hash``), or exact
    counts in the order of their numbers (``quota``)."""
    people = sorted(set(pseudonyms))
    if spec.method == "hash":
        return {p: person_split(p, seed, spec) for p in people}
    ranked = sorted(people, key=lambda p: (unit_hash(seed, p), p))
    out: dict[str, str] = {}
    at = 0
    for (name, _share), count in zip(spec.ratios, quota_counts(len(ranked), spec), strict=True):
        out.update((p, name) for p in ranked[at : at + count])
        at += count
    return out


def quota_counts(n: int, spec: SplitSpec) -> list[int]:
    """People per split for ``n`` people under ``quota``: the shares times ``n`` rounded by
    largest remainder (ties to the earlier split), then, while some split with a share above
    0 has nobody, one person moved to it from the split that has the most."""
    exact = [share * n for _, share in spec.ratios]
    counts = [math.floor(x) for x in exact]
    by_remainder = sorted(range(len(exact)), key=lambda i: (counts[i] - exact[i], i))
    for i in by_remainder[: n - sum(counts)]:
        counts[i] += 1
    for i, (_, share) in enumerate(spec.ratios):
        if share > 0 and counts[i] == 0:
            donor = max(range(len(counts)), key=lambda j: (counts[j], -j))
            if counts[donor] > 1:
                counts[donor] -= 1
                counts[i] += 1
    return counts


def is_held_out(apps: Iterable[str], origins: Iterable[str], spec: SplitSpec) -> bool:
    """True when an episode touches a held-out app or origin."""
    held_apps = {a.lower() for a in spec.held_out_apps}
    if held_apps and any(a.lower() in held_apps for a in apps):
        return True
    held_origins = {normalise_origin(o) for o in spec.held_out_origins}
    return bool(held_origins) and any(_origin(o) in held_origins for o in origins)


def _origin(value: str) -> str:
    try:
        return normalise_origin(value)
    except ValueError:
        return value


def episode_split(
    person: str,
    apps: Iterable[str],
    origins: Iterable[str],
    splits: Mapping[str, str],
    spec: SplitSpec,
) -> str | None:
    """The split of one episode of ``person`` (whose split is in ``splits``); None when the
    episode is dropped (a held-out site visited by a person in ``train``)."""
    split = splits[person]
    if not is_held_out(apps, origins, spec):
        return split
    return None if split == TRAIN else CROSS_SITE
