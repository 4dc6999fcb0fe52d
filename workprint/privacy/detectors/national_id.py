"""National identity and tax numbers, each validated by its own structure or check digits.

One rule per document (data: a pattern, a validator, a context cue and when that cue is
required):

===========  ============  ===============================================================
entity       document      validation
===========  ============  ===============================================================
SSN          US SSN        area not 000, 666 or 9xx; group not 00; serial not 0000
NINO         UK NINO       prefix letters from the allowed sets, not BG GB NK KN TN NT ZZ
NATIONAL_ID  NL BSN        11-proof; always needs a cue (``BSN``, ``sofinummer``, ``ID``)
NATIONAL_ID  ES DNI / NIE  control letter (mod 23)
NATIONAL_ID  FR NIR        sex digit, month, two-digit key 97 - (n mod 97)
NATIONAL_ID  DE Steuer-ID  digit-repetition rule and ISO 7064 MOD 11,10 check digit
NATIONAL_ID  IN Aadhaar    Verhoeff check digit, first digit 2-9
NATIONAL_ID  BR CPF        two mod-11 check digits
NATIONAL_ID  IT CF         codice fiscale: 16 characters, check letter (odd/even tables)
===========  ============  ===============================================================

Numbers written as one bare run of digits (``078051121``) match many unrelated numbers, so
for the SSN, Steuer-ID, Aadhaar and CPF a bare run counts only next to its cue (``SSN``,
``Steuer-ID``, ``Aadhaar``, ``CPF``); the formatted shapes (``123-45-6789``,
``123.456.789-09``) do not need one. A plain ``ID`` (not ``Order ID``, ``user-id``...) cues a
bare SSN as it cues a BSN. A document with check digits (BSN, Steuer-ID, Aadhaar, CPF) that
is the whole text, as in a search box or a form field whose label the detector never sees,
counts as cued; an SSN, which has none, does not. A bare run of digits that needs no cue (a
compact NIR) is not an identity number when a record word labels it (``invoice
238349555077978``).

Scores rank a reading against other detectors' readings of the same digits: 1.0 with the
document's own cue, 0.95 in the document's own separators (``123-45-6789`` is an SSN before it
is a phone number), 0.9 with a generic cue or alone in a field, 0.85 otherwise.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from workprint.privacy.detectors._checksums import (
    bsn_ok,
    codice_fiscale_ok,
    cpf_ok,
    dni_letter,
    nir_ok,
    steuer_id_ok,
    verhoeff_ok,
)
from workprint.privacy.detectors._context import is_alnum_at, labelled_as_record, near, windows
from workprint.privacy.detectors.base import Span

CueRule = Literal["never", "bare", "always"]
_CF = re.compile(
    r"(?<![A-Za-z0-9])[A-Z]{6}[0-9LMNPQRSTUV]{2}[ABCDEHLMPRST][0-9LMNPQRSTUV]{2}"
    r"[A-Z][0-9LMNPQRSTUV]{3}[A-Z](?![A-Za-z0-9])"
)
"""Italian codice fiscale: surname and name letters, year, month letter, day, town, check."""
_GATE = re.compile(r"[0-9](?:[ .\-]?[0-9]){5}")
"""Every number of every rule holds six digits, at most one separator between two."""


@dataclass(frozen=True, slots=True)
class IdRule:
    """One kind of national number: where it is, how to check it, when it needs a cue."""

    document: str
    entity: str
    pattern: re.Pattern[str]
    valid: Callable[[str], bool]
    """Check on the compact form (spaces, dashes and dots removed, upper case)."""
    cue: re.Pattern[str] | None = None
    cue_rule: CueRule = "never"
    generic_cue: re.Pattern[str] | None = None
    """A weaker cue (``ID``) that also satisfies ``cue_rule``, at a lower score."""
    checksum: bool = False
    """The number carries check digits, so standing alone in a field counts as a cue."""


_SSN_DUMMIES = frozenset({"078051120", "219099999", "123456789"})


def _ssn_ok(d: str) -> bool:
    area, group, serial = d[:3], d[3:5], d[5:]
    return (
        area not in ("000", "666")
        and area[0] != "9"
        and group != "00"
        and serial != "0000"
        and d not in _SSN_DUMMIES
    )


_NINO_BAD_PREFIXES = frozenset({"BG", "GB", "NK", "KN", "TN", "NT", "ZZ"})


def _nino_ok(d: str) -> bool:
    return d[:2] not in _NINO_BAD_PREFIXES


def _dni_ok(d: str) -> bool:
    number = int(str("XYZ".index(d[0])) + d[1:8]) if d[0] in "XYZ" else int(d[:8])
    return dni_letter(number) == d[8]


def _nir_ok(d: str) -> bool:
    month = int(d[3:5])
    return (1 <= month <= 12 or 20 <= month <= 42 or 50 <= month <= 99) and nir_ok(d)


def _aadhaar_ok(d: str) -> bool:
    return d[0] not in "01" and verhoeff_ok(d)


def _cf_digits_bad(cf: str) -> bool:
    """True when the codice fiscale's day (01-31, +40 for women) is impossible."""
    day = cf[9:11].translate(_OMOCODIA)
    return not (1 <= int(day) <= 31 or 41 <= int(day) <= 71)


