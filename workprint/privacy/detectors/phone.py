"""Telephone numbers, in every region with a leading ``+``/``00`` and nationally for a list.

Candidates come from one regex over digit groups (``+44 (0)20 7946 0958``, ``(415) 555-2671``,
``06 12 34 56 78``, ``(020)-1234567``); only candidates with 7 to 17 digits are checked, each
with ``phonenumbers`` (never ``PhoneNumberMatcher`` over the text). Without a ``+`` the
candidate is tried in each configured region with ``is_valid_number``; in regions whose trunk
prefix is ``0`` it must start with that ``0`` unless the region is one where numbers are
customarily written without it (India's mobiles, Brazil's ``(11) 98765-4321``). A number
written with ``+`` (or ``00`` and separators) is a phone number as soon as its country code
exists and its length is possible there: reserved and fictional ranges (``+44 115 496 0525``)
and ranges newer than the metadata read as phone numbers to anyone.

Numbers that no region validates are still phone numbers when the text says so: a phone word
just before them (``tel``, ``mobile``, ``call``, ``reach her at``, ``Telefon``, ``portable``:
not the weaker ``number`` or ``contact``), an extension after them, or the North American
``415-555-2671`` / ``(415) 555-2671`` layout. Then 8 digits or more, of a length some
configured region dials (8 to 15 after ``00``), suffice: a mistyped or made-up number is
redacted as a real one would be.

Rejected before any parsing: dates and times (``2024-03-15``, ``15/03/2024``, ``05 12 2024``),
dotted quads (IP addresses) and dotted versions, the digits opening a UUID, numbers glued to
letters or continued by ``.5``/``,50`` (prices, decimals, UUID pieces), and numbers right after
``order``, ``invoice``, ``ticket``, ``#`` and similar, and Brazilian postcodes (``01310-100``).
A bare run of digits (no separator, no ``+``) is a phone only with a cue such as ``tel``,
``phone`` or ``call`` just before it, or when it has 9 digits or more, opens with a single
trunk ``0`` and a region validates it (``0612345678``, ``04018782727``: order numbers,
quantities and timestamps do not start with a zero, and all-digit short commit hashes are
shorter). Otherwise every order number and Unix timestamp would be valid somewhere
(``Telefon 015112345678`` and ``telefono 3471234567`` are found; ``3471234567`` alone is not).

An extension written after the number (``415-555-2671x543``, ``(415) 555-2671 ext. 42``) is
part of the span: the number is validated without it, and the span runs to the extension's
last digit. In a URL, ``%2B``, ``%20``, ``%28`` and ``%29`` are decoded before the search
(``?phone=%2B44%2020%207946%200958``), and the spans are mapped back to the encoded text,
from the first escape or digit to the last.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

import phonenumbers

from workprint.core.errors import ConfigError
from workprint.privacy.detectors._context import is_alnum_at, near
from workprint.privacy.detectors.base import Span

DEFAULT_REGIONS = ("US", "GB", "DE", "FR", "IN", "BR", "JP", "AU", "NL", "ES", "IT")
TRUNK_OPTIONAL = frozenset({"IN", "BR"})

_CANDIDATE = re.compile(
    r"(?<![\w+#$€£¥.,/\-])"
    r"(?:\+[ ]?|\b00)?"
    r"(?:\([0-9]{1,5}\)[ \-]?)?[0-9]+"
    r"(?:(?:[ .\-/]|[ ]?\([0-9]{1,5}\)[ \-]?)[0-9]+)*"
)
_GROUP = re.compile(r"\(?[0-9]+\)?")
_NON_DIGIT = re.compile(r"[^0-9]+")
_MAX_GROUPS = 8
_MAX_TRIES = 48
_DATE = re.compile(r"([0-9]{1,4})([ ./\-])([0-9]{1,2})\2([0-9]{2}|[0-9]{4})")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\b")
_UUID_START = re.compile(r"[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-")
_EXTENSION = re.compile(r"(?i)[ ]?(?:x|ext\.?|extension)[ ]?[0-9]{1,6}(?!\w|[.,][0-9])")
_URL = re.compile(r"(?i)(?<![a-z0-9+.\-])[a-z][a-z0-9+.\-]{0,31}://[^\s<>\"']+")
_ESCAPE = re.compile(r"(?i)%(?:2B|20|28|29)")
_UNESCAPE = {"%2B": "+", "%20": " ", "%28": "(", "%29": ")"}
PHONE_WORDS = (
    r"phones?|tel|mobile|mob|cell|fax|call|ring|sms|whatsapp|ph|reach|reachable|"
    r"telefon|handy|mobil|mobilnummer|rufnummer|erreichbar|anrufen|"
    r"t[ée]l[ée]phone|t[ée]l|portable|joindre|joignable|appeler|"
    r"m[óo]vil|tel[ée]fono|llamar|ll[áa]mame|celular|telefone|ligar|"
    r"mobiel|telefoon|bereikbaar|bellen|cellulare|chiamare|chiamami"
)
"""Words that announce a phone number (regular-expression alternatives, whole words)."""
WEAK_PHONE_WORDS = r"text|contact|number"
"""Words that make a bare run worth validating, but do not vouch for an invalid number."""
_CUE = re.compile(rf"(?i)\b(?:{PHONE_WORDS}|{WEAK_PHONE_WORDS})\b")
_STRONG_CUE = re.compile(rf"(?i)\b(?:{PHONE_WORDS})\b")
_NANP = re.compile(
    r"(?:1[ .\-])?(?:\([2-9][0-9]{2}\)[ ]?[2-9][0-9]{2}[.\-]|[2-9][0-9]{2}([.\-])[2-9][0-9]{2}\1)"
    r"[0-9]{4}"
)
"""The North American layout, ``415-555-2671``, ``415.555.2671``, ``(415) 555-2671``."""
_CEP = re.compile(r"[0-9]{5}-[0-9]{3}")
"""A Brazilian postcode (CEP), ``01310-100``; no telephone plan groups digits 5-3."""
_NOT_A_PHONE_CUE = re.compile(
    r"(?i)\b(?:order|invoice|ticket|case|ref|reference|id|sku|serial|tracking|acct|po|"
    r"version|build|release|isbn|batch|lot)\s*(?:no\.?|number|nr\.?|#|:)?\s*#?\s*$"
)


@dataclass(frozen=True, slots=True)
class _Region:
    code: str
    trunk: str
    lengths: frozenset[int]
    shape: re.Pattern[str]
    """Matches every national number valid in a region sharing this one's country code."""
    suffixes: tuple[int, ...]
    """The lengths those numbers may have, to try as suffixes of a candidate's digits."""
    abroad: re.Pattern[str]
    """The region's international call prefix (``011``, ``00``): digits dialled abroad."""

    def may_be_valid(self, digits: str) -> bool:
        """False only when ``phonenumbers`` cannot find ``digits`` valid with this region.

        Parsing keeps a suffix of the digits as the national number (it strips at most a
        trunk prefix, a carrier code or the country code), and a valid number matches the
        pattern of one of its region's number types; a region sharing the country code
        (Canada for the US) may be the one. Digits that start with the international prefix
        could be another country's number, so they are left to the parser. This skips most
        parses (the costliest step) without changing any answer.
        """
        if self.abroad.match(digits):
            return True
        n = len(digits)
        return any(self.shape.fullmatch(digits, n - k) for k in self.suffixes if k <= n)


