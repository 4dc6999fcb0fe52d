"""Mind2Web-style metrics with confidence intervals bootstrapped over held-out people (pure).

Each evaluated step is an :class:`Outcome`: the true and the predicted action. Then:

* **element accuracy**: the predicted element is the true one, over steps whose true action
  has a target element in the observation;
* **operation F1**: Mind2Web's token-level F1 between the predicted and the true
  ``"OP value"`` strings (``TYPE jane@acme.example``, ``CLICK``), averaged over steps; it
  gives partial credit for a right operation with a partly right value;
* **step success rate**: element, operation and value all right (values compared after
  case folding and collapsing white space; actions without a value need none predicted; a
  scroll's value is its direction, see :func:`comparable`);
* **task success rate**: every step of an episode right.

The intervals resample *people*, not steps: steps of one person are not independent, and the
question is how the model does for people it has not seen. Each metric is a ratio of sums,
so a resample only adds up per-person sums; the seed makes it repeatable.
"""

from __future__ import annotations

import math
import random
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Final

METRICS: Final = ("step_sr", "element_acc", "op_f1", "task_sr")


@dataclass(frozen=True, slots=True)
class Act:
    """An action: operation, target eid (None: no element) and value."""

    op: str
    eid: int | None
    value: str | None


@dataclass(frozen=True, slots=True)
class Outcome:
    """One evaluated step: who, which episode, and the true and predicted actions."""

    person: str
    episode_id: str
    family: str
    gold_op: str
    gold_eid: int | None
    gold_value: str | None
    pred_op: str
    pred_eid: int | None
    pred_value: str | None


@dataclass(frozen=True, slots=True)
class Interval:
    """A metric's value on all people and its bootstrap interval (None when undefined)."""

    value: float | None
    low: float | None
    high: float | None

    def as_dict(self) -> dict[str, float | None]:
        return {"value": self.value, "low": self.low, "high": self.high}


def outcome(person: str, episode_id: str, family: str, gold: Act, pred: Act) -> Outcome:
    return Outcome(
        person, episode_id, family, gold.op, gold.eid, gold.value, pred.op, pred.eid, pred.value
    )


def _norm(value: str | None) -> str:
    return " ".join((value or "").split()).casefold()


def _sign(number: str) -> str:
    try:
        x = float(number)
    except ValueError:
        return "?"
    return "+" if x > 0 else "-" if x < 0 else "0"


def comparable(op: str, value: str | None) -> str | None:
    """The part of a value that counts: a ``SCROLL`` by ``dx,dy`` pixels counts by its
    direction (``0,-`` is up, ``0,+`` down): how far a wheel turn or a drag moves depends
    on the device and the page's length, so people scroll the same page by different
    amounts to the same end, and a runner scrolls until the element it wants is in view.
    Every other value counts whole."""
    if op != "SCROLL" or value is None or "," not in value:
        return value
    dx, _, dy = value.partition(",")
    return f"{_sign(dx)},{_sign(dy)}"


def op_string(op: str, value: str | None) -> str:
    """``"OP value"`` as Mind2Web compares them (just ``OP`` without a value; a scroll by
    its direction)."""
    value = comparable(op, value)
    return f"{op} {value}" if value else op


def token_f1(pred: str, gold: str) -> float:
    """Token-level F1 of two strings (case-folded white-space tokens, counted as
    multisets); 1.0 when both are empty."""
    p, g = Counter(_norm(pred).split()), Counter(_norm(gold).split())
    if not p and not g:
        return 1.0
    common = sum((p & g).values())
    if common == 0:
        return 0.0
    precision, recall = common / sum(p.values()), common / sum(g.values())
    return 2 * precision * recall / (precision + recall)


def element_correct(o: Outcome) -> bool:
    return o.pred_eid == o.gold_eid


def value_correct(o: Outcome) -> bool:
    return _norm(comparable(o.pred_op, o.pred_value)) == _norm(comparable(o.gold_op, o.gold_value))


def step_correct(o: Outcome) -> bool:
    return element_correct(o) and o.pred_op == o.gold_op and value_correct(o)


def task_family(task: str | None) -> str:
    """A coarse task family for breakdowns: the task's first word, lower case."""
    words = (task or "").split()
    return words[0].strip(".,:;!?").casefold() if words else "(no task)"


