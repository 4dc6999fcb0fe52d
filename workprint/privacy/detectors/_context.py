"""Small pure helpers the detectors share: context windows, word boundaries, entropy."""

from __future__ import annotations

import math
import re
from collections import Counter

RECORD_WORDS: tuple[str, ...] = (
    "order", "invoice", "inv", "ref", "reference", "po", "ticket", "case", "tracking",
    "shipment", "booking", "confirmation", "transaction", "txn", "receipt", "bestellung",
    "rechnung", "commande", "facture", "pedido", "factura", "ordine", "fattura", "bestelling",
    "factuur",
)  # fmt: skip
"""Words whose number right after them is a record number (an order's, an invoice's)."""
_RECORD_LABEL = re.compile(
    r"(?i)\b(?:" + "|".join(RECORD_WORDS) + r")(?: ?(?:no\.?|nr\.?|number|id|#))?[ ]?[:#]?[ ]?$"
)


def labelled_as_record(text: str, start: int) -> bool:
    """True when a record word labels the number at ``start`` (``Order 123``, ``ref: 123``)."""
    return _RECORD_LABEL.search(text, max(0, start - 24), start) is not None


def near(text: str, start: int, cue: re.Pattern[str], before: int = 40) -> bool:
    """True when ``cue`` occurs within the ``before`` characters ahead of ``start``."""
    return cue.search(text, max(0, start - before), start) is not None


def is_alnum_at(text: str, index: int) -> bool:
    """True when ``text[index]`` exists and is a letter or digit (a token continues there)."""
    return 0 <= index < len(text) and text[index].isalnum()


def windows(text: str, gate: re.Pattern[str], margin: int) -> list[tuple[int, int]]:
    """Merged ``(start, end)`` ranges reaching ``margin`` characters around each ``gate`` match.

    Detectors whose every match contains a gate match scan only these ranges. A pattern run
    with ``endpos`` sees the range's end as the end of the text, so a caller checks what
    follows a match in the full text itself.
    """
    ranges: list[tuple[int, int]] = []
    n = len(text)
    for m in gate.finditer(text):
        lo, hi = max(0, m.start() - margin), min(n, m.end() + margin)
        if ranges and lo <= ranges[-1][1]:
            ranges[-1] = (ranges[-1][0], hi)
        else:
            ranges.append((lo, hi))
    return ranges


def word_set(words: str) -> frozenset[str]:
    """A frozen set of the whitespace-separated words of ``words`` (for readable tables)."""
    return frozenset(words.split())


def shannon_entropy(value: str) -> float:
    """Shannon entropy of ``value``'s characters, in bits per character."""
    n = len(value)
    if not n:
        return 0.0
    return -sum(c / n * math.log2(c / n) for c in Counter(value).values())