@dataclass(frozen=True, slots=True)
class PhoneDetector:
    """Finds telephone numbers; the span runs from the ``+`` or first digit to the last.

    The last digit is the extension's, when the number has one (``x123``, ``ext. 123``).
    """

    name: str = "phone"
    entities: tuple[str, ...] = ("PHONE",)
    regions: tuple[str, ...] = DEFAULT_REGIONS
    """Regions whose national formats (no ``+``) are recognised, tried in order."""
    trunk_optional: frozenset[str] = TRUNK_OPTIONAL
    """Regions whose numbers are often written without the trunk prefix ``0``."""
    _regions: tuple[_Region, ...] = field(init=False, repr=False, compare=False)
    _trunk_width: int = field(init=False, repr=False, compare=False)
    _plausible_lengths: dict[tuple[int, str], bool] = field(init=False, repr=False, compare=False)
    """Memo of :meth:`_plausible`, whose answer depends only on the length and the prefix."""

    def __post_init__(self) -> None:
        resolved = []
        for code in self.regions:
            md = phonenumbers.PhoneMetadata.metadata_for_region(code.upper())
            if md is None or md.general_desc is None:
                raise ConfigError("unknown phone region in the detector settings", region=code)
            trunk = md.national_prefix or ""
            lengths = frozenset(md.general_desc.possible_length or ())
            shape = _shape(md.country_code or 0)
            resolved.append(_Region(code.upper(), trunk, lengths, *shape))
        object.__setattr__(self, "_regions", tuple(resolved))
        object.__setattr__(self, "_trunk_width", max([len(r.trunk) for r in resolved] + [1]))
        object.__setattr__(self, "_plausible_lengths", {})

    def find(self, text: str) -> list[Span]:
        """Spans of telephone numbers in ``text``; URL-encoded ones are decoded first."""
        if "://" not in text or "%" not in text:
            return self._find(text)
        encoded = [m.span() for m in _URL.finditer(text) if _ESCAPE.search(m.group())]
        if not encoded:
            return self._find(text)
        starts = [a for a, _ in encoded]
        spans = []
        for span in self._find(text):  # spans inside an encoded URL are found decoded below
            k = bisect.bisect_right(starts, span.start) - 1
            if k < 0 or span.start >= encoded[k][1]:
                spans.append(span)
        for a, b in encoded:
            decoded, offsets = _unescape(text, a, b)
            for s in self._find(decoded):
                start, end = offsets[s.start], offsets[s.end - 1]
                end += 3 if text[end] == "%" else 1
                spans.append(Span(start, end, s.entity, s.score))
        return sorted(spans, key=lambda s: (s.start, s.end))

    def _find(self, text: str) -> list[Span]:
        spans: list[Span] = []
        for m in _CANDIDATE.finditer(text):
            start, end = m.span()
            if end - start < 7:
                continue
            if _UUID_START.match(text, start):
                continue  # the first groups of a UUID (``07707622-1630-466e-...``)
            ext = _EXTENSION.match(text, end)
            if ext is None and (is_alnum_at(text, end) or _continues_number(text, end)):
                end = _drop_last_group(text, start, end)  # glued to a word or a decimal
                if end - start < 7:
                    continue
            raw = text[start:end]
            if len(_NON_DIGIT.sub("", raw)) < 7 or _looks_like_other_number(raw):
                continue
            if _NOT_A_PHONE_CUE.search(text, max(0, start - 24), start):
                continue
            found = self._windows(text, start, end)
            if not found and self._announced(text, start, end, ext is not None):
                found = [Span(start, end, "PHONE", 0.85)]
            if ext is not None:  # the extension belongs to the number that ends where it starts
                found = [
                    Span(f.start, ext.end(), f.entity, f.score) if f.end == end else f
                    for f in found
                ]
            spans.extend(found)
        return spans

    def _windows(self, text: str, start: int, end: int) -> list[Span]:
        """The whole candidate if valid, else valid runs of whole digit groups in it.

        A number glued to other numbers (``2 0207 946 0958``: a quantity first; two numbers
        in a row; a number then a card) is found by trying runs of up to eight groups, longest
        first, left to right. A run starts at the candidate's start, a bracket or a group of
        two digits or more; at most :data:`_MAX_TRIES` runs of one candidate are validated.
        """
        whole = self._check(text, start, end)
        if whole is not None:
            return [whole]
        groups = [g.span() for g in _GROUP.finditer(text, start, end)]
        if len(groups) < 2:
            return []
        digits = [_NON_DIGIT.sub("", text[a:b]) for a, b in groups]
        found: list[Span] = []
        tries = 0
        i = 0
        while i < len(groups) and tries < _MAX_TRIES:
            if i and len(digits[i]) < 2 and text[groups[i][0]] != "(":
                i += 1
                continue
            for j in range(min(len(groups), i + _MAX_GROUPS) - 1, i - 1, -1):
                if (i, j) == (0, len(groups) - 1):
                    continue
                run = "".join(digits[i : j + 1])
                intl = i == 0 and text[start] == "+"
                if not self._plausible(run, intl):
                    continue
                tries += 1
                span = self._check(text, start if i == 0 else groups[i][0], groups[j][1])
                if span is not None:
                    found.append(span)
                    i = j
                    break
            i += 1
        return found

    def _announced(self, text: str, start: int, end: int, extension: bool) -> bool:
        """True when the text vouches for a number no region validates.

        A phone word before it, an extension after it, or the North American layout; and 8
        to 15 digits (after ``+`` or ``00``), or a length some configured region dials.
        """
        raw = text[start:end]
        digits = _NON_DIGIT.sub("", raw)
        if not 8 <= len(digits) <= 17 or _looks_like_other_number(raw):
            return False
        if raw.startswith("+") or digits.startswith("00"):
            if not 8 <= len(digits.removeprefix("00")) <= 15:
                return False
        elif not self._plausible(digits, intl=False):
            return False
        return (
            extension
            or _NANP.fullmatch(raw) is not None
            or near(text, start, _STRONG_CUE, before=30)
        )

    def _plausible(self, digits: str, intl: bool) -> bool:
        """Cheap test before parsing: a length some configured region (or E.164) allows."""
        if intl or digits.startswith("00"):
            return 8 <= len(digits) <= 17
        key = (len(digits), digits[: self._trunk_width])
        known = self._plausible_lengths.get(key)
        if known is None:
            known = any(self._national(r, digits) is not None for r in self._regions)
            self._plausible_lengths[key] = known
        return known

    def _national(self, region: _Region, digits: str) -> str | None:
        """``digits`` without the region's trunk prefix, if the region could dial them."""
        if region.trunk and digits.startswith(region.trunk):
            national = digits[len(region.trunk) :]
        elif region.trunk == "0" and region.code not in self.trunk_optional:
            return None
        else:
            national = digits
        return national if len(national) in region.lengths else None

    def _check(self, text: str, start: int, end: int) -> Span | None:
        raw = text[start:end]
        digits = _NON_DIGIT.sub("", raw)
        if not 7 <= len(digits) <= 17 or _looks_like_other_number(raw):
            return None
        formatted = not raw.isdigit()
        if raw.startswith("+") or raw.startswith("00"):
            number = _international(raw)
            ok = _possible(number) if formatted else _valid(number, None)
            return Span(start, end, "PHONE", 1.0) if ok else None
        trunk_zero = len(digits) >= 9 and digits[0] == "0" and digits[1] != "0"
        if not formatted and not trunk_zero and not near(text, start, _CUE, before=30):
            return None  # a bare run needs a cue, or 9 digits or more after one trunk zero
        for region in self._regions:
            if (
                self._national(region, digits) is not None
                and region.may_be_valid(digits)
                and _valid(raw, region.code)
            ):
                return Span(start, end, "PHONE", 0.9 if formatted else 0.8)
        return None


