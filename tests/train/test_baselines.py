"""Baselines: hand-made episodes with known answers, and a tiny synthetic dataset."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.train._rows import step_row
from workprint.dataset.format import ElementRow, StepRow
from workprint.train.baselines import Markov, MostFrequent, NearestNeighbour, all_baselines
from workprint.train.data import examples, open_dataset, read_split
from workprint.train.metrics import Act

PAGE = [
    ElementRow(eid=0, tag="a", role="link", name="Contacts", selector="#nav-contacts"),
    ElementRow(eid=1, tag="a", role="link", name="New contact", selector="#new"),
    ElementRow(eid=2, tag="input", role="textbox", name="Email", selector="#email"),
    ElementRow(eid=3, tag="button", role="button", name="Save", selector="#save"),
]
SHUFFLED = [
    ElementRow(eid=i, **{k: getattr(e, k) for k in ("tag", "role", "name", "selector")})
    for i, e in enumerate(reversed(PAGE))
]
FLOW = [("CLICK", 0, None), ("CLICK", 1, None), ("TYPE", 2, "a@b.example"), ("CLICK", 3, None)]


def _episode(ep: str, person: str, page: list[ElementRow], task: str) -> list[StepRow]:
    steps = []
    for i, (op, name_index, value) in enumerate(FLOW):
        target = next(e for e in page if e.name == PAGE[name_index].name)
        steps.append(step_row(ep, i, person, task, page, op, target, value))
    return steps


TRAIN = examples(
    _episode("e1", "p1", PAGE, "Create a contact with email a@b.example")
    + _episode("e2", "p2", PAGE, "Create a contact with email a@b.example")
)
TEST = examples(_episode("e3", "p3", SHUFFLED, "Create a contact with email a@b.example"))
GOLD = [Act(s.step.op, s.step.target_eid, s.step.value) for s in TEST]


@pytest.mark.parametrize("baseline", [Markov(), NearestNeighbour()], ids=["markov", "nn"])
def test_sequence_baselines_follow_a_fixed_flow_on_a_reordered_page(baseline: object) -> None:
    baseline.fit(TRAIN)  # type: ignore[attr-defined]
    assert baseline.predict(TEST) == GOLD  # type: ignore[attr-defined]


def test_most_frequent_repeats_one_action_mapped_to_the_page() -> None:
    b = MostFrequent()
    b.fit(TRAIN)
    preds = b.predict(TEST)
    assert len(set(preds)) == 1
    assert preds[0] in GOLD  # an action of the flow, on this page's eid


def test_an_action_whose_element_is_missing_backs_off() -> None:
    m = Markov(order=2)
    m.fit(TRAIN)
    page = [e for e in SHUFFLED if e.name != "New contact"]
    step = TEST[1].step
    probe = examples(
        [
            StepRow(
                **{
                    **{f: getattr(step, f) for f in step.__struct_fields__},
                    "obs_elements": page,
                    "step_index": 0,
                }
            )
        ]
    )
    pred = m.predict(probe)[0]
    assert pred.eid in {e.eid for e in page}


def test_baselines_on_the_tiny_dataset(tiny_dataset: Path) -> None:
    ref = open_dataset(tiny_dataset)
    train, test = examples(read_split(ref, "train")), examples(read_split(ref, "test"))
    for baseline in all_baselines():
        baseline.fit(train)
        preds = baseline.predict(test)
        assert len(preds) == len(test)
        eids = [{e.eid for e in ex.step.obs_elements} for ex in test]
        assert all(p.eid is None or p.eid in ok for p, ok in zip(preds, eids, strict=True))
        assert preds == baseline.predict(test)  # deterministic