_OMOCODIA = str.maketrans("LMNPQRSTUV", "0123456789")
"""Letters that replace digits in a codice fiscale issued to a homonym."""


_NOT_RECORD_ID = "".join(
    rf"(?<!{w}[ \-_])"
    for w in (
        "order", "invoice", "ticket", "request", "account", "transaction", "session", "user",
        "customer", "product", "client", "tracking", "booking", "case", "job", "build", "item",
    )
)  # fmt: skip
"""``ID`` is a BSN cue, but not in ``Order ID``, ``user-id``, ``request_id``."""


def _cue(words: str) -> re.Pattern[str]:
    return re.compile(rf"(?i)\b(?:{words})\b")


_GENERIC_ID_CUE = re.compile(
    r"(?i)(?<![\w\-])(?<![\w\-] )"
    r"(?:id|id[ \-]?(?:no\.?|nr\.?|number|#)|identification(?: number| no\.?)?|"
    r"national id(?: number| no\.?)?|identity(?: card)? (?:number|no\.?))"
    r"[ ]?[:#=]?[ ]?$"
)
"""An identity-number label right before the number: ``ID``, ``ID no.:``, ``national ID``.

The label must stand on its own (``DOB 1990-01-02, ID 123456789``): after a word it names
some other record (``Order ID``, ``Device ID``), after a dash it is part of a name.
"""