def _unescape(text: str, start: int, end: int) -> tuple[str, list[int]]:
    """``text[start:end]`` with ``%2B``, ``%20``, ``%28`` and ``%29`` decoded.

    Returns the decoded string and, for each of its characters, the offset in ``text`` of the
    character (or of the ``%`` of the escape) it came from.
    """
    out: list[str] = []
    offsets: list[int] = []
    i = start
    while i < end:
        chunk = text[i : i + 3]
        if chunk.upper() in _UNESCAPE and i + 3 <= end:
            out.append(_UNESCAPE[chunk.upper()])
            offsets.append(i)
            i += 3
        else:
            out.append(text[i])
            offsets.append(i)
            i += 1
    return "".join(out), offsets


def _drop_last_group(text: str, start: int, end: int) -> int:
    """Where the candidate ends without its last digit group (``start`` if it has one)."""
    groups = [g.span() for g in _GROUP.finditer(text, start, end)]
    return groups[-2][1] if len(groups) > 1 else start


def _international(raw: str) -> str:
    return "+" + raw[2:] if raw.startswith("00") else raw


_TYPES = (
    "fixed_line", "mobile", "toll_free", "premium_rate", "shared_cost", "personal_number",
    "voip", "pager", "uan", "voicemail",
)  # fmt: skip
"""The number types ``is_valid_number`` accepts; a valid number matches one of their patterns."""


