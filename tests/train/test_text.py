"""Tokens, hashed ids and spans: the model's view of text is stable and exact."""

from __future__ import annotations

import pytest

from workprint.dataset.format import AttrsRow, ElementRow
from workprint.train import _text as tx


def test_tokens_keep_their_offsets() -> None:
    text = "Email jane.doe@acme.example now"
    tokens = tx.tokenize(text)
    assert [t.text for t in tokens][:4] == ["Email", "jane", ".", "doe"]
    assert all(text[t.start : t.end] == t.text for t in tokens)


@pytest.mark.parametrize(
    ("text", "value", "span"),
    [
        ("Create a contact Jane Doe at Acme", "Jane Doe", (3, 4)),
        ("Email jane.doe@acme.example now", "jane.doe@acme.example", (1, 7)),
        ("Move deal Acme pilot to proposal", "Proposal", (5, 5)),
        ("Add a note: call back", "call", (4, 4)),
        ("Janet called", "Jane", None),
        ("Create a contact", "Bob", None),
        (None, "x", None),
        ("text", "", None),
    ],
    ids=[
        "name",
        "email",
        "case-insensitive",
        "word",
        "not-token-aligned",
        "absent",
        "no-task",
        "empty-value",
    ],
)
def test_find_span(text: str | None, value: str, span: tuple[int, int] | None) -> None:
    assert tx.find_span(text, value) == span
    if span is not None and text is not None:
        tokens = tx.tokenize(text)
        assert tx.span_text(text, tokens, *span).casefold() == value.casefold()


def test_ids_are_the_same_in_every_process() -> None:
    # CRC-32 buckets, not Python's salted hash: these numbers never change.
    assert tx.token_ids("Save", 1024) == tx.token_ids("save", 1024)
    assert tx.token_ids("save", 1024)[0] == 1 + 829913419 % 1023
    assert all(0 < i < 1024 for i in tx.text_ids("Save contact now", 1024, 48))
    assert tx.text_ids("", 1024, 48) == (0,)
    assert len(tx.text_ids("a b c d e f g h", 1024, 5)) == 5


def test_element_descriptor_and_label() -> None:
    e = ElementRow(
        eid=3,
        tag="input",
        role="textbox",
        name=None,
        attrs=AttrsRow(placeholder="Search  deals", id="q"),
    )
    assert tx.element_label(e) == "Search deals"
    assert tx.descriptor(e) == "textbox:search deals"
    assert "q" in tx.element_text(e).split()
    assert tx.element_kind(e) == "tag_input role_textbox type_none"


def test_a_placeholder_is_one_token_and_one_word() -> None:
    text = "Email <EMAIL_11>, direct line <PHONE_15>. Ask <PERSON_4821>."
    assert [t.text for t in tx.tokenize(text)] == [
        "Email", "<EMAIL_11>", ",", "direct", "line", "<PHONE_15>", ".", "Ask",
        "<PERSON_4821>", ".",
    ]  # fmt: skip
    assert tx.words(text) == [
        "email", "<email_11>", "direct", "line", "<phone_15>", "ask", "<person_4821>",
    ]  # fmt: skip
    assert tx.find_span(text, "<PHONE_15>") == (5, 5)
    # Angle brackets around anything else stay punctuation.
    assert [t.text for t in tx.tokenize("<b>x</b>")] == ["<", "b", ">", "x", "<", "/", "b", ">"]
