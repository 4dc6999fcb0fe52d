"""Detectors of personal data and secrets, and :func:`find_all`, which runs a set of them.

Each detector is one module holding a frozen dataclass (its data) with one method,
``find(text) -> list[Span]``. :func:`default_detectors` builds the default set, in priority
order; :func:`find_all` runs a set over a text and resolves overlaps into sorted,
non-overlapping spans::

    >>> from workprint.privacy.detectors import default_detectors, find_all
    >>> text = "Mail jane.doe@example.com, card 4111 1111 1111 1111"
    >>> [(s.entity, s.start, s.end) for s in find_all(text, default_detectors())]
    [('EMAIL', 5, 25), ('CARD', 32, 51)]
"""

from __future__ import annotations

from collections.abc import Iterable

from workprint.privacy.detectors.address import AddressDetector
from workprint.privacy.detectors.base import Detector, Span
from workprint.privacy.detectors.card import CardDetector
from workprint.privacy.detectors.email import EmailDetector
from workprint.privacy.detectors.iban import IbanDetector
from workprint.privacy.detectors.ip import IpDetector
from workprint.privacy.detectors.names import NamesDetector
from workprint.privacy.detectors.national_id import NationalIdDetector
from workprint.privacy.detectors.phone import PhoneDetector
from workprint.privacy.detectors.secrets import SecretsDetector
from workprint.privacy.detectors.url_credentials import UrlCredentialsDetector

__all__ = [
    "AddressDetector",
    "CardDetector",
    "Detector",
    "EmailDetector",
    "IbanDetector",
    "IpDetector",
    "NamesDetector",
    "NationalIdDetector",
    "PhoneDetector",
    "SecretsDetector",
    "Span",
    "UrlCredentialsDetector",
    "default_detectors",
    "find_all",
]


def default_detectors(directory: Iterable[str] = ()) -> tuple[Detector, ...]:
    """The default detectors, most specific first (the order breaks ties in :func:`find_all`).

    ``directory`` is the deny-list of person names (employees, customers) the names
    detector always recognises, in addition to names announced by context.
    """
    return (
        SecretsDetector(),
        UrlCredentialsDetector(),
        EmailDetector(),
        IbanDetector(),
        CardDetector(),
        NationalIdDetector(),
        PhoneDetector(),
        IpDetector(),
        AddressDetector(),
        NamesDetector(directory=tuple(directory)),
    )


_INFERRED = frozenset({"ADDRESS", "PERSON"})
"""Entities found from context rather than validated; they lose overlaps to validated ones."""


def find_all(text: str, detectors: Iterable[Detector]) -> list[Span]:
    """Every detector's spans over ``text``, resolved into sorted non-overlapping spans.

    Overlapping spans are resolved as one: a span a detector validated (a checksum, a
    format) beats one inferred from context (ADDRESS, PERSON), then the longer span wins,
    then the higher score, then the detector that comes first in ``detectors``. The winner
    gives the entity and score, and grows to cover the spans it beat, so that no part of
    anything a detector found is left in the text (a card number that overlaps half of an
    address takes the whole address with it). Empty or out-of-range spans are dropped.
    Exceptions from a detector propagate: the caller drops the text rather than keep it
    unredacted.
    """
    found: list[tuple[Span, tuple[bool, int, float, int, int]]] = []
    n = len(text)
    for order, detector in enumerate(detectors):
        for span in detector.find(text):
            if 0 <= span.start < span.end <= n:
                inferred = span.entity in _INFERRED
                rank = (inferred, span.start - span.end, -span.score, order, span.start)
                found.append((span, rank))
    found.sort(key=lambda f: f[0].start)
    resolved: list[Span] = []
    i = 0
    while i < len(found):
        best, best_rank = found[i]
        end = best.end
        j = i + 1
        while j < len(found) and found[j][0].start < end:
            span, rank = found[j]
            end = max(end, span.end)
            if rank < best_rank:
                best, best_rank = span, rank
            j += 1
        start = found[i][0].start
        if (best.start, best.end) == (start, end):
            resolved.append(best)
        else:
            resolved.append(Span(start, end, best.entity, best.score))
        i = j
    return resolved
