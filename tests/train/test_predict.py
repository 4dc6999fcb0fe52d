"""Decoding a prediction: a copied span the chosen field cannot take gives way to the
likeliest one it can."""

from __future__ import annotations

import dataclasses

import msgspec
import pytest
import torch

from workprint.dataset.format import AttrsRow, ElementRow
from workprint.train import _text as tx
from workprint.train.features import Features
from workprint.train.model import OPS, Prediction
from workprint.train.predict import decode, value_fits

TASK = "Hello, I'm <PERSON_1> (VP Operations). Reach me at <EMAIL_1> or call <PHONE_1>. Bye"


def _field(kind: str, tag: str = "input") -> ElementRow:
    return ElementRow(eid=7, tag=tag, role="textbox", name=kind, attrs=AttrsRow(type=kind))


@pytest.mark.parametrize(
    ("value", "kind", "tag", "fits"),
    [
        ("<PHONE_1>", "tel", "input", True),
        ("+44 161 496 0024", "tel", "input", True),
        ("VP Operations", "tel", "input", False),
        ("<PERSON_7527>", "tel", "input", False),  # digits inside a placeholder do not count
        ("<EMAIL_1>", "email", "input", True),
        ("jo@example.com", "email", "input", True),
        ("<PHONE_1>", "email", "input", False),
        ("IT Manager, Adams LLC", "text", "input", True),
        ("me at <EMAIL_1> or call <PHONE_1>. Bye", "text", "input", False),
        ("> Hello there", "text", "input", False),
        ("VP Operations)", "text", "input", False),
        ("Called them.\nThey decide next week.", "text", "textarea", True),
    ],
)
def test_what_a_field_can_take(value: str, kind: str, tag: str, fits: bool) -> None:
    assert value_fits(value, _field(kind, tag)) is fits


def _features() -> Features:
    return Features(
        task_ids=[],
        task_feats=[],
        hist_ids=[],
        hist_ops=[],
        el_text=[],
        el_kind=[],
        el_feats=[],
        opt_ids=[],
        opt_owner=[],
        opt_feats=[],
        eids=[7],
        options=[],
        opt_spans=[],
        task_vec=-1,
        el_vec=[],
        span_hits=[],
        op=0,
        target=0,
        start=0,
        end=0,
        copy=0,
        option=0,
        vocab=0,
    )


def _span_of(text: str) -> tuple[int, int]:
    span = tx.find_span(TASK, text)
    assert span is not None
    return span


def test_the_likeliest_span_the_field_can_take_is_typed() -> None:
    title, phone = _span_of("VP Operations"), _span_of("<PHONE_1>")
    pred = Prediction(
        candidate=torch.tensor([1]),
        op=torch.tensor([OPS.index("TYPE")]),
        start=torch.tensor([title[0]]),
        end=torch.tensor([title[1]]),
        spans=torch.tensor([[list(title), list(phone), [-1, -1]]]),
        copy=torch.tensor([True]),
        option=torch.tensor([0]),
        option_valid=torch.tensor([False]),
        vocab=torch.tensor([0]),
    )
    feats = _features()
    assert decode(pred, 0, feats, TASK, []).value == "VP Operations"  # field not known
    assert decode(pred, 0, feats, TASK, [], _field("tel")).value == "<PHONE_1>"
    assert decode(pred, 0, feats, TASK, [], _field("text")).value == "VP Operations"
    # No listed span fits: the likeliest of all, as without the field.
    assert decode(pred, 0, feats, TASK, [], _field("email")).value == "VP Operations"


def test_a_list_is_not_set_to_the_option_it_already_shows() -> None:
    stages = ["Lead", "Qualified", "Proposal"]
    feats = dataclasses.replace(_features(), options=stages)
    pred = Prediction(
        candidate=torch.tensor([1]),
        op=torch.tensor([OPS.index("SELECT")]),
        start=torch.tensor([0]),
        end=torch.tensor([0]),
        copy=torch.tensor([False]),
        option=torch.tensor([1]),
        option_valid=torch.tensor([True]),
        vocab=torch.tensor([0]),
        options=torch.tensor([[1, 2, -1, -1]]),
    )
    stage = ElementRow(eid=7, tag="select", role="combobox", name="Stage", options=stages)
    assert decode(pred, 0, feats, "from qualified to proposal", [], stage).value == "Qualified"
    showing = msgspec.structs.replace(stage, value="Qualified")
    assert decode(pred, 0, feats, "from qualified to proposal", [], showing).value == "Proposal"