@dataclass(frozen=True, slots=True)
class Sums:
    """One person's numerators and denominators of every metric."""

    element_hits: int = 0
    element_steps: int = 0
    op_f1: float = 0.0
    step_hits: int = 0
    steps: int = 0
    task_hits: int = 0
    tasks: int = 0

    def __add__(self, other: Sums) -> Sums:
        return Sums(
            self.element_hits + other.element_hits,
            self.element_steps + other.element_steps,
            self.op_f1 + other.op_f1,
            self.step_hits + other.step_hits,
            self.steps + other.steps,
            self.task_hits + other.task_hits,
            self.tasks + other.tasks,
        )

    def metric(self, name: str) -> float | None:
        num, den = {
            "step_sr": (self.step_hits, self.steps),
            "element_acc": (self.element_hits, self.element_steps),
            "op_f1": (self.op_f1, self.steps),
            "task_sr": (self.task_hits, self.tasks),
        }[name]
        return num / den if den else None


def person_sums(outcomes: Iterable[Outcome]) -> dict[str, Sums]:
    """Per-person sums of every metric."""
    by_person: dict[str, Sums] = defaultdict(Sums)
    episodes: dict[tuple[str, str], bool] = {}
    for o in outcomes:
        ok = step_correct(o)
        has_element = o.gold_eid is not None
        by_person[o.person] += Sums(
            element_hits=int(has_element and element_correct(o)),
            element_steps=int(has_element),
            op_f1=token_f1(op_string(o.pred_op, o.pred_value), op_string(o.gold_op, o.gold_value)),
            step_hits=int(ok),
            steps=1,
        )
        key = (o.person, o.episode_id)
        episodes[key] = episodes.get(key, True) and ok
    for (person, _), ok in episodes.items():
        by_person[person] += Sums(task_hits=int(ok), tasks=1)
    return dict(by_person)


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q`` quantile (0..1) of sorted ``values``, interpolating linearly."""
    if not values:
        raise ValueError("percentile of no values")
    pos = q * (len(values) - 1)
    lo, hi = math.floor(pos), math.ceil(pos)
    return values[lo] + (values[hi] - values[lo]) * (pos - lo)


def bootstrap(
    sums: Mapping[str, Sums],
    *,
    resamples: int = 1000,
    seed: int = 0,
    level: float = 0.95,
) -> dict[str, Interval]:
    """Every metric with a percentile-bootstrap interval over people (resampled with
    replacement, ``resamples`` times, from ``random.Random(seed)``)."""
    people = sorted(sums)
    total = sum((sums[p] for p in people), Sums())
    rng = random.Random(seed)
    draws: dict[str, list[float]] = {m: [] for m in METRICS}
    for _ in range(resamples if people else 0):
        sample = sum((sums[people[rng.randrange(len(people))]] for _ in people), Sums())
        for m in METRICS:
            value = sample.metric(m)
            if value is not None:
                draws[m].append(value)
    tail = (1.0 - level) / 2
    out = {}
    for m in METRICS:
        values = sorted(draws[m])
        low = percentile(values, tail) if values else None
        high = percentile(values, 1.0 - tail) if values else None
        out[m] = Interval(total.metric(m), low, high)
    return out


def metric_table(
    outcomes: Sequence[Outcome], *, resamples: int = 1000, seed: int = 0
) -> dict[str, Interval]:
    """The four metrics of a list of outcomes, with intervals over their people."""
    return bootstrap(person_sums(outcomes), resamples=resamples, seed=seed)


def breakdown(outcomes: Iterable[Outcome], key: Callable[[Outcome], str]) -> dict[str, float]:
    """Step success rate per group (``key`` names each outcome's group), groups sorted."""
    hits: Counter[str] = Counter()
    counts: Counter[str] = Counter()
    for o in outcomes:
        group = key(o)
        counts[group] += 1
        hits[group] += step_correct(o)
    return {g: hits[g] / counts[g] for g in sorted(counts)}


def confusion(outcomes: Iterable[Outcome]) -> dict[str, dict[str, int]]:
    """``true op -> predicted op -> count``."""
    table: dict[str, Counter[str]] = defaultdict(Counter)
    for o in outcomes:
        table[o.gold_op][o.pred_op] += 1
    return {g: dict(sorted(c.items())) for g, c in sorted(table.items())}
