"""Postal addresses: street lines in several languages, postcodes with their city, PO boxes.

Street lines need a house number and a street-type word, in the order each language uses:

* English: ``221B Baker Street``, ``1600 Pennsylvania Ave NW``, ``350 5th Avenue, Suite 300``
  (number, one to four capitalised words, a type: Street/St/Avenue/Ave/Road/Rd/Lane/Blvd...);
* French: ``12 rue de la Paix``, ``5 bis, avenue Victor Hugo`` (number, type, name);
* German and Dutch: ``Hauptstraße 5``, ``Bahnhofstr. 12a``, ``Berliner Straße 3``,
  ``Kalverstraat 92``, ``Stadhouderslaan 4`` (name ending in a type, then the number);
* Spanish, Italian, Portuguese: ``Calle Mayor 5``, ``Avenida de la Constitución, 12``,
  ``Via Roma 10``, ``Rua Augusta 100`` (type, name, number).

A street line takes in what follows it on the same or the next line when that is a postcode
and city (``, 75002 Paris``, ``, Springfield, IL 62704``, ``, 1012 AB Amsterdam``,
``, London SW1A 2AA``). Found on their own: UK postcodes (``SW1A 1AA``), a US city with its
state and ZIP code (``Springfield, IL 62704``; a bare ZIP code is not an address) and PO boxes
(``P.O. Box 123``, ``Postfach 10 01 23``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from workprint.privacy.detectors.base import Span

_CAP = r"[A-ZÀ-ÖØ-Þ][\w'’.\-]*"
_EN_TYPES = (
    r"Street|St|Avenue|Ave|Road|Rd|Lane|Ln|Boulevard|Blvd|Drive|Dr|Court|Ct|Place|Pl|"
    r"Square|Sq|Terrace|Way|Close|Crescent|Parkway|Pkwy|Highway|Hwy|Circle|Cir|Trail|"
    r"Mews|Gardens|Grove|Row"
)
_EN_REST = (
    rf"(?:(?:{_CAP}|[0-9]{{1,3}}(?:st|nd|rd|th))[ \t]+){{1,4}}"
    rf"(?i:{_EN_TYPES})\b\.?(?:[ \t]+(?:N|S|E|W|NE|NW|SE|SW)\b)?"
    r"(?:,?[ \t]+(?i:apt|apartment|suite|ste|unit|flat|floor|fl)\.?[ \t]*#?\w{1,6}"
    r"|[ \t]*#\w{1,6})?"
)
_FR_LINK = r"(?:(?:de|du|des|la|le|l['’]|d['’]|aux|au)[ \t]*)*"
_FR_REST = (
    r"(?:[Rr]ue|[Aa]venue|[Aa]v\.|[Bb]oulevard|[Bb]d|[Pp]lace|[Cc]hemin|[Aa]llée|[Ii]mpasse|"
    r"[Qq]uai|[Rr]oute|[Cc]ours|[Pp]assage)"
    rf"[ \t]+{_FR_LINK}[A-ZÀ-Þ][\w'’\-]*(?:[ \t]+{_FR_LINK}[A-ZÀ-Þ][\w'’\-]*){{0,3}}"
)
_NUMBER_FIRST = re.compile(
    r"[1-9][0-9]{0,4}[A-Za-z]?(?:-[0-9]{1,5})?(?:[ \t]?(?:bis|ter))?,?[ \t]+"
    rf"(?:{_EN_REST}|{_FR_REST})"
)
"""English and French street lines: the house number comes first."""
_HOUSE = r"[1-9][0-9]{0,3}[a-zA-Z]?(?:[-/][0-9]{1,4}[a-z]?)?(?![\w]|[-/.,]?[0-9])"
"""A house number (``5``, ``12a``, ``12-14``), not the start of a longer number."""
_DE_TYPE = re.compile(
    r"(?:stra(?:ße|sse)|str\.|gasse|weg|platz|allee|damm|ufer|chaussee|straat|laan|gracht|"
    rf"plein|kade|dijk|steeg|singel|Stra(?:ße|sse)|Str\.|Gasse|Weg|Platz|Allee)[ \t]+{_HOUSE}"
)
"""German and Dutch street lines, anchored on the type: ``...straße 5``, ``...laan 4``."""
_WORD_BACK = re.compile(r"[\wäöüßÄÖÜ\-]*")
_ES_LINK = r"(?:(?:de|del|la|las|los|el|dei|della|delle|di|da|do|dos|das)[ \t]+)*"
_TYPE_FIRST_WORDS = (
    "Calle", "Avda.", "Avenida", "Paseo", "Plaza", "Carrer", "Camino", "Ronda", "Via", "Viale",
    "Piazza", "Corso", "Largo", "Rua", "Praça", "Travessa",
)  # fmt: skip
_TYPE_FIRST = re.compile(
    "(?:(?:" + "|".join(re.escape(w) for w in _TYPE_FIRST_WORDS) + r")[ \t]+|C/[ \t]*)"
    rf"{_ES_LINK}[A-ZÀ-Þ][\w'’\-]*(?:[ \t]+{_ES_LINK}[A-ZÀ-Þ][\w'’\-]*){{0,3}}"
    rf",?[ \t]*(?:n[ºo°]\.?[ \t]*)?{_HOUSE}"
)
"""Spanish, Catalan, Italian and Portuguese street lines: the type comes first."""

_STATES = (
    "AL|AK|AZ|AR|CA|CO|CT|DE|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH|"
    "NJ|NM|NY|NC|ND|OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY|DC|PR"
)
_CITY = r"[A-ZÀ-Þ][\w'’.\-]+(?:[ \t]+[A-ZÀ-Þ][\w'’.\-]+){0,3}"
_UK_POSTCODE = r"(?:[A-PR-UWYZ][A-HK-Y]?[0-9][A-Z0-9]?|GIR)[ \t]?[0-9][ABD-HJLNP-UW-Z]{2}(?![\w])"
_STATE_ZIP = rf",[ \t]+(?:{_STATES})[ \t]+[0-9]{{5}}(?:-[0-9]{{4}})?(?![\w\-])"
_TAIL = re.compile(
    r",?[ \t]*(?:\r?\n[ \t]*)?(?:"
    rf"{_CITY}{_STATE_ZIP}"
    rf"|(?:[A-Z]{{1,2}}-)?[0-9]{{4,5}}[ \t]+{_CITY}"
    rf"|[0-9]{{4}}[ \t]?[A-Z]{{2}}[ \t]+{_CITY}"
    rf"|(?:{_CITY},?[ \t]+)?{_UK_POSTCODE}"
    r")"
)
"""What may follow a street line: a postcode and city in one of the common orders."""
_UK_POSTCODE_ALONE = re.compile(_UK_POSTCODE)
_PO_BOX = re.compile(
    r"(?:P\.?[ \t]?O\.?[ \t]?Box|Postfach|Apartado(?: de [Cc]orreos)?)[ \t]+[0-9][0-9 ]{0,8}[0-9]"
)
_PO_BOX_WORDS = ("Box", "Postfach", "Apartado")
_STATE_ZIP_ALONE = re.compile(_STATE_ZIP)
_NON_SPACE = re.compile(r"\S+")


@dataclass(frozen=True, slots=True)
class AddressDetector:
    """Finds postal addresses (entity ``ADDRESS``)."""

    name: str = "address"
    entities: tuple[str, ...] = ("ADDRESS",)

    def find(self, text: str) -> list[Span]:
        """Spans of addresses in ``text``."""
        streets: list[tuple[int, int]] = []
        for m in _NUMBER_FIRST.finditer(text):
            if _starts_word(text, m.start()):
                streets.append(m.span())
        for m in _DE_TYPE.finditer(text):
            start = _street_name_start(text, m.start())
            if start is not None:
                streets.append((start, m.end()))
        if "C/" in text or any(w in text for w in _TYPE_FIRST_WORDS):
            for m in _TYPE_FIRST.finditer(text):
                if _starts_word(text, m.start()):
                    streets.append(m.span())
        spans = [Span(start, _with_tail(text, end), "ADDRESS", 0.9) for start, end in streets]
        alone = list(_UK_POSTCODE_ALONE.finditer(text))
        if any(w in text for w in _PO_BOX_WORDS):
            alone.extend(_PO_BOX.finditer(text))
        for m in alone:
            if _starts_word(text, m.start()):
                spans.append(Span(m.start(), m.end(), "ADDRESS", 0.8))
        if ", " in text:
            for m in _STATE_ZIP_ALONE.finditer(text):
                start = _city_start(text, m.start())
                if start is not None:
                    spans.append(Span(start, m.end(), "ADDRESS", 0.8))
        return spans


def _starts_word(text: str, start: int) -> bool:
    return start == 0 or not (text[start - 1].isalnum() or text[start - 1] in "_.,-")


def _with_tail(text: str, end: int) -> int:
    tail = _TAIL.match(text, end)
    return tail.end() if tail is not None else end


def _street_name_start(text: str, type_start: int) -> int | None:
    """Start of the street name a German/Dutch type word ends or follows, if capitalised."""
    back = _WORD_BACK.match(text[max(0, type_start - 40) : type_start][::-1])
    start = type_start - (len(back.group()) if back else 0)
    if start == type_start:  # a separate type word: "Berliner Straße 3"
        if not text[type_start].isupper() or type_start < 2 or text[type_start - 1] != " ":
            return None
        back = _WORD_BACK.match(text[max(0, type_start - 41) : type_start - 1][::-1])
        if back is None or not back.group():
            return None
        start = type_start - 1 - len(back.group())
    if not text[start].isupper() or not _starts_word(text, start):
        return None
    return start


def _city_start(text: str, comma: int) -> int | None:
    """Start of the capitalised words (at most four) just before ``, ST 12345``."""
    lo = max(text.rfind("\n", 0, comma) + 1, comma - 60)
    start = None
    for word in reversed(list(_NON_SPACE.finditer(text, lo, comma))[-4:]):
        if not word.group()[0].isupper():
            break
        start = word.start()
    return start
