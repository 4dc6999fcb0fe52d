"""Text as numbers for the model: tokens with offsets, hashed word and character-trigram ids.

Nothing here learns: a token is hashed (CRC-32, so the ids are the same in every process,
unlike Python's salted ``hash``) into a fixed number of buckets, and a word is also split into
the trigrams of ``#word#``, so unseen names still share most of their ids with similar ones.
Id 0 is padding. Pure functions, memoised where the same strings recur on every page.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass
from functools import lru_cache
from typing import Final

from workprint.dataset.format import ElementRow, TargetRow

PLACEHOLDER = re.compile(r"<[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*_\d+>")
"""A redaction placeholder anywhere in a text."""
_TOKEN = re.compile(r"<[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*_\d+>|\w+|[^\w\s]")
"""A redaction placeholder (``<EMAIL_3>``, ``<PERSON_4821>``) is one token: a value is
copied whole or not at all."""
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Token:
    """One token of a text and where it is (``text[start:end]``)."""

    text: str
    start: int
    end: int


def tokenize(text: str | None) -> list[Token]:
    """Placeholders, words (letters, digits, ``_``) and single punctuation marks, with their
    offsets."""
    if not text:
        return []
    return [Token(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text)]


def words(text: str | None) -> list[str]:
    """Lower-case word tokens (punctuation dropped; a placeholder is one word)."""
    return [
        t.text.lower()
        for t in tokenize(text)
        if t.text[0].isalnum() or t.text[0] == "_" or len(t.text) > 1
    ]


def normalise(text: str | None) -> str:
    """Case-folded text with runs of white space made one space."""
    return _SPACE.sub(" ", text or "").strip().casefold()


def _bucket(salt: str, piece: str, buckets: int) -> int:
    return 1 + zlib.crc32(f"{salt}\x1f{piece}".encode()) % (buckets - 1)


PLACEHOLDER_ENTITY: Final = re.compile(r"<([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*)_\d+>")
"""A redaction placeholder, its entity (``CARD_NUMBER`` of ``<CARD_NUMBER_2>``) as group 1."""


def hashed_form(token: str) -> str:
    """What a token is hashed as: lower case, and a redaction placeholder as its entity
    alone (``<PERSON_4821>`` -> ``<person>``). A placeholder's number names one capture's
    value or one keyed name: as an id of its own it would teach the model particular
    people (a training contact's name scored as the likeliest option for every call
    logged), and a number never seen in training would land in an arbitrary bucket.
    Copying still uses the token itself; matching features compare the texts."""
    m = PLACEHOLDER_ENTITY.fullmatch(token)
    return f"<{m[1].lower()}>" if m else token.lower()


@lru_cache(maxsize=200_000)
def token_ids(token: str, buckets: int, salt: str = "w") -> tuple[int, ...]:
    """The ids of one token: its word bucket, then its trigram buckets (never 0); a
    placeholder by its entity (:func:`hashed_form`)."""
    low = hashed_form(token)
    ids = [_bucket(salt, low, buckets)]
    padded = f"#{low}#"
    if len(low) > 1 and low.isalnum():
        ids.extend(_bucket("3", padded[i : i + 3], buckets) for i in range(len(padded) - 2))
    return tuple(ids)


@lru_cache(maxsize=200_000)
def text_ids(text: str, buckets: int, limit: int, salt: str = "w") -> tuple[int, ...]:
    """The ids of a whole text as one bag: word buckets first, then trigrams, at most
    ``limit``; ``(0,)`` (padding) for an empty text."""
    toks = [t.text for t in tokenize(text)]
    head = [_bucket(salt, hashed_form(t), buckets) for t in toks]
    tail = [i for t in toks for i in token_ids(t, buckets, salt)[1:]]
    ids = (head + tail)[:limit]
    return tuple(ids) if ids else (0,)


def element_label(element: ElementRow | TargetRow) -> str:
    """What a person would call the element: its accessible name, else visible text, else
    placeholder or ARIA label."""
    attrs = element.attrs
    for value in (
        element.name,
        element.text,
        attrs.placeholder if attrs else None,
        attrs.aria_label if attrs else None,
    ):
        if value and value.strip():
            return _SPACE.sub(" ", value).strip()[:80]
    return ""


def element_text(element: ElementRow) -> str:
    """The words of an element the model reads as its text (label, text, attributes)."""
    attrs = element.attrs
    parts = [element_label(element)]
    if element.text and element.text != element.name:
        parts.append(element.text[:80])
    if attrs is not None:
        parts.extend(p for p in (attrs.placeholder, attrs.id, attrs.name) if p)
    return " ".join(parts)


def element_kind(element: ElementRow | TargetRow) -> str:
    """Tag, role and input type, as tokens of their own kind."""
    attrs = element.attrs
    kind = attrs.type if attrs is not None and attrs.type else ""
    return f"tag_{element.tag or 'none'} role_{element.role or 'none'} type_{kind or 'none'}"


def descriptor(element: ElementRow | TargetRow) -> str:
    """A stable description of an element across pages and snapshots: role and label
    (``button:save contact``); baselines and history matching compare these."""
    return f"{element.role or element.tag or 'element'}:{normalise(element_label(element))}"


def find_span(text: str | None, value: str | None) -> tuple[int, int] | None:
    """The first token span ``(first, last)`` of ``text`` whose characters are exactly
    ``value`` (case-sensitive first, then case-insensitive); None when there is none."""
    if not text or not value or not value.strip():
        return None
    tokens = tokenize(text)
    starts = {t.start: i for i, t in enumerate(tokens)}
    ends = {t.end: i for i, t in enumerate(tokens)}
    needle = value.strip()
    for hay, pin in ((text, needle), (text.casefold(), needle.casefold())):
        if len(hay) != len(text):  # case folding changed lengths: offsets no longer line up
            continue
        at = hay.find(pin)
        while at >= 0:
            first, last = starts.get(at), ends.get(at + len(pin))
            if first is not None and last is not None:
                return first, last
            at = hay.find(pin, at + 1)
    return None


def span_text(text: str, tokens: list[Token], first: int, last: int) -> str:
    """The characters of ``text`` from token ``first`` to token ``last`` inclusive."""
    return text[tokens[first].start : tokens[last].end]
