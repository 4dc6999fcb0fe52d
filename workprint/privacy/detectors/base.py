"""What a detector is: a :class:`Span` type and the :class:`Detector` protocol.

A detector is data plus one method. It holds its configuration (compiled patterns, region
lists, the names it knows) and answers :meth:`Detector.find` with the spans of one kind of
personal data or secret in a text. Detectors are pure: no I/O, no global state, the same
answer for the same text. They never log, print or raise on a text's content; a span only
says *where* something is, and the redactor replaces it without ever echoing the value.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True, order=True)
class Span:
    """A detected value: ``text[start:end]`` (``end`` exclusive) is a value of ``entity``."""

    start: int
    end: int
    entity: str
    """Upper-snake label, e.g. ``EMAIL``; it becomes the placeholder's type (``<EMAIL_1>``)."""
    score: float = 1.0
    """Confidence in [0, 1]; ties between overlapping spans of equal length go to the higher."""


class Detector(Protocol):
    """One kind of detector. A frozen dataclass with ``name`` and ``entities`` fields fits."""

    @property
    def name(self) -> str:
        """Short lower-case id, e.g. ``"email"``."""
        ...

    @property
    def entities(self) -> tuple[str, ...]:
        """Every entity label this detector may emit."""
        ...

    def find(self, text: str) -> list[Span]:
        """Spans of this detector's entities in ``text``, in any order, possibly overlapping."""
        ...
