"""Credentials carried in URLs: ``user:password@`` userinfo, and secret query parameters.

* ``https://jane:s3cret@db.example.com/`` - the span is the userinfo ``jane:s3cret`` (a
  username alone, ``ftp://jane@host``, is flagged too; ``ssh://git@host`` is not).
* ``...?access_token=abc&page=2``, ``#id_token=...``, ``&X-Amz-Signature=...`` - the span is
  the parameter's value. A parameter is secret when a part of its name (split at ``_ - .``)
  is a credential word (``token``, ``key``, ``secret``, ``password``, ``session``, ``sig``,
  ``auth``, ...) or ends in one (``accessToken``, ``PHPSESSID``); ``keyword`` or ``authuser``
  are not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from workprint.privacy.detectors.base import Span

_USERINFO = re.compile(r"://([^\s/?#\"'<>@]+(?:@[^\s/?#\"'<>@]+)*)@(?=[\w\[])")
_PARAM = re.compile(r"[?&;#]([A-Za-z0-9_.\-\[\]]{1,64})=([^&\s#\"'<>]+)")
_SPLIT = re.compile(r"[_\-.\[\]]+")

SECRET_PARTS = frozenset(
    {
        "token", "key", "apikey", "secret", "password", "passwd", "pwd", "pass", "passphrase",
        "session", "sessionid", "sid", "sig", "signature", "auth", "authorization",
        "credential", "credentials", "jwt", "otp", "code", "ticket", "samlresponse",
        "samlrequest", "assertion", "bearer", "hmac",
    }
)  # fmt: skip
"""Name parts that make a query parameter secret on their own."""
SECRET_SUFFIXES = (
    "token", "secret", "password", "passwd", "signature", "apikey", "accesskey", "secretkey",
    "privatekey", "sessionid", "sessid", "credential", "credentials",
)  # fmt: skip
"""Endings of a name part that make it secret (``accesstoken``, ``phpsessid``)."""
_TRAILING = ".,;:!?)]}'\""


def secret_param(name: str) -> bool:
    """True when a query parameter called ``name`` carries a credential."""
    for part in _SPLIT.split(name.lower()):
        if part in SECRET_PARTS or part.endswith(SECRET_SUFFIXES):
            return True
    return False


@dataclass(frozen=True, slots=True)
class UrlCredentialsDetector:
    """Finds URL userinfo and the values of secret query parameters."""

    name: str = "url_credentials"
    entities: tuple[str, ...] = ("URL_CREDENTIALS",)
    harmless_users: frozenset[str] = frozenset({"git"})
    """Usernames that are service accounts, not people (``ssh://git@github.com``)."""

    def find(self, text: str) -> list[Span]:
        """Spans of URL credentials in ``text``."""
        spans: list[Span] = []
        if "://" in text:
            for m in _USERINFO.finditer(text):
                userinfo = m.group(1)
                if ":" not in userinfo and userinfo.lower() in self.harmless_users:
                    continue
                score = 1.0 if ":" in userinfo else 0.8
                spans.append(Span(m.start(1), m.end(1), "URL_CREDENTIALS", score))
        if "=" in text:
            for m in _PARAM.finditer(text):
                if not secret_param(m.group(1)):
                    continue
                value = m.group(2).rstrip(_TRAILING)
                if value:
                    start = m.start(2)
                    spans.append(Span(start, start + len(value), "URL_CREDENTIALS", 0.9))
        return spans
