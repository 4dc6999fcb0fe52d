"""Model inputs: the features and labels the featurizer derives from a step."""

from __future__ import annotations

import msgspec

from tests.train.conftest import TINY_DATA
from workprint.dataset.format import ElementRow
from workprint.train import _text as tx
from workprint.train.data import Action, Example, examples
from workprint.train.features import (
    IGNORE,
    Features,
    Featurizer,
    _boundaries,
    _kept_options,
    _Option,
)
from workprint.train.model import Heads, ModelConfig, NextActionModel
from workprint.train.synthetic import simulate


def _example() -> Example:
    steps = next(iter(simulate(TINY_DATA).values()))[0][2]
    return examples(steps)[1]


def test_value_boundaries_follow_quotes_colons_and_punctuation() -> None:
    task = 'Subject: "Discovery call". Notes:\nSend it'
    tokens = tx.tokenize(task)
    opens, closes = _boundaries(task, tokens)
    by_text = {t.text: (o, c) for t, o, c in zip(tokens, opens, closes, strict=True)}
    assert by_text["Discovery"] == (1.0, 0.0)
    assert by_text["call"] == (0.0, 1.0)
    assert by_text["Send"] == (1.0, 0.0)  # after a line break
    assert by_text["it"] == (0.0, 1.0)  # the end of the text


def test_long_option_lists_keep_what_the_task_names_first_in_page_order() -> None:
    pool: list[_Option] = [(0, f"Contact {i}", 0.0, 0.0, 0.0, ()) for i in range(10)]
    pool[7] = (0, "Ann Lee", 1.0, 1.0, 0.0, (3, 4))
    pool[8] = (0, "Ann Other", 0.5, 0.0, 0.0, ())
    kept = _kept_options(pool, 4, None, None)
    assert [o[1] for o in kept] == ["Contact 0", "Contact 1", "Ann Lee", "Ann Other"]
    assert _kept_options(pool, 20, None, None) == pool
    # While training, the option chosen is always kept.
    kept = _kept_options(pool, 2, 0, "Contact 9")
    assert [o[1] for o in kept] == ["Ann Lee", "Contact 9"]


def test_the_words_of_a_name_are_told_apart() -> None:
    from workprint.train.features import name_positions

    task = "Hi, I'm <PERSON_12> van <PERSON_3>, at <PERSON_4>'s firm. Thanks, <PERSON_12>"
    words = [t.text for t in tx.tokenize(task)]
    first, later = name_positions(words)
    assert [w for w, f in zip(words, first, strict=True) if f] == ["<PERSON_12>"]
    assert [w for w, g in zip(words, later, strict=True) if g] == ["<PERSON_3>"]


def _named(task: str, name: str, options: list[str]) -> tuple[dict[str, list[str]], Features]:
    """Each option of one list on the page, with the task words that name it."""
    step = msgspec.structs.replace(
        _example().step,
        task=task,
        obs_elements=[ElementRow(eid=1, tag="select", role="combobox", name=name, options=options)],
    )
    feats = Featurizer(ModelConfig(), ())(Example(step, ()))
    words = [t.text for t in tx.tokenize(task)]
    named = {o: [words[i] for i in s] for o, s in zip(feats.options, feats.opt_spans, strict=True)}
    return named, feats


def test_an_option_points_at_the_task_tokens_that_name_it() -> None:
    task = 'Pipeline review: "Acme – Pilot" should be in Closed won, not proposal. Fix it.'
    named, _ = _named(task, "Stage", ["lead", "proposal", "Closed won", "lost"])
    assert named == {
        "lead": [],
        "proposal": ["proposal"],
        "Closed won": ["Closed", "won"],
        "lost": [],
    }


def test_an_option_is_named_word_by_word_punctuation_aside() -> None:
    task = "Log the call with <PERSON_1> <PERSON_2> (Acme Ltd). Subject: a quick chat"
    options = ["<PERSON_1> <PERSON_2> – Acme Ltd", "<PERSON_1> <PERSON_3>", "A"]
    named, feats = _named(task, "Contact", options)
    assert named == {
        "<PERSON_1> <PERSON_2> – Acme Ltd": ["<PERSON_1>", "<PERSON_2>", "Acme", "Ltd"],
        "<PERSON_1> <PERSON_3>": [],
        "A": [],  # a lone letter is not the article "a"
    }
    assert [f[1] for f in feats.opt_feats] == [1.0, 0.0, 0.0]  # named in the task


def test_a_target_missing_from_the_observation_is_not_no_element() -> None:
    ex = _example()
    featurizer = Featurizer(ModelConfig(), ())
    assert ex.step.target_eid is not None
    assert featurizer(ex).target > 0
    unmatched = msgspec.structs.replace(ex.step, target_eid=None, target_match="none")
    assert featurizer(Example(unmatched, ex.history)).target == IGNORE
    absent = msgspec.structs.replace(ex.step, target_eid=None, target_match="absent", target=None)
    assert featurizer(Example(absent, ex.history)).target == 0


def test_placeholder_fits_a_field_of_its_entity() -> None:
    from workprint.train.features import span_hits

    task = "Call <PERSON_12> on <PHONE_3>, not <EMAIL_2>."
    phone = ElementRow(eid=1, tag="input", role="textbox", name="Phone")
    _after, fitting, foreign = span_hits(task, tx.tokenize(task), phone)
    assert [tx.tokenize(task)[i].text for i in fitting] == ["<PHONE_3>"]
    assert [tx.tokenize(task)[i].text for i in foreign] == ["<EMAIL_2>"]


