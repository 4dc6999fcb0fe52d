"""Table tests of the IBAN detector: registry length per country, then mod-97."""

from __future__ import annotations

import pytest

from workprint.privacy.detectors import find_all
from workprint.privacy.detectors.iban import IbanDetector

DETECTOR = IbanDetector()

POSITIVES = [
    pytest.param(
        "IBAN DE89 3704 0044 0532 0130 00 EUR", [(5, 32, "IBAN")], id="de-grouped-then-currency"
    ),
    pytest.param("DE89370400440532013000", [(0, 22, "IBAN")], id="de-compact"),
    pytest.param("gb82west12345698765432", [(0, 22, "IBAN")], id="gb-lower-case"),
    pytest.param(
        "Pay to GB82 WEST 1234 5698 7654 32.", [(7, 34, "IBAN")], id="gb-grouped-sentence-end"
    ),
    pytest.param("NL91ABNA0417164300 please", [(0, 18, "IBAN")], id="nl"),
    pytest.param("FR14 2004 1010 0505 0001 3M02 606", [(0, 33, "IBAN")], id="fr-with-letters"),
    pytest.param("(CH93 0076 2011 6238 5295 7)", [(1, 27, "IBAN")], id="in-parentheses"),
    pytest.param("BE68539007547034", [(0, 16, "IBAN")], id="be-short"),
    pytest.param("DE89 370 400 440 532 013 000", [(0, 28, "IBAN")], id="irregular-spacing"),
]
"""Texts and the exact (start, end, entity) spans the detector must return for them."""

NEGATIVES = [
    pytest.param("DE89370400440532013001", id="checksum-fails"),
    pytest.param("DE893704004405320130001", id="one-char-too-long"),
    pytest.param("ZZ89370400440532013000", id="unknown-country"),
    pytest.param("mp34 is a file", id="file-name"),
    pytest.param("DE89 3704 0044", id="too-short"),
    pytest.param("xDE89370400440532013000", id="glued-to-letters"),
]
"""Texts in which the detector must find nothing."""


@pytest.mark.parametrize(("text", "expected"), POSITIVES)
def test_finds_exact_spans(text: str, expected: list[tuple[int, int, str]]) -> None:
    spans = find_all(text, [DETECTOR])
    assert [(s.start, s.end, s.entity) for s in spans] == expected


@pytest.mark.parametrize("text", NEGATIVES)
def test_finds_nothing(text: str) -> None:
    assert find_all(text, [DETECTOR]) == []
