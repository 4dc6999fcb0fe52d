"""Table tests of the postal address detector: street lines in several languages, postcodes."""

from __future__ import annotations

import pytest

from workprint.privacy.detectors import find_all
from workprint.privacy.detectors.address import AddressDetector

DETECTOR = AddressDetector()

POSITIVES = [
    pytest.param(
        "Ship to 221B Baker Street, London NW1 6XE today",
        [(8, 41, "ADDRESS")],
        id="en-with-city-and-uk-postcode",
    ),
    pytest.param(
        "1600 Pennsylvania Ave NW, Washington, DC 20500", [(0, 46, "ADDRESS")], id="en-us-full"
    ),
    pytest.param("350 5th Avenue, Suite 300", [(0, 25, "ADDRESS")], id="en-ordinal-suite"),
    pytest.param(
        "10 Downing Street\nLondon SW1A 2AA", [(0, 33, "ADDRESS")], id="en-next-line-city"
    ),
    pytest.param("12 rue de la Paix, 75002 Paris", [(0, 30, "ADDRESS")], id="fr"),
    pytest.param("5 bis, avenue Victor Hugo", [(0, 25, "ADDRESS")], id="fr-bis"),
    pytest.param("Hauptstraße 5, 10115 Berlin", [(0, 27, "ADDRESS")], id="de-compound"),
    pytest.param("Bahnhofstr. 12a", [(0, 15, "ADDRESS")], id="de-abbreviated"),
    pytest.param("Berliner Straße 3", [(0, 17, "ADDRESS")], id="de-separate-word"),
    pytest.param("Kalverstraat 92, 1012 PH Amsterdam", [(0, 34, "ADDRESS")], id="nl-with-postcode"),
    pytest.param("Calle Mayor 5", [(0, 13, "ADDRESS")], id="es"),
    pytest.param("Avenida de la Constitución, 12", [(0, 30, "ADDRESS")], id="es-linked"),
    pytest.param("Via Roma 10", [(0, 11, "ADDRESS")], id="it"),
    pytest.param("Rua Augusta 100", [(0, 15, "ADDRESS")], id="pt"),
    pytest.param("postcode SW1A 1AA please", [(9, 17, "ADDRESS")], id="uk-postcode-alone"),
    pytest.param(
        "moved to Springfield, IL 62704 last year", [(9, 30, "ADDRESS")], id="us-city-state-zip"
    ),
    pytest.param("in New York, NY 10001 now", [(3, 21, "ADDRESS")], id="us-two-word-city"),
    pytest.param("P.O. Box 123", [(0, 12, "ADDRESS")], id="po-box"),
    pytest.param("Postfach 10 01 23", [(0, 17, "ADDRESS")], id="postfach"),
]
"""Texts and the exact (start, end, entity) spans the detector must return for them."""

NEGATIVES = [
    pytest.param("I have 3 dogs on the road", id="dogs-on-the-road"),
    pytest.param("Spring 2024", id="season"),
    pytest.param("version 2 Road map", id="roadmap"),
    pytest.param("zip 62704", id="bare-zip"),
    pytest.param("We shipped 5 items", id="count"),
    pytest.param("weg 5", id="lower-case-weg"),
    pytest.param("the Weg 5", id="weg-after-lower-case-word"),
    pytest.param(", CA 94103", id="state-without-city"),
    pytest.param("lives in springfield, IL 62704", id="lower-case-city"),
    pytest.param("sent via email 2 times", id="via-in-prose"),
    pytest.param("model AB12 3CD4", id="product-code"),
    pytest.param("00 BD AAAAAA AAAAAAAAAA", id="caps-abbreviation-after-zero"),
    pytest.param("Carrer AAA 4000-0000-0000-0002", id="house-number-starting-a-longer-number"),
]
"""Texts in which the detector must find nothing."""


@pytest.mark.parametrize(("text", "expected"), POSITIVES)
def test_finds_exact_spans(text: str, expected: list[tuple[int, int, str]]) -> None:
    spans = find_all(text, [DETECTOR])
    assert [(s.start, s.end, s.entity) for s in spans] == expected


@pytest.mark.parametrize("text", NEGATIVES)
def test_finds_nothing(text: str) -> None:
    assert find_all(text, [DETECTOR]) == []