RULES: tuple[IdRule, ...] = (
    IdRule(
        "US SSN",
        "SSN",
        re.compile(r"[0-9]{3}([ \-]?)[0-9]{2}\1[0-9]{4}(?![\w\-])"),
        _ssn_ok,
        _cue(r"ssn|ss#|social security(?: number| no)?|soc\.? ?sec\.?"),
        "bare",
        _GENERIC_ID_CUE,
    ),
    IdRule(
        "UK NINO",
        "NINO",
        re.compile(
            r"[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]"
            r" ?[0-9]{2} ?[0-9]{2} ?[0-9]{2} ?[A-D](?![A-Za-z0-9])"
        ),
        _nino_ok,
        _cue(r"nino|ni (?:number|no\.?)|national insurance(?: number| no\.?)?"),
    ),
    IdRule(
        "NL BSN",
        "NATIONAL_ID",
        re.compile(r"[0-9]{4}(?:\.?[0-9]{2}\.?[0-9]{3})(?![\w\-]|\.[0-9])"),
        bsn_ok,
        _cue(
            r"bsn|bsn-?nummer|burgerservicenummer|sofi-?nummer|citizen service number|"
            r"persoonsnummer|identiteitsnummer|"
            rf"{_NOT_RECORD_ID}id(?:-?nummer)?"
        ),
        "always",
        checksum=True,
    ),
    IdRule(
        "ES DNI/NIE",
        "NATIONAL_ID",
        re.compile(r"(?:[0-9]{8}|[XYZ][ \-]?[0-9]{7})[ \-]?[A-Z](?![A-Za-z0-9])"),
        _dni_ok,
    ),
    IdRule(
        "FR NIR",
        "NATIONAL_ID",
        re.compile(
            r"[12378] ?[0-9]{2} ?[0-9]{2} ?(?:[0-9]{2}|2[AB])"
            r" ?[0-9]{3} ?[0-9]{3} ?[0-9]{2}(?![\w\-])"
        ),
        _nir_ok,
    ),
    IdRule(
        "DE Steuer-ID",
        "NATIONAL_ID",
        re.compile(r"[1-9][0-9] ?[0-9]{3} ?[0-9]{3} ?[0-9]{3}(?![\w\-])"),
        steuer_id_ok,
        _cue(r"steuer-?id|steuer-?identifikationsnummer|identifikationsnummer|idnr|tin|tax id"),
        "bare",
        checksum=True,
    ),
    IdRule(
        "IN Aadhaar",
        "NATIONAL_ID",
        re.compile(r"[2-9][0-9]{3}([ \-]?)[0-9]{4}\1[0-9]{4}(?![\w\-])"),
        _aadhaar_ok,
        _cue(r"aadhaa?r|uidai|uid"),
        "bare",
        checksum=True,
    ),
    IdRule(
        "BR CPF",
        "NATIONAL_ID",
        re.compile(r"[0-9]{3}(?:\.[0-9]{3}\.[0-9]{3}-[0-9]{2}|[0-9]{8})(?![\w\-])"),
        cpf_ok,
        _cue(r"cpf"),
        "bare",
        checksum=True,
    ),
)


@dataclass(frozen=True, slots=True)
class NationalIdDetector:
    """Finds national identity and tax numbers of the documents in ``rules``."""

    name: str = "national_id"
    entities: tuple[str, ...] = ("SSN", "NINO", "NATIONAL_ID")
    rules: tuple[IdRule, ...] = RULES
    cue_window: int = 40
    """How many characters before a number its cue may be."""

    def find(self, text: str) -> list[Span]:
        """Spans of national numbers in ``text``."""
        spans: list[Span] = []
        for lo, hi in windows(text, _GATE, 24):
            for rule in self.rules:
                for m in rule.pattern.finditer(text, lo, hi):
                    span = self._check(text, rule, m)
                    if span is not None:
                        spans.append(span)
        for m in _CF.finditer(text):
            if codice_fiscale_ok(m.group()) and not _cf_digits_bad(m.group()):
                spans.append(Span(m.start(), m.end(), "NATIONAL_ID", 1.0))
        return spans

    def _check(self, text: str, rule: IdRule, m: re.Match[str]) -> Span | None:
        start, end = m.span()
        if start and (text[start - 1].isalnum() or text[start - 1] in "_-."):
            return None
        if end < len(text) and (text[end].isalnum() or text[end] in "_-"):
            return None
        if text.startswith(".", end) and is_alnum_at(text, end + 1):
            return None
        raw = m.group()
        compact = raw.replace(" ", "").replace("-", "").replace(".", "").upper()
        if not rule.valid(compact):
            return None
        if rule.cue is not None and near(text, start, rule.cue, before=self.cue_window):
            return Span(start, end, rule.entity, 1.0)
        formatted = compact != raw.upper()
        needs_cue = rule.cue_rule == "always" or (rule.cue_rule == "bare" and not formatted)
        if not needs_cue:
            if not formatted and raw.isdigit() and labelled_as_record(text, start):
                return None  # "invoice 238349555077978" is an invoice's number, whatever its key
            return Span(start, end, rule.entity, 0.95 if formatted else 0.85)
        generic = rule.generic_cue is not None and near(
            text, start, rule.generic_cue, before=self.cue_window
        )
        alone = rule.checksum and not text[:start].strip() and not text[end:].strip()
        return Span(start, end, rule.entity, 0.9) if generic or alone else None