def test_vocabulary_entries_keep_the_operations_they_were_seen_with() -> None:
    from types import SimpleNamespace

    import torch

    from workprint.train.data import value_operations
    from workprint.train.model import OPS
    from workprint.train.predict import vocab_allowed

    ex = _example()

    def step(op: str, value: str) -> Example:
        return Example(msgspec.structs.replace(ex.step, op=op, value=value), ())

    items = [step("KEY", "Enter"), step("SCROLL", "0,400"), step("KEY", "Enter")]
    values = ("Enter", "0,400", "never seen")
    assert value_operations(items, values) == (("KEY",), ("SCROLL",), ())
    trained = SimpleNamespace(
        value_ops=value_operations(items, values), model_config=ModelConfig(value_vocab=3)
    )
    allowed = vocab_allowed(trained)  # type: ignore[arg-type]
    assert allowed is not None and allowed.shape == (len(OPS), 4)
    key, scroll = OPS.index("KEY"), OPS.index("SCROLL")
    assert allowed[key].tolist() == [True, True, False, False]
    assert allowed[scroll].tolist() == [True, False, True, False]
    assert not bool(allowed[OPS.index("CLICK"), 1:].any())
    # The model's value for a key press never comes from the scroll amounts.
    model = NextActionModel(ModelConfig(value_vocab=3))
    vocab = torch.tensor([[-5.0, 0.0, 9.0, 0.0]])
    heads = Heads(
        op=torch.zeros(1, len(OPS)),
        start=torch.zeros(1, 2),
        end=torch.zeros(1, 2),
        copy=torch.zeros(1),
        option=torch.zeros(1, 1),
        vocab=vocab,
    )
    pred = model.prediction(heads, torch.tensor([0]), torch.tensor([key]), allowed)
    assert int(pred.vocab[0]) == 1


def test_the_value_vocabulary_holds_what_several_people_used_and_no_placeholder() -> None:
    from workprint.train.data import value_vocabulary

    base = _example()

    def typed(person: str, op: str, value: str, task: str = "Find the deal") -> Example:
        step = msgspec.structs.replace(base.step, person=person, op=op, value=value, task=task)
        return Example(step, ())

    items = [
        *(typed(f"p{i}", "KEY", "Enter") for i in range(3)),
        *(typed("p1", "TYPE", "Roche") for _ in range(5)),  # one person's: never
        *(typed(f"p{i}", "TYPE", "Roche") for i in (2,)),  # two people: still not
        *(typed(f"p{i}", "TYPE", "<EMAIL_8>") for i in range(4)),  # a placeholder: never
        *(typed(f"p{i}", "TYPE", "Follow up") for i in range(3)),
        *(typed(f"p{i}", "TYPE", "Find") for i in range(5)),  # copied from the task
    ]
    assert value_vocabulary(items, 10) == ("Enter", "Follow up")
    assert value_vocabulary(items, 10, min_people=2) == ("Roche", "Enter", "Follow up")


def test_typed_text_is_the_span_when_no_vocabulary_value_may_be_typed() -> None:
    import torch

    from workprint.train.model import OPS, Prediction
    from workprint.train.predict import decode

    ex = _example()
    feats = Featurizer(ModelConfig(), ())(ex)
    task = 'Subject: "Renewal check-in"'
    first = next(i for i, t in enumerate(tx.tokenize(task)) if t.text == "Renewal")

    def pred(copy: bool, vocab: int) -> Prediction:
        def one(v: int | bool) -> torch.Tensor:
            return torch.tensor([v])

        return Prediction(
            candidate=one(1), op=one(OPS.index("TYPE")), start=one(first), end=one(first + 3),
            copy=one(copy), option=one(0), option_valid=one(False), vocab=one(vocab),
        )  # fmt: skip

    assert decode(pred(True, 0), 0, feats, task, ("Enter",)).value == "Renewal check-in"
    # The gate chose the vocabulary, but it holds nothing for this field: the span.
    assert decode(pred(False, 0), 0, feats, task, ("Enter",)).value == "Renewal check-in"
    assert decode(pred(False, 1), 0, feats, task, ("Follow up",)).value == "Follow up"


def test_a_field_the_episode_filled_holds_a_value_whatever_the_snapshot_shows() -> None:
    notes = ElementRow(eid=1, tag="textarea", role="textbox", name="Notes", selector="#notes")
    stage = ElementRow(
        eid=2, tag="select", role="combobox", name="Stage", selector="#stage",
        value="lead", options=["lead", "won"],
    )  # fmt: skip
    step = msgspec.structs.replace(_example().step, task="Log it", obs_elements=[notes, stage])
    typed = Action("TYPE", "textbox:notes", "#notes", "Talked")
    picked = Action("SELECT", "combobox:stage", "#stage", "won")
    featurizer = Featurizer(ModelConfig(), ())
    before = featurizer(Example(step, ()))
    after = featurizer(Example(step, (typed, picked)))
    has_value = 7  # the element feature "holds a value"
    assert before.el_feats[0][has_value] == 0.0 and after.el_feats[0][has_value] == 1.0
    # The snapshot still shows the old stage; the episode chose "won".
    assert [f[2] for f in before.opt_feats] == [1.0, 0.0]
    assert [f[2] for f in after.opt_feats] == [0.0, 1.0]
