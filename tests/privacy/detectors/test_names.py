"""Table tests of the person-name detector: the directory deny-list and context cues."""

from __future__ import annotations

import pytest

from workprint.privacy.detectors import find_all
from workprint.privacy.detectors.names import NamesDetector

DETECTOR = NamesDetector(
    directory=("Jane Doe", "Priya Raman", "Will Smith", "Jean-Luc Picard", "Jurre van 't Hof")
)

POSITIVES = [
    pytest.param("Hi Jane,\nthanks for the call", [(3, 7, "PERSON")], id="greeting"),
    pytest.param(
        "hi jane, quick question", [(3, 7, "PERSON")], id="greeting-lower-case-listed-token"
    ),
    pytest.param("Dear Mr. Smith,", [(9, 14, "PERSON")], id="dear-honorific"),
    pytest.param("Regards,\nJohn Peterson", [(9, 22, "PERSON")], id="sign-off"),
    pytest.param(
        "Mit freundlichen Grüßen\nAnna Schmidt", [(24, 36, "PERSON")], id="sign-off-german"
    ),
    pytest.param("I called Jane Doe today", [(9, 17, "PERSON")], id="verb-and-listed"),
    pytest.param("Called Sofia about renewal.", [(7, 12, "PERSON")], id="verb-capitalised"),
    pytest.param("JANE DOE called back", [(0, 8, "PERSON")], id="listed-upper-case"),
    pytest.param("will smith was here", [(0, 10, "PERSON")], id="listed-lower-case"),
    pytest.param("Priya   Raman approved", [(0, 13, "PERSON")], id="listed-extra-spaces"),
    pytest.param("Jean-Luc Picard joined", [(0, 15, "PERSON")], id="listed-hyphenated"),
    pytest.param("met Jurre van 't Hof (Acme)", [(4, 20, "PERSON")], id="listed-elided-particle"),
    pytest.param("Hallo Herr Müller", [(11, 17, "PERSON")], id="honorific-german"),
    pytest.param("Dr. Priya Raman", [(4, 15, "PERSON")], id="honorific-listed"),
    pytest.param("spoke with Ludwig van Beethoven", [(11, 31, "PERSON")], id="particle"),
    pytest.param("From: Ana García <ana@example.com>", [(6, 16, "PERSON")], id="header"),
    pytest.param("Assignee: Lukas Berg", [(10, 20, "PERSON")], id="header-assignee"),
    pytest.param("Bonjour Marie,", [(8, 13, "PERSON")], id="french-greeting"),
    pytest.param("My name is Kwame Mensah.", [(11, 23, "PERSON")], id="my-name-is"),
    pytest.param("Hi Jane Q. Public,", [(3, 17, "PERSON")], id="initial"),
    pytest.param(
        "Reach me at the office. Kind regards, Louise Grenier",
        [(38, 52, "PERSON")],
        id="sign-off-same-line",
    ),
    pytest.param("details below. Thanks, Élodie", [(23, 29, "PERSON")], id="thanks-comma-name"),
    pytest.param("Hi, I'm Cosima Tlustek, Controller", [(8, 22, "PERSON")], id="i-am"),
    pytest.param("this is Jan Vos from Acme", [(8, 15, "PERSON")], id="this-is"),
    pytest.param("> Best,\n> Irmtraud", [(10, 18, "PERSON")], id="sign-off-quoted-email"),
    pytest.param("> Regards,\n>> > Jan Vos", [(16, 23, "PERSON")], id="sign-off-nested-quote"),
]
"""Texts and the exact (start, end, entity) spans the detector must return for them."""

NEGATIVES = [
    pytest.param("@jane please review", id="mention"),
    pytest.param("Hi @jane,", id="greeting-mention"),
    pytest.param("I'm not sure, this is Monday's list", id="i-am-not-a-name"),
    pytest.param("I am Available after lunch", id="i-am-available"),
    pytest.param("Hi all,", id="greeting-all"),
    pytest.param("Dear Customer,", id="dear-customer"),
    pytest.param("Hi team", id="greeting-team"),
    pytest.param("Will you send it?", id="listed-token-outside-context"),
    pytest.param("Jane said the invoice is late", id="listed-token-alone"),
    pytest.param("Best,\nThe Support Team", id="sign-off-team"),
    pytest.param("Thanks again!", id="thanks-again"),
    pytest.param("Hi IT team", id="acronym"),
    pytest.param("called Monday about it", id="weekday"),
    pytest.param("Hello World", id="hello-world"),
    pytest.param("called the bank", id="lower-case-after-verb"),
    pytest.param("@jane.doe", id="listed-name-inside-handle"),
    pytest.param("Thanks, Monday works for us", id="sign-off-comma-not-ending-the-line"),
    pytest.param("Thanks, everyone", id="sign-off-comma-lower-case"),
    pytest.param("Best, The Support Team", id="sign-off-comma-team"),
]
"""Texts in which the detector must find nothing."""


@pytest.mark.parametrize(("text", "expected"), POSITIVES)
def test_finds_exact_spans(text: str, expected: list[tuple[int, int, str]]) -> None:
    spans = find_all(text, [DETECTOR])
    assert [(s.start, s.end, s.entity) for s in spans] == expected


@pytest.mark.parametrize("text", NEGATIVES)
def test_finds_nothing(text: str) -> None:
    assert find_all(text, [DETECTOR]) == []
