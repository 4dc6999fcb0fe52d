"""Payment card numbers (PANs): 12 to 19 digits, a valid Luhn digit, an issuer or a cue.

Digits may be grouped with spaces or dashes (``4111 1111 1111 1111``, ``3782-822463-10005``).
When a run of groups is longer than a card (a quantity typed just before the number, two
numbers in a row), the longest valid run of whole groups is taken. Without a cue, a number
must carry a known issuer's prefix for its length (:data:`_IINS`). Issuer tables go stale
(Mastercard's 2-series arrived in 2017; networks take new ranges), so a number announced by
a card word (:data:`CARD_CUES`: ``card``, ``Visa``, ``Kreditkarte``, ``tarjeta``...) just
before it needs only Luhn: ``card 3501 1665 6121 8741`` is redacted although no issuer table
lists ``3501``.

Not cards: numbers that fail Luhn; without a cue, numbers with no issuer's prefix or the
wrong length for it (``0000 0000 0000 0000`` passes Luhn but no issuer starts with 0); a
number of one repeated digit, even with a cue; a group glued to letters or decimals
(``4111111111111111a``; in ``4111 1111 1111 1111 0A`` the card is the first four groups);
and, with no card word before it, a bare run that a record word labels (``Order
6468980275290539``, ``invoice no. 570228473527502``, ``ref: 5941468438124430``; the words are
``RECORD_WORDS`` in ``_context.py``), since one order number in ten passes Luhn. A number in
groups after such a word is still a card (``order 4111 1111 1111 1111``: the layout is the
card's). A 12-digit number must be the whole run of groups, never part of a longer one
(``1234 5678 9012 3456`` holds a Luhn-valid ``5678 9012 3456``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from workprint.privacy.detectors._checksums import luhn_ok
from workprint.privacy.detectors._context import is_alnum_at, labelled_as_record, near
from workprint.privacy.detectors.base import Span

_CANDIDATE = re.compile(r"(?<![\w.,\-])[0-9]+(?:[ \-][0-9]+)*")
_GROUP = re.compile(r"[0-9]+")
CARD_CUES: tuple[str, ...] = (
    "cards?", "credit", "debit", "visa", "master ?card", "amex", "american express",
    "maestro", "discover", "jcb", "diners", "union ?pay", "rupay", "cc", "ccn", "cc#", "pan",
    "kreditkarte", "karte", "carte", "cb", "tarjeta", "cart[ãa]o", "carta", "kaart",
    "creditcard", "betaalpas", "pinpas", "bankkarte", "girocard",
)  # fmt: skip
"""Words that announce a card number (regular-expression alternatives, matched whole-word)."""
_CUE = re.compile(r"(?i)\b(?:" + "|".join(CARD_CUES) + r")(?!\w)")
_CUE_WINDOW = 32
"""How many characters before a number its card word may be."""
_R16_19 = frozenset(range(16, 20))
_R12_19 = frozenset(range(12, 20))
_IINS: tuple[tuple[int, int, frozenset[int]], ...] = (
    # (first prefix, last prefix (same number of digits), allowed lengths)
    (4, 4, frozenset({13, 16, 19})),  # Visa
    (51, 55, frozenset({16})),  # Mastercard
    (2221, 2720, frozenset({16})),  # Mastercard 2-series
    (34, 34, frozenset({15})),  # American Express
    (37, 37, frozenset({15})),
    (300, 305, frozenset(range(14, 20))),  # Diners Club
    (3095, 3095, frozenset(range(14, 20))),
    (36, 36, frozenset(range(14, 20))),
    (38, 39, frozenset(range(14, 20))),
    (6011, 6011, _R16_19),  # Discover
    (644, 649, _R16_19),
    (65, 65, _R16_19),
    (3528, 3589, _R16_19),  # JCB
    (2131, 2131, frozenset({15})),  # JCB, 15 digits
    (1800, 1800, frozenset({15})),
    (62, 62, _R16_19),  # UnionPay
    (81, 82, frozenset({16})),  # UnionPay / RuPay
    (2200, 2204, _R16_19),  # Mir
    (50, 50, _R12_19),  # Maestro
    (56, 69, _R12_19),
    (60, 60, frozenset({16})),  # RuPay
    (9792, 9792, frozenset({16})),  # Troy
)


def issuer_known(digits: str) -> bool:
    """True when some issuer uses ``digits``' prefix with ``digits``' length."""
    n = len(digits)
    for lo, hi, lengths in _IINS:
        width = len(str(lo))
        if n in lengths and lo <= int(digits[:width]) <= hi:
            return True
    return False


@dataclass(frozen=True, slots=True)
class CardDetector:
    """Finds payment card numbers; the span is the number with its separators."""

    name: str = "card"
    entities: tuple[str, ...] = ("CARD",)
    min_digits: int = 12
    max_digits: int = 19

    def find(self, text: str) -> list[Span]:
        """Spans of card numbers in ``text``."""
        spans: list[Span] = []
        for m in _CANDIDATE.finditer(text):
            start, end = m.span()
            if end - start < self.min_digits:
                continue
            groups = [g.span() for g in _GROUP.finditer(text, start, end)]
            if is_alnum_at(text, end) or _decimal_after(text, end):
                groups.pop()  # the last group belongs to a word or a decimal, not to a card
            spans.extend(self._runs(text, groups))
        return spans

    def _runs(self, text: str, groups: list[tuple[int, int]]) -> list[Span]:
        found: list[Span] = []
        i = 0
        while i < len(groups):
            for j in range(min(len(groups), i + 8) - 1, i - 1, -1):
                whole = i == 0 and j == len(groups) - 1
                span = self._check(text, groups[i][0], groups[j][1], j - i + 1, whole)
                if span is not None:
                    found.append(span)
                    i = j
                    break
            i += 1
        return found

    def _check(self, text: str, start: int, end: int, n_groups: int, whole: bool) -> Span | None:
        raw = text[start:end]
        digits = raw.replace(" ", "").replace("-", "")
        if not self.min_digits <= len(digits) <= self.max_digits:
            return None
        if len(digits) < 13 and not whole:
            return None  # a 12-digit Maestro only as a whole number, never a tail of a longer one
        if not luhn_ok(digits) or digits == digits[0] * len(digits):
            return None
        if near(text, start, _CUE, before=_CUE_WINDOW):
            return Span(start, end, "CARD", 1.0)
        if n_groups == 1 and labelled_as_record(text, start):
            return None  # "Order 6468980275290539": a record number that happens to pass Luhn
        if not issuer_known(digits):
            return None
        return Span(start, end, "CARD", 1.0 if n_groups > 1 else 0.9)


def _decimal_after(text: str, end: int) -> bool:
    return end + 1 < len(text) and text[end] in ".," and text[end + 1].isdigit()
