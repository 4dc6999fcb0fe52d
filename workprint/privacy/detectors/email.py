"""E-mail addresses.

Anchored on ``@`` (found with a plain string search, so text without one costs nothing): the
local part is read backwards from the ``@``, the domain forwards, and the domain must end in
an alphabetic top-level label. Not e-mail: ``@mentions`` and npm scopes (no local part),
``icon@2x.png`` (a file extension, not a TLD), ``pkg@1.2.3`` (no alphabetic TLD), and the
userinfo of a URL's authority (``https://user:pw@host``), which :mod:`.url_credentials` owns.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from workprint.privacy.detectors._context import word_set
from workprint.privacy.detectors.base import Span

_LOCAL_REVERSED = re.compile(r"[\w.%+'\-]{1,64}")
_DOMAIN = re.compile(
    r"(?:[^\W_](?:[\w\-]{0,61}[^\W_])?\.)+([^\W\d_]{2,63}|xn--[a-z0-9\-]{1,59})(?![\w\-])",
    re.IGNORECASE,
)
_NOT_TLDS = word_set("png jpg jpeg gif svg webp ico bmp tif tiff css js mjs ts map json txt md")


@dataclass(frozen=True, slots=True)
class EmailDetector:
    """Finds e-mail addresses; the span is the whole address."""

    name: str = "email"
    entities: tuple[str, ...] = ("EMAIL",)
    not_tlds: frozenset[str] = _NOT_TLDS
    """Final labels that are file extensions, not domains (``icon@2x.png``)."""

    def find(self, text: str) -> list[Span]:
        """Spans of e-mail addresses in ``text``."""
        spans: list[Span] = []
        at = text.find("@")
        while at != -1:
            span = self._at(text, at)
            if span is not None:
                spans.append(span)
            at = text.find("@", at + 1)
        return spans

    def _at(self, text: str, at: int) -> Span | None:
        m = _LOCAL_REVERSED.match(text[max(0, at - 64) : at][::-1])
        if m is None:
            return None
        local = m.group()[::-1].lstrip(".'")
        if not local or local.endswith("."):
            return None
        start = at - len(local)
        d = _DOMAIN.match(text, at + 1)
        if d is None or d.group(1).lower() in self.not_tlds:
            return None
        if _in_url_authority(text, start):
            return None
        if local == "git" and text.startswith(":", d.end()):
            return None  # an SSH remote (git@host:org/repo), not a mailbox
        return Span(start, d.end(), "EMAIL")


def _in_url_authority(text: str, start: int) -> bool:
    """True when ``start`` sits in the userinfo of a ``scheme://`` URL's authority."""
    scheme = text.rfind("://", max(0, start - 256), start)
    if scheme == -1:
        return False
    between = text[scheme + 3 : start]
    return "/" not in between and not any(ch.isspace() for ch in between)