def _shape(country_code: int) -> tuple[re.Pattern[str], tuple[int, ...], re.Pattern[str]]:
    """The number patterns and lengths of a country code's regions, and their call prefixes."""
    patterns: list[str] = []
    lengths: set[int] = set()
    prefixes: list[str] = []
    for code in phonenumbers.region_codes_for_country_code(country_code):
        md = phonenumbers.PhoneMetadata.metadata_for_region(code)
        if md is None or md.general_desc is None:
            continue
        for kind in _TYPES:
            desc = getattr(md, kind, None)
            if desc is not None and desc.national_number_pattern:
                patterns.append(desc.national_number_pattern)
        lengths.update(md.general_desc.possible_length or ())
        if md.international_prefix:
            prefixes.append(md.international_prefix)
    shape = re.compile("|".join(f"(?:{p})" for p in dict.fromkeys(patterns) if p) or "(?!)")
    abroad = re.compile("|".join(f"(?:{p})" for p in dict.fromkeys(prefixes)) or "(?!)")
    return shape, tuple(sorted(lengths)), abroad


def _possible(raw: str) -> bool:
    """An international number whose country code exists and whose length fits it."""
    try:
        number = phonenumbers.parse(raw, None)
    except phonenumbers.NumberParseException:
        return False
    reason = phonenumbers.is_possible_number_with_reason(number)
    return bool(reason == phonenumbers.ValidationResult.IS_POSSIBLE)


