"""Field profiles: the shapes of what training people typed into each field (no values), and
the decoder's use of them."""

from __future__ import annotations

import torch

from tests.train._rows import step_row
from tests.train.test_predict import _features
from workprint.dataset.format import AttrsRow, ElementRow, StepRow
from workprint.train import _text as tx
from workprint.train.data import examples
from workprint.train.fields import (
    FieldProfile,
    allows,
    field_profiles,
    name_roles,
    option_ranges,
    profiles_from_dict,
    profiles_to_dict,
)
from workprint.train.model import OPS, Prediction
from workprint.train.predict import Field, decode

TITLE = ElementRow(
    eid=1, tag="input", role="textbox", name="Job title", selector="#title", attrs=AttrsRow()
)
FIRST = ElementRow(
    eid=2, tag="input", role="textbox", name="First name", selector="#first", attrs=AttrsRow()
)
COMPANY = ElementRow(
    eid=3,
    tag="select",
    role="combobox",
    name="Company",
    selector="#company",
    options=["Adams LLC", "Cooper-Delgado", "Kim"],
)
PAGE = [TITLE, FIRST, COMPANY]


def _typed(person: str, n: int, element: ElementRow, value: str, task: str) -> StepRow:
    return step_row(f"{person}-{n}", 0, person, task, PAGE, "TYPE", element, value)


def _steps(people: int) -> list[StepRow]:
    rows = []
    for i in range(people * 2):
        person = f"p{i % people}"
        task = f"I'm <PERSON_{i}> <PERSON_{i + 50}>, Head of Sales at Adams LLC. Thanks"
        rows.append(_typed(person, i, TITLE, "Head of Sales", task))
        rows.append(_typed(person, i + 100, FIRST, f"<PERSON_{i}>", task))
    return rows


def test_a_profile_holds_shapes_never_values_and_needs_three_people() -> None:
    profiles = field_profiles(examples(_steps(3)))
    title = profiles["textbox:job title"]
    assert title == FieldProfile(
        values=6,
        entities=(),
        with_entity=0.0,
        max_words=3,
        punctuation=False,
        other_option=False,
    )
    first = profiles["textbox:first name"]
    assert first.entities == ("PERSON",) and first.with_entity == 1.0
    assert "Head" not in repr(profiles) and "PERSON_" not in repr(profiles)
    assert profiles_from_dict(profiles_to_dict(profiles)) == profiles
    # Two people are not enough to say what a field takes.
    assert field_profiles(examples(_steps(2))) == {}


def test_a_shape_the_field_never_took_is_not_allowed() -> None:
    title = field_profiles(examples(_steps(3)))["textbox:job title"]
    assert allows(title, "Controller")
    assert not allows(title, "<PERSON_5675>")  # a name placeholder in a job title
    assert not allows(title, "IT Manager, Adams LLC")  # punctuation it never had
    assert not allows(title, "Head of Sales and Marketing")  # more words than ever
    assert not allows(title, "Controller at", on_option=True)  # runs into the company
    first = field_profiles(examples(_steps(3)))["textbox:first name"]
    assert allows(first, "<PERSON_3>")
    assert not allows(first, "Chief")  # the field always took a name placeholder


def test_where_a_text_names_an_option() -> None:
    tokens = tx.tokenize("Controller at Cooper-Delgado. Thanks, Kim")
    assert option_ranges(tokens, ["cooper-delgado", "adams llc", "kim"]) == [(2, 4), (8, 8)]


def test_the_decoder_prefers_a_span_whose_shape_the_field_took() -> None:
    task = "I'm <PERSON_1> <PERSON_2>, Controller at Cooper-Delgado. Thanks"
    run_on, title = (
        tx.find_span(task, "Controller at Cooper-Delgado"),
        tx.find_span(task, "Controller"),
    )
    assert run_on is not None and title is not None
    pred = Prediction(
        candidate=torch.tensor([1]),
        op=torch.tensor([OPS.index("TYPE")]),
        start=torch.tensor([run_on[0]]),
        end=torch.tensor([run_on[1]]),
        spans=torch.tensor([[list(run_on), list(title)]]),
        copy=torch.tensor([True]),
        option=torch.tensor([0]),
        option_valid=torch.tensor([False]),
        vocab=torch.tensor([0]),
    )
    feats = _features()
    profile = field_profiles(examples(_steps(3)))["textbox:job title"]
    assert decode(pred, 0, feats, task, [], TITLE).value == "Controller at Cooper-Delgado"
    field = Field(profile, ("cooper-delgado",))
    assert decode(pred, 0, feats, task, [], TITLE, field).value == "Controller"
    # Where no listed span has a shape the field took, the page's rules alone decide.
    never = Field(FieldProfile(5, ("EMAIL",), 1.0, 1, False, False))
    assert decode(pred, 0, feats, task, [], TITLE, never).value == "Controller at Cooper-Delgado"


def test_a_family_name_field_does_not_take_the_given_name() -> None:
    task = "Please note: <PERSON_1> <PERSON_2>, Head of Sales. Thanks, <PERSON_1>"
    roles = name_roles(tx.tokenize(task))
    assert roles == {"<PERSON_1>": "given", "<PERSON_2>": "family"}
    family = FieldProfile(9, ("PERSON",), 1.0, 3, False, False, ("family",))
    assert allows(family, "<PERSON_2>", roles=roles)
    assert not allows(family, "<PERSON_1>", roles=roles)  # even where it stands alone
    assert allows(family, "<PERSON_1>")  # without the task's roles, no judgement
    given = FieldProfile(9, ("PERSON",), 1.0, 1, False, False, ("alone", "given"))
    assert allows(given, "<PERSON_1>", roles=roles)
    assert not allows(given, "<PERSON_2>", roles=roles)
    assert allows(given, "<PERSON_7>", roles=roles)  # a placeholder the task does not show
