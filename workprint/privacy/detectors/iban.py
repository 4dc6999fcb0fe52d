"""International bank account numbers: the registry length for the country, then mod-97.

Written compact (``DE89370400440532013000``) or in groups (``DE89 3704 0044 0532 0130 00``),
in either case. The span ends exactly where the country's length is reached, so a currency or
amount written after the IBAN is not swallowed; an IBAN that goes on past its length (glued to
more letters or digits) is not one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from workprint.privacy.detectors._checksums import iban_mod97
from workprint.privacy.detectors.base import Span

IBAN_LENGTHS: dict[str, int] = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22,
    "BH": 22, "BI": 27, "BR": 29, "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24,
    "DE": 22, "DJ": 27, "DK": 18, "DO": 28, "EE": 20, "EG": 29, "ES": 24, "FI": 18,
    "FK": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27,
    "GT": 28, "HN": 28, "HR": 21, "HU": 28, "IE": 22, "IL": 23, "IQ": 23, "IS": 26,
    "IT": 27, "JO": 30, "KW": 30, "KZ": 20, "LB": 28, "LC": 32, "LI": 21, "LT": 20,
    "LU": 20, "LV": 21, "LY": 25, "MC": 27, "MD": 24, "ME": 22, "MK": 19, "MN": 20,
    "MR": 27, "MT": 31, "MU": 30, "NI": 28, "NL": 18, "NO": 15, "OM": 23, "PK": 24,
    "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "RU": 33, "SA": 24,
    "SC": 31, "SD": 18, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "SO": 23, "ST": 25,
    "SV": 28, "TL": 23, "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20,
    "YE": 30,
}  # fmt: skip
"""Total IBAN length per ISO country code, from the SWIFT IBAN registry."""

_START = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{2}[0-9]{2}")


@dataclass(frozen=True, slots=True)
class IbanDetector:
    """Finds IBANs; the span covers the IBAN with any spaces inside it."""

    name: str = "iban"
    entities: tuple[str, ...] = ("IBAN",)

    def find(self, text: str) -> list[Span]:
        """Spans of IBANs in ``text``."""
        spans: list[Span] = []
        for m in _START.finditer(text):
            length = IBAN_LENGTHS.get(m.group()[:2].upper())
            if length is None:
                continue
            end = _read(text, m.end(), length - 4)
            if end is None:
                continue
            compact = text[m.start() : end].replace(" ", "").upper()
            if iban_mod97(compact) == 1:
                spans.append(Span(m.start(), end, "IBAN"))
        return spans


def _read(text: str, pos: int, want: int) -> int | None:
    """Where ``want`` more ASCII letters/digits end from ``pos`` (single spaces allowed)."""
    n = len(text)
    got = 0
    while got < want and pos < n:
        ch = text[pos]
        if ch.isascii() and ch.isalnum():
            got += 1
        elif not (ch == " " and pos + 1 < n and text[pos + 1].isalnum()):
            break
        pos += 1
    if got < want or (pos < n and text[pos].isalnum()):
        return None
    return pos
