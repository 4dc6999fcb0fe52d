"""find_all: overlap resolution, ordering, bounds; default_detectors: the default set."""

from __future__ import annotations

import doctest
import re
from dataclasses import dataclass

import pytest

import workprint.privacy.detectors as detectors_package
from workprint.privacy.detectors import Span, default_detectors, find_all


@dataclass(frozen=True, slots=True)
class Fixed:
    """A detector that answers the same spans whatever the text."""

    spans: tuple[Span, ...]
    name: str = "fixed"
    entities: tuple[str, ...] = ("A", "B", "C")

    def find(self, text: str) -> list[Span]:
        return list(self.spans)


def _run(*per_detector: list[Span], text: str = "0123456789") -> list[tuple[int, int, str]]:
    spans = find_all(text, [Fixed(tuple(s)) for s in per_detector])
    return [(s.start, s.end, s.entity) for s in spans]


RESOLUTION = [
    pytest.param(
        [[Span(0, 5, "A")], [Span(2, 9, "B")]], [(0, 9, "B")], id="longer-wins-and-takes-the-rest"
    ),
    pytest.param(
        [[Span(0, 5, "A", 0.5)], [Span(0, 5, "B", 0.9)]], [(0, 5, "B")], id="then-higher-score"
    ),
    pytest.param([[Span(0, 5, "A")], [Span(0, 5, "B")]], [(0, 5, "A")], id="then-first-detector"),
    pytest.param(
        [[Span(1, 6, "A")], [Span(0, 5, "B")]], [(0, 6, "A")], id="equal-length-first-detector"
    ),
    pytest.param(
        [[Span(3, 6, "A"), Span(0, 2, "B")]], [(0, 2, "B"), (3, 6, "A")], id="sorted-by-start"
    ),
    pytest.param(
        [[Span(0, 4, "A"), Span(4, 8, "B")]], [(0, 4, "A"), (4, 8, "B")], id="adjacent-both-kept"
    ),
    pytest.param(
        [[Span(1, 3, "B"), Span(5, 7, "C")], [Span(0, 10, "A")]], [(0, 10, "A")], id="container"
    ),
    pytest.param(
        [[Span(0, 4, "A"), Span(6, 10, "C")], [Span(3, 8, "B")]],
        [(0, 10, "B")],
        id="a-bridge-joins-its-neighbours",
    ),
    pytest.param([[Span(2, 6, "A"), Span(2, 6, "A")]], [(2, 6, "A")], id="duplicates-merged"),
    pytest.param(
        [[Span(0, 0, "A"), Span(5, 4, "A"), Span(-1, 2, "A"), Span(8, 99, "A")]],
        [],
        id="empty-and-out-of-range-dropped",
    ),
    pytest.param([], [], id="no-detectors"),
]


@pytest.mark.parametrize(("per_detector", "expected"), RESOLUTION)
def test_overlaps_resolve(
    per_detector: list[list[Span]], expected: list[tuple[int, int, str]]
) -> None:
    assert _run(*per_detector) == expected


def test_keeps_the_winning_span_itself() -> None:
    span = Span(1, 4, "A", 0.42)
    assert find_all("abcdef", [Fixed((span,))]) == [span]


def test_a_grown_winner_keeps_its_entity_and_score() -> None:
    spans = find_all("0123456789", [Fixed((Span(0, 6, "A", 0.3), Span(4, 8, "B", 0.9)))])
    assert spans == [Span(0, 8, "A", 0.3)]


def test_detector_errors_propagate() -> None:
    @dataclass(frozen=True, slots=True)
    class Broken:
        name: str = "broken"
        entities: tuple[str, ...] = ("A",)

        def find(self, text: str) -> list[Span]:
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        find_all("text", [Broken()])


MIXED = [
    pytest.param(
        "https://jane:s3cret@crm.example.com/?token=abc123XYZ",
        [(8, 19, "URL_CREDENTIALS"), (43, 52, "URL_CREDENTIALS")],
        id="url-userinfo-not-email",
    ),
    pytest.param(
        "Hi Jane,\nyour card 4111 1111 1111 1111 is on file.\nRegards,\nJohn Peterson",
        [(3, 7, "PERSON"), (19, 38, "CARD"), (60, 73, "PERSON")],
        id="letter",
    ),
    pytest.param(
        "ssh deploy@10.0.3.12 -i key.pem",
        [(11, 20, "IP")],
        id="ssh-target",
    ),
    pytest.param(
        "IBAN DE89 3704 0044 0532 0130 00, call +44 20 7946 0958",
        [(5, 32, "IBAN"), (39, 55, "PHONE")],
        id="iban-not-card-or-phone",
    ),
    pytest.param(
        "Version 1.2.3 released 2024-03-15 at 10:23, order #4155552671, sha 3f786850e387",
        [],
        id="nothing-personal",
    ),
]


@pytest.mark.parametrize(("text", "expected"), MIXED)
def test_default_set_on_mixed_text(text: str, expected: list[tuple[int, int, str]]) -> None:
    spans = find_all(text, default_detectors())
    assert [(s.start, s.end, s.entity) for s in spans] == expected


def test_directory_reaches_the_names_detector() -> None:
    assert find_all("JANE DOE paid", default_detectors()) == []
    spans = find_all("JANE DOE paid", default_detectors(["Jane Doe"]))
    assert [(s.start, s.end, s.entity) for s in spans] == [(0, 8, "PERSON")]


def test_default_set_is_well_described() -> None:
    defaults = default_detectors()
    names = [d.name for d in defaults]
    assert len(set(names)) == len(names)
    for detector in defaults:
        assert re.fullmatch(r"[a-z_]+", detector.name)
        assert detector.entities
        assert all(re.fullmatch(r"[A-Z][A-Z_]*", e) for e in detector.entities)
        module = __import__(type(detector).__module__, fromlist=["_"])
        assert module.__doc__ and module.__doc__.strip()


def test_package_docstring_example_runs() -> None:
    result = doctest.testmod(detectors_package, verbose=False)
    assert result.attempted > 0
    assert result.failed == 0
