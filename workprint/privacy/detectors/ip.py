"""IP addresses: IPv4 dotted quads with octets 0-255, and IPv6 validated by :mod:`ipaddress`.

Not addresses: version numbers (``1.2.3``, ``10.0``, ``v1.2.3.4``, ``version 4.3.2.1``),
dotted runs longer than four parts (``1.2.3.4.5``), times and MAC addresses (``10:23:45``,
``00:1a:2b:3c:4d:5e``), C++ scopes (``std::vector``; ``Abc::Def`` is valid IPv6 but has no
digit, and an IPv6 candidate needs one). An IPv6 address may follow a label and a colon, as in
a search box's ``ip:2001:db8::1`` (the span starts after ``ip:``), but never a colon after a
hex digit, a dot or another colon: the candidate is then the longer run, not its tail.
Addresses that identify no one are left alone: loopback (``127.0.0.1``, ``::1``), unspecified
(``0.0.0.0``, ``::``) and netmasks (``255.255.255.0``).
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass

from workprint.privacy.detectors.base import Span

_V4 = re.compile(r"(?<![\w.])[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}(?![\w]|\.[0-9])")
_V6 = re.compile(
    r"(?<![\w.])(?<![0-9A-Fa-f.:]:)"  # a colon before it only after a label: ``ip:2001:db8::1``
    r"(?:[0-9A-Fa-f]{1,4}:|::?)[0-9A-Fa-f:.]*[0-9A-Fa-f:](?:%[\w.]+)?(?![\w:])"
)
_VERSION_CUE = re.compile(r"(?i)(?:\bv|\bversion|\bver\.?|\brelease|\bbuild|\brev)\s*$")
_MASK_OCTETS = frozenset({"0", "128", "192", "224", "240", "248", "252", "254", "255"})


@dataclass(frozen=True, slots=True)
class IpDetector:
    """Finds IPv4 and IPv6 addresses; the span is the address (no port or prefix length)."""

    name: str = "ip"
    entities: tuple[str, ...] = ("IP",)

    def find(self, text: str) -> list[Span]:
        """Spans of IP addresses in ``text``."""
        spans: list[Span] = []
        for m in _V4.finditer(text):
            if self._v4_ok(text, m.start(), m.group()):
                spans.append(Span(m.start(), m.end(), "IP"))
        if "::" in text or text.count(":") >= 7:
            for m in _V6.finditer(text):
                raw = m.group()
                if raw.count(":") >= 2 and any(ch.isdigit() for ch in raw) and _v6_ok(raw):
                    spans.append(Span(m.start(), m.end(), "IP"))
        return spans

    def _v4_ok(self, text: str, start: int, raw: str) -> bool:
        octets = raw.split(".")
        if any(int(o) > 255 or (len(o) > 1 and o[0] == "0") for o in octets):
            return False
        if octets[0] in ("0", "127") or (octets[0] == "255" and set(octets) <= _MASK_OCTETS):
            return False
        return not _VERSION_CUE.search(text, max(0, start - 12), start)


def _v6_ok(raw: str) -> bool:
    try:
        address = ipaddress.IPv6Address(raw)
    except ValueError:
        return False
    return not (address.is_loopback or address.is_unspecified)
