"""The metrics are pure: tables of outcomes in, numbers out; intervals resample people."""

from __future__ import annotations

import pytest

from workprint.train.metrics import (
    Act,
    Sums,
    bootstrap,
    breakdown,
    confusion,
    metric_table,
    op_string,
    outcome,
    percentile,
    person_sums,
    step_correct,
    task_family,
    token_f1,
)


@pytest.mark.parametrize(
    ("pred", "gold", "f1"),
    [
        ("CLICK", "CLICK", 1.0),
        ("TYPE jane doe", "TYPE jane doe", 1.0),
        ("TYPE Jane  Doe", "type jane doe", 1.0),
        ("TYPE jane", "TYPE jane doe", 0.8),
        ("CLICK", "TYPE jane", 0.0),
        ("", "", 1.0),
        ("SELECT won", "SELECT lost", 0.5),
    ],
    ids=["same-op", "same-value", "case-space", "partial", "disjoint", "empty", "half"],
)
def test_token_f1(pred: str, gold: str, f1: float) -> None:
    assert token_f1(pred, gold) == pytest.approx(f1)


@pytest.mark.parametrize(
    ("op", "value", "text"),
    [
        ("CLICK", None, "CLICK"),
        ("TYPE", "hi there", "TYPE hi there"),
        ("KEY", "", "KEY"),
        ("SCROLL", "0,-240", "SCROLL 0,-"),
        ("SCROLL", "down", "SCROLL down"),
    ],
    ids=["no-value", "value", "empty-value", "scroll-direction", "scroll-unparsed"],
)
def test_op_string(op: str, value: str | None, text: str) -> None:
    assert op_string(op, value) == text


def _o(gold: Act, pred: Act, person: str = "p1", episode: str = "e1") -> object:
    return outcome(person, episode, "create", gold, pred)


@pytest.mark.parametrize(
    ("gold", "pred", "ok"),
    [
        (Act("CLICK", 3, None), Act("CLICK", 3, None), True),
        (Act("CLICK", 3, None), Act("CLICK", 4, None), False),
        (Act("CLICK", 3, None), Act("SUBMIT", 3, None), False),
        (Act("TYPE", 1, "Jane Doe"), Act("TYPE", 1, "jane  doe"), True),
        (Act("TYPE", 1, "Jane"), Act("TYPE", 1, "Jan"), False),
        (Act("SCROLL", None, "0,400"), Act("SCROLL", None, "0,400"), True),
        (Act("SCROLL", None, "0,-201"), Act("SCROLL", None, "0,-185"), True),
        (Act("SCROLL", None, "0,-201"), Act("SCROLL", None, "0,185"), False),
        (Act("SCROLL", None, "0,200"), Act("SCROLL", None, "120,200"), False),
        (Act("NAVIGATE", None, "/deals"), Act("NAVIGATE", 2, "/deals"), False),
        (Act("CLICK", 3, None), Act("CLICK", 3, "x"), False),
    ],
    ids=[
        "right",
        "wrong-element",
        "wrong-op",
        "value-normalised",
        "wrong-value",
        "no-element",
        "scroll-same-direction",
        "scroll-other-direction",
        "scroll-sideways-too",
        "spurious-element",
        "spurious-value",
    ],
)
def test_step_correct(gold: Act, pred: Act, ok: bool) -> None:
    assert step_correct(_o(gold, pred)) is ok  # type: ignore[arg-type]


def test_person_sums_count_elements_only_where_the_truth_has_one() -> None:
    outs = [
        _o(Act("CLICK", 1, None), Act("CLICK", 1, None)),
        _o(Act("SCROLL", None, "0,4"), Act("CLICK", 2, None)),
        _o(Act("TYPE", 2, "a"), Act("TYPE", 2, "a"), episode="e2"),
        _o(Act("CLICK", 1, None), Act("CLICK", 1, None), person="p2", episode="e3"),
    ]
    sums = person_sums(outs)  # type: ignore[arg-type]
    assert sums["p1"] == Sums(
        element_hits=2, element_steps=2, op_f1=2.0, step_hits=2, steps=3, task_hits=1, tasks=2
    )
    assert sums["p2"].task_hits == 1
    assert sums["p1"].metric("element_acc") == 1.0
    assert sums["p1"].metric("step_sr") == pytest.approx(2 / 3)
    assert Sums().metric("task_sr") is None


@pytest.mark.parametrize(
    ("values", "q", "expected"),
    [([1.0], 0.5, 1.0), ([0.0, 1.0], 0.5, 0.5), ([0.0, 1.0, 2.0, 3.0], 0.25, 0.75)],
    ids=["single", "middle", "interpolated"],
)
def test_percentile(values: list[float], q: float, expected: float) -> None:
    assert percentile(values, q) == pytest.approx(expected)


def _people(n: int) -> dict[str, Sums]:
    return {f"p{i}": Sums(i % 3, 3, float(i % 4), i % 5, 5, i % 2, 1) for i in range(n)}


def test_bootstrap_is_deterministic_for_a_seed() -> None:
    sums = _people(12)
    first = bootstrap(sums, resamples=200, seed=7)
    assert first == bootstrap(sums, resamples=200, seed=7)
    assert first != bootstrap(sums, resamples=200, seed=8)


def test_bootstrap_interval_holds_the_value() -> None:
    for name, iv in bootstrap(_people(12), resamples=300, seed=1).items():
        assert iv.low is not None and iv.high is not None and iv.value is not None, name
        assert iv.low <= iv.value <= iv.high, name
        assert iv.low < iv.high, name


def test_bootstrap_resamples_people_not_steps() -> None:
    # One person with every step right and one with none: a resample of people sees
    # all-right or all-wrong samples, so the interval spans (nearly) 0 to 1.
    sums = {"a": Sums(10, 10, 10.0, 10, 10, 2, 2), "b": Sums(0, 10, 0.0, 0, 10, 0, 2)}
    iv = bootstrap(sums, resamples=400, seed=0)["step_sr"]
    assert iv.value == 0.5
    assert iv.low == 0.0 and iv.high == 1.0


def test_one_person_has_a_degenerate_interval() -> None:
    iv = bootstrap({"a": Sums(1, 2, 1.0, 1, 2, 0, 1)}, resamples=50)["element_acc"]
    assert (iv.value, iv.low, iv.high) == (0.5, 0.5, 0.5)


def test_no_people_gives_undefined_metrics() -> None:
    iv = metric_table([])["step_sr"]
    assert (iv.value, iv.low, iv.high) == (None, None, None)


@pytest.mark.parametrize(
    ("task", "family"),
    [("Create a contact Jane", "create"), ("move: deal", "move"), (None, "(no task)"),
     ("  Log, a call", "log")],
    ids=["verb", "colon", "none", "trailing-comma"],
)  # fmt: skip
def test_task_family(task: str | None, family: str) -> None:
    assert task_family(task) == family


def test_breakdown_and_confusion() -> None:
    outs = [
        outcome("p", "e", "create", Act("CLICK", 1, None), Act("CLICK", 1, None)),
        outcome("p", "e", "create", Act("TYPE", 2, "x"), Act("CLICK", 2, None)),
        outcome("p", "f", "move", Act("SELECT", 3, "Won"), Act("SELECT", 3, "Won")),
    ]
    assert breakdown(outs, lambda o: o.family) == {"create": 0.5, "move": 1.0}
    assert confusion(outs) == {"CLICK": {"CLICK": 1}, "SELECT": {"SELECT": 1}, "TYPE": {"CLICK": 1}}