def _valid(raw: str, region: str | None) -> bool:
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.is_valid_number(number)


def _is_date(raw: str) -> bool:
    """``15/03/2024``, ``2024.3.15``, ``05 12 24``: three groups that read as a calendar date."""
    m = _DATE.fullmatch(raw)
    if m is None:
        return False
    a, b, c = int(m.group(1)), int(m.group(3)), int(m.group(4))
    if len(m.group(1)) == 4:
        return (1 <= b <= 12 and 1 <= c <= 31) or (1 <= b <= 31 and 1 <= c <= 12)
    if len(m.group(1)) > 2:
        return False
    return (1 <= a <= 31 and 1 <= b <= 12) or (1 <= a <= 12 and 1 <= b <= 31)


def _continues_number(text: str, end: int) -> bool:
    """A decimal, version or range goes on after ``end`` (``5.50``, ``1,5``, ``3-4a``)."""
    return end + 1 < len(text) and text[end] in ".,:" and text[end + 1].isdigit()


def _looks_like_other_number(raw: str) -> bool:
    """Dates, times, dotted quads, dotted versions and postcodes: shapes phones do not take."""
    if _ISO_DATE.match(raw) or _is_date(raw) or _CEP.fullmatch(raw):
        return True
    if "." in raw:
        parts = raw.lstrip("+").split(".")
        if any(len(p.strip("() ")) < 2 for p in parts):
            return True  # 1.2.3.4567 is a version
        if len(parts) == 4 and all(p.isdigit() and len(p) <= 3 for p in parts):
            return True  # 192.168.10.200 is an address
    return False
