"""Secrets: provider key formats, JWTs, private keys, credential assignments, random tokens.

Four rule families, each cheap to scan for (a literal prefix or a keyword anchors each one):

* **Provider formats** (:data:`PROVIDER_RULES`): AWS access key ids (``AKIA``/``ASIA``...),
  GitHub (``ghp_``, ``gho_``, ``ghs_``, ``github_pat_``), GitLab (``glpat-``), Slack
  (``xoxb-``... and webhook URLs), Stripe (``sk_live_``, ``rk_live_``, ``whsec_``), Google
  (``AIza``, ``GOCSPX-``), OpenAI/Anthropic-style ``sk-...``, Twilio (``AC``/``SK`` + 32 hex),
  SendGrid (``SG.``), npm (``npm_``), PyPI (``pypi-``), Hugging Face (``hf_``), Azure
  connection-string keys (``AccountKey=``, ``SharedAccessKey=``); JWTs (three base64url
  parts whose header decodes to a JSON object with ``alg``, entity ``JWT``); PEM private key
  blocks (entity ``PRIVATE_KEY``, the whole block).
* **Assignments**: ``password=``, ``passwd:``, ``"secret": "..."``, ``api_key=``,
  ``AWS_SECRET_ACCESS_KEY=``, ``--password x``, ``curl -u user:pw``, ``Authorization:
  Bearer ...``, ``mysql -pSECRET``, ``sshpass -p SECRET`` - the span is the value only.
  The last part of the name decides: ``password``, ``passwd``, ``pwd``, ``pass`` give
  ``PASSWORD``; ``secret``, ``token``, a qualified ``key``
  (``api_key``, ``secretKey``, ``X-Api-Key``) give ``SECRET``; ``max_tokens``,
  ``tokenizer``, ``password_hash``, ``keyword`` give nothing. Placeholders (``****``,
  ``<token>``, ``${TOKEN}``, ``{{ secret }}``, ``null``) are not values.
* **Passwords in prose** after a cue phrase (``temp password for the account is X``, ``new
  password: X``, ``pw: X``): the value needs a digit or symbol, or mixed case inside a word
  of 8+ letters, so ``the password is reset`` gives nothing.
* **High-entropy tokens** near a keyword (``key``, ``token``, ``secret``, ``auth``...): 20+
  characters of base64/base64url with upper case, lower case and a digit or symbol, and a
  Shannon entropy above a length-dependent threshold. Never flagged by this rule: hex
  strings (UUIDs, git commit ids, SHA-1/SHA-256 checksums), camel-case identifiers, and
  base64 of repetitive data (``AAAA...``, ``YWFhYWFh...``).

An explicit assignment is flagged whatever its value looks like (``api_key = <uuid>`` is a
credential), while the entropy rule alone never flags a hex string.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from workprint.privacy.detectors._context import near, shannon_entropy
from workprint.privacy.detectors.base import Span
from workprint.privacy.detectors.url_credentials import secret_param


@dataclass(frozen=True, slots=True)
class ProviderRule:
    """A key format that announces itself with a fixed prefix."""

    label: str
    entity: str
    pattern: re.Pattern[str]
    """Where the key is; the match starts with one of the ``triggers``."""
    triggers: tuple[str, ...]
    """Literal prefixes: the pattern runs only over texts that contain one of them."""
    check: Callable[[str], bool] | None = None
    skip: int = 0
    """Leading characters of the match that are not secret (``AccountKey=``)."""


def _rule(
    label: str,
    entity: str,
    pattern: str,
    triggers: str,
    check: Callable[[str], bool] | None = None,
    skip: int = 0,
) -> ProviderRule:
    return ProviderRule(label, entity, re.compile(pattern), tuple(triggers.split()), check, skip)


def _mixed(value: str) -> bool:
    return (
        any(c.isdigit() for c in value)
        and any(c.isupper() for c in value)
        and any(c.islower() for c in value)
    )


def _openai_ok(value: str) -> bool:
    return _mixed(value[3:])


def _jwt_ok(value: str) -> bool:
    header = value.split(".", 1)[0]
    try:
        decoded = json.loads(base64.urlsafe_b64decode(header + "=" * (-len(header) % 4)))
    except (binascii.Error, ValueError):
        return False
    return isinstance(decoded, dict) and "alg" in decoded


_B64U = r"[A-Za-z0-9_\-]"
_AWS_PREFIXES = "AKIA ASIA ABIA ACCA AGPA AIDA AIPA ANPA ANVA AROA"
PROVIDER_RULES: tuple[ProviderRule, ...] = (
    _rule(
        "AWS access key id",
        "SECRET",
        rf"(?:{_AWS_PREFIXES.replace(' ', '|')})[A-Z0-9]{{16}}",
        _AWS_PREFIXES,
    ),
    _rule("GitHub token", "SECRET", r"gh[pousr]_[A-Za-z0-9]{36,251}", "ghp_ gho_ ghu_ ghs_ ghr_"),
    _rule("GitHub fine-grained token", "SECRET", r"github_pat_[A-Za-z0-9_]{22,255}", "github_pat_"),
    _rule(
        "GitLab token",
        "SECRET",
        r"gl(?:pat|dt|rt|ptt|cbt|oas)-[A-Za-z0-9_\-]{20,}",
        "glpat- gldt- glrt- glptt- glcbt- gloas-",
    ),
    _rule("Slack token", "SECRET", r"xox[abposre]-[A-Za-z0-9\-]{10,}", "xox"),
    _rule("Slack app token", "SECRET", r"xapp-\d-[A-Za-z0-9\-]{10,}", "xapp-"),
    _rule(
        "Slack webhook",
        "SECRET",
        r"hooks\.slack\.com/services/[A-Za-z0-9/]{20,}",
        "hooks.slack.com",
        skip=25,
    ),
    _rule(
        "Stripe key",
        "SECRET",
        r"(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}",
        "sk_live_ sk_test_ rk_live_ rk_test_",
    ),
    _rule("Stripe webhook secret", "SECRET", r"whsec_[A-Za-z0-9]{24,}", "whsec_"),
    _rule("Google API key", "SECRET", rf"AIza{_B64U}{{35}}", "AIza"),
    _rule("Google OAuth client secret", "SECRET", rf"GOCSPX-{_B64U}{{28}}", "GOCSPX-"),
    _rule(
        "OpenAI/Anthropic key",
        "SECRET",
        rf"sk-(?:proj-|svcacct-|admin-|ant-(?:api|admin)\d\d-)?{_B64U}{{20,}}",
        "sk-",
        _openai_ok,
    ),
    _rule("Twilio SID", "SECRET", r"(?:AC|SK)[0-9a-f]{32}", "AC SK"),
    _rule("SendGrid key", "SECRET", rf"SG\.{_B64U}{{22}}\.{_B64U}{{43}}", "SG."),
    _rule("npm token", "SECRET", r"npm_[A-Za-z0-9]{36}", "npm_"),
    _rule("PyPI token", "SECRET", rf"pypi-AgEIcHlwaS5vcmc{_B64U}{{50,}}", "pypi-"),
    _rule("Hugging Face token", "SECRET", r"hf_[A-Za-z0-9]{34}", "hf_"),
    _rule("Azure account key", "SECRET", r"AccountKey=[A-Za-z0-9+/=]{20,}", "AccountKey=", skip=11),
    _rule(
        "Azure shared access key",
        "SECRET",
        r"SharedAccessKey=[A-Za-z0-9+/=]{20,}",
        "SharedAccessKey=",
        skip=16,
    ),
    _rule("JWT", "JWT", rf"eyJ{_B64U}{{8,}}\.(?:ey{_B64U}+|e30)\.{_B64U}*", "eyJ", _jwt_ok),
)

_PEM_BEGIN = re.compile(r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----")
_PEM_END = re.compile(r"-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----")
_PEM_BODY = re.compile(r"[A-Za-z0-9+/=\s:,\-]*")
"""Without an END line (a truncated paste), the block runs as far as base64 and headers do."""

_TOKEN_CHAR = re.compile(r"[A-Za-z0-9_\-]")

# ----------------------------------------------------------------------------- assignments

_KEYWORDS = ("pass", "pwd", "secret", "token", "key", "credential", "sess")
_KEYWORD = re.compile(r"(?i)pass|pwd|secret|token|key|credential|sess")
_ASSIGNMENT_TRIGGERS = (*_KEYWORDS, "bearer", "authorization", "-u")
_NAME_TAIL = re.compile(r"[\w\-]*")
_NAME_REVERSED = re.compile(r"[\w.\-]{0,40}")
_SEP = re.compile(r"[\"']?[ \t]*(?::=|=>|[:=])[ \t]*")
_FLAG_SEP = re.compile(r"[ \t]+|=")
_PROSE_SEP = re.compile(r"[ \t]+(?:is|was|:)[ \t]*:?[ \t]*")
_VALUE = re.compile(
    r"\"((?:[^\"\\\n]|\\.){1,512})\"?|'([^'\n]{1,512})'?|([^\s\"'`,;<>)\]}]{1,512})"
)
"""A quoted value (the closing quote may be missing: typing stops mid-value) or a bare one."""
_CAMEL = re.compile(r"([a-z0-9])([A-Z])")
_PARTS = re.compile(r"[^a-z0-9]+")
_PLACEHOLDER = re.compile(
    r"(?i)[*x•.\-_#?]+|<[^>]*>?|\$\{?\w*\}?|\{\{.*|%\(?\w*\)?s|\[[^\]]*\]?|"
    r"(?:null|none|nil|true|false|undefined|redacted|hidden|required|optional|string|str|int|"
    r"bool|env|yes|no|n/a|\*\*\*)"
)
_CODE = re.compile(r"[A-Za-z_][\w.]*[(\[](?=[\"'A-Za-z_\])\]]|$)")
_AUTH = re.compile(
    r"(?i)\b(?:authorization[\"']?[ \t]*[:=][ \t]*[\"']?(?:bearer|basic|token|digest)?|bearer)"
    r"[ \t]+([A-Za-z0-9\-._~+/]{8,}=*)"
)
_USER_FLAG = re.compile(r"(?<!\S)(?:-u|--user)[ =][\"']?([^\s:\"'@]+:[^\s\"']+)")
_CLI_PASSWORD = re.compile(
    r"\b(?:mysql|mysqldump|mysqladmin|mariadb|mariadb-dump)\b[^\n|;&]*?(?<!\S)-p"
    r"(?:'([^'\n]+)'|\"([^\"\n]+)\"|([^\s'\"]+))|"
    r"\bsshpass[ \t]+-p[ \t]?(?:'([^'\n]+)'|\"([^\"\n]+)\"|([^\s'\"]+))"
)
"""``mysql -u root -pSECRET`` (the value glued to ``-p``), ``sshpass -p SECRET``."""
_CLI_TRIGGERS = ("mysql", "mariadb", "sshpass")
_PROSE_PASSWORD = re.compile(
    r"(?i)\b(?:pass(?:word|wort|phrase|code)|pwd|pw)\b"
    r"(?:[ \t]+(?:for|of|to|on)[ \t]+[^\n.:;,=]{1,40}?)?"
    r"(?:[ \t]*[:=][ \t]*|[ \t]+(?:is|was|is now|will be|=)[ \t]*:?[ \t]*)"
    r"(?:'([^'\n]{3,128})'?|\"([^\"\n]{3,128})\"?|`([^`\n]{3,128})`?|([^\s'\"`]\S{2,127}))"
)
"""A password after a cue phrase: ``temp password is X``, ``the password for the VPN is X``,
``new password: X``, ``pw: X``."""
_PROSE_TRAILING = ".,;:)]}'\""

PASSWORD_PARTS = frozenset({"password", "passwd", "pwd", "pass", "passphrase", "passcode", "pw"})
SECRET_PARTS = frozenset(
    {"secret", "token", "credential", "credentials", "apikey", "session", "sessionid", "sessid"}
)
SECRET_ENDINGS = ("secret", "token", "apikey", "accesskey", "secretkey", "privatekey")
KEY_QUALIFIERS = frozenset(
    {
        "api", "access", "secret", "private", "auth", "signing", "encryption", "master",
        "client", "app", "account", "subscription", "license", "service", "storage", "shared",
        "admin", "consumer", "webhook", "x",
    }
)  # fmt: skip


def classify_name(name: str) -> str | None:
    """``PASSWORD``, ``SECRET`` or None for a variable, key, header or flag name."""
    parts = [p for p in _PARTS.split(_CAMEL.sub(r"\1_\2", name).lower()) if p]
    if not parts:
        return None
    last = parts[-1]
    if last in PASSWORD_PARTS or last.endswith(("password", "passwd", "passphrase")):
        return "PASSWORD"
    if last in SECRET_PARTS or last.endswith(SECRET_ENDINGS):
        return "SECRET"
    if last == "key" and len(parts) > 1 and parts[-2] in KEY_QUALIFIERS:
        return "SECRET"
    return None


def _entropy_threshold(n: int) -> float:
    """Bits per character below which a token of length ``n`` is not random enough."""
    if n >= 64:
        return 4.3
    if n >= 40:
        return 4.0 + (n - 40) * 0.3 / 24
    if n >= 32:
        return 3.7 + (n - 32) * 0.3 / 8
    return 3.3 + max(0, n - 20) * 0.4 / 12


_HEXISH = re.compile(r"[0-9a-fA-F\-]+")
_IDENT_PART = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+|[_\-+/=]+")
_ENTROPY_CANDIDATE = re.compile(r"[A-Za-z0-9+/_\-]{20,512}={0,2}")
_ENTROPY_TRIGGERS = (
    "key", "token", "secret", "passw", "pwd", "credential", "auth", "bearer", "api", "sig",
    "private", "session", "cookie",
)  # fmt: skip
_ENTROPY_CUE = re.compile(
    r"(?i)key|token|secret|passw|pwd|credential|auth|bearer|api|signature|\bsig\b|private|"
    r"session|cookie"
)


def _random_looking(value: str) -> bool:
    if _HEXISH.fullmatch(value) or not _mixed_or_symbol(value):
        return False
    if shannon_entropy(value) < _entropy_threshold(len(value)):
        return False
    parts = _IDENT_PART.findall(value)
    words = [p for p in parts if p[0].isalpha()]
    return not (words and all(len(p) >= 3 for p in words) and len(parts) * 3 <= len(value))


def _mixed_or_symbol(value: str) -> bool:
    upper = any(c.isupper() for c in value)
    lower = any(c.islower() for c in value)
    other = any(c.isdigit() or c in "+/_-" for c in value)
    return upper and lower and other


# ----------------------------------------------------------------------------- detector


@dataclass(frozen=True, slots=True)
class SecretsDetector:
    """Finds credentials and keys; see the module docstring for the rules."""

    name: str = "secrets"
    entities: tuple[str, ...] = ("SECRET", "JWT", "PRIVATE_KEY", "PASSWORD")
    providers: tuple[ProviderRule, ...] = PROVIDER_RULES
    entropy_window: int = 40
    """How far before a random-looking token its keyword may be."""
    _triggers: re.Pattern[str] = field(init=False, repr=False, compare=False)
    _rules_for: dict[str, tuple[ProviderRule, ...]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # One scan finds every trigger; a rule's pattern then runs only where its trigger is.
        triggers = sorted({t for r in self.providers for t in r.triggers}, key=len, reverse=True)
        rules_for = {
            t: tuple(r for r in self.providers if any(t.startswith(u) for u in r.triggers))
            for t in triggers
        }
        object.__setattr__(self, "_triggers", re.compile("|".join(map(re.escape, triggers))))
        object.__setattr__(self, "_rules_for", rules_for)

    def find(self, text: str) -> list[Span]:
        """Spans of secrets in ``text``."""
        spans = self._find_providers(text)
        lower = text.lower()
        if any(map(lower.__contains__, _ASSIGNMENT_TRIGGERS)):
            spans.extend(_find_assignments(text, lower))
        if any(map(lower.__contains__, _CLI_TRIGGERS)):
            spans.extend(_find_cli_passwords(text))
        if "pw" in lower or "pass" in lower:
            spans.extend(_find_prose_passwords(text))
        if any(map(lower.__contains__, _ENTROPY_TRIGGERS)):
            spans.extend(self._find_random(text))
        return spans

    def _find_providers(self, text: str) -> list[Span]:
        spans: list[Span] = []
        for hit in self._triggers.finditer(text):
            start = hit.start()
            glued = start > 0 and _TOKEN_CHAR.match(text, start - 1) is not None
            for rule in self._rules_for[hit.group()]:
                if glued and not rule.skip:
                    continue  # inside a longer token: not this key's start
                m = rule.pattern.match(text, start)
                if m is None or _TOKEN_CHAR.match(text, m.end()):
                    continue
                if rule.check is not None and not rule.check(m.group()):
                    continue
                spans.append(Span(start + rule.skip, m.end(), rule.entity))
        if "-----BEGIN" in text:
            spans.extend(_find_private_keys(text))
        return spans

    def _find_random(self, text: str) -> list[Span]:
        spans: list[Span] = []
        for m in _ENTROPY_CANDIDATE.finditer(text):
            start, end = m.span()
            if (start and _TOKEN_CHAR.match(text, start - 1)) or _TOKEN_CHAR.match(text, end):
                continue
            if not near(text, start, _ENTROPY_CUE, before=self.entropy_window):
                continue  # the cheapest test first; every test must pass
            if _random_looking(m.group().rstrip("=")) and not _url_param_value(text, start):
                spans.append(Span(start, end, "SECRET", 0.7))
        return spans


def _find_private_keys(text: str) -> list[Span]:
    """PEM private key blocks, BEGIN line through END line, in one pass over the text."""
    spans: list[Span] = []
    covered = 0
    no_end_from = len(text) + 1  # from here on the text holds no END line
    end: re.Match[str] | None = None
    for begin in _PEM_BEGIN.finditer(text):
        if begin.start() < covered:
            continue
        if begin.end() >= no_end_from:
            end = None
        elif end is None or end.start() < begin.end():
            end = _PEM_END.search(text, begin.end())
            if end is None:
                no_end_from = begin.end()
        if end is not None:
            covered = end.end()
        else:
            body = _PEM_BODY.match(text, begin.end())
            covered = body.end() if body is not None else begin.end()
        spans.append(Span(begin.start(), covered, "PRIVATE_KEY"))
    return spans


def _keyword_starts(text: str, lower: str) -> list[int]:
    """Where a credential keyword starts (positions in ``text``)."""
    if len(lower) != len(text):  # some upper-case letters lower-case to two characters
        return [m.start() for m in _KEYWORD.finditer(text)]
    starts: list[int] = []
    for keyword in _KEYWORDS:
        i = lower.find(keyword)
        while i != -1:
            starts.append(i)
            i = lower.find(keyword, i + 1)
    return sorted(starts)


def _find_assignments(text: str, lower: str) -> list[Span]:
    spans: list[Span] = []
    done: set[int] = set()
    for start in _keyword_starts(text, lower):
        tail = _NAME_TAIL.match(text, start)
        name_end = tail.end() if tail else start
        back = _NAME_REVERSED.match(text[max(0, start - 40) : start][::-1])
        name_start = start - (len(back.group()) if back else 0)
        while text[name_start] in "-.":  # "--password": the dashes are the flag's, not the name's
            name_start += 1
        if name_start in done:
            continue
        done.add(name_start)
        if name_start and text[name_start - 1] in "?&;#" and _in_url(text, name_start):
            continue  # a URL's query parameter: the URL credentials detector reports it
        entity = classify_name(text[name_start:name_end])
        if entity is None:
            continue
        span = _assigned_value(text, name_start, name_end, entity)
        if span is not None:
            spans.append(span)
    if "bearer" in lower or "authorization" in lower:
        for m in _AUTH.finditer(text):
            value = m.group(1)
            if len(value) >= 16 or _mixed(value) or any(c.isdigit() for c in value):
                spans.append(Span(m.start(1), m.end(1), "SECRET", 0.9))
    if "-u" in text:
        for m in _USER_FLAG.finditer(text):
            spans.append(Span(m.start(1), m.end(1), "PASSWORD", 0.9))
    return spans


def _is_code(value: str) -> bool:
    """True for a call or subscript, not for a password with a bracket (``QzGq7(43Bad``)."""
    return _CODE.match(value) is not None and not _mixed(value)


_URL_REACH = 4096
"""How far back :func:`_in_url` looks for the URL's ``://`` (bounds the cost per parameter)."""


def _in_url(text: str, index: int) -> bool:
    """True when ``index`` is in the query or fragment of a URL (``://`` earlier, no space).

    Only the :data:`_URL_REACH` characters before ``index`` are searched, so a text of many
    parameters costs linear time; a parameter further than that from its ``://`` counts as
    outside a URL (its value is then reported as a secret rather than a URL credential).
    """
    lo = max(0, index - _URL_REACH)
    token_start = max(max(text.rfind(c, lo, index) for c in " \t\n\"'<>") + 1, lo)
    head = text[token_start:index]
    return "://" in head and ("?" in head or "#" in head)


def _url_param_value(text: str, start: int) -> bool:
    """True when ``text[start:]`` is the value of a secret query parameter of a URL."""
    if not start or text[start - 1] != "=" or not _in_url(text, start):
        return False
    name_start = max(text.rfind(c, 0, start - 1) for c in "?&;#") + 1
    return secret_param(text[name_start : start - 1])


def _find_cli_passwords(text: str) -> list[Span]:
    """Passwords given to command-line clients: ``mysql -pSECRET``, ``sshpass -p SECRET``."""
    spans: list[Span] = []
    for m in _CLI_PASSWORD.finditer(text):
        group = next(g for g in range(1, 7) if m.group(g) is not None)
        value = m.group(group)
        if _PLACEHOLDER.fullmatch(value) or len(value) < 3:
            continue
        spans.append(Span(m.start(group), m.end(group), "PASSWORD", 0.9))
    return spans


def _find_prose_passwords(text: str) -> list[Span]:
    """Passwords after a cue phrase in prose (``temp password for the account is X``)."""
    spans: list[Span] = []
    for m in _PROSE_PASSWORD.finditer(text):
        group = next(g for g in range(1, 5) if m.group(g) is not None)
        start, end = m.span(group)
        value = m.group(group)
        if group == 4:
            stripped = value.rstrip(_PROSE_TRAILING)
            while stripped != value and value[len(stripped)] in ")]}" and _opens(stripped):
                stripped += value[len(stripped)]  # a bracket the value itself opened
            end -= len(value) - len(stripped)
            value = stripped
        if not _password_like(value):
            continue
        spans.append(Span(start, end, "PASSWORD", 0.85))
    return spans


def _opens(value: str) -> bool:
    """True when ``value`` has more opening than closing brackets."""
    return sum(map(value.count, "([{")) > sum(map(value.count, ")]}"))


def _password_like(value: str) -> bool:
    """A value that looks typed as a password: not a word, a placeholder, a URL or code."""
    if len(value) < 6 or len(value) > 128 or _PLACEHOLDER.fullmatch(value):
        return False
    if "://" in value or value.startswith("-") or _is_code(value):
        return False
    if value.isalpha():
        # letters only: mixed case inside the word (``aBcDeFgH``), not ``Hello`` or ``reset``
        return len(value) >= 8 and any(c.isupper() for c in value[1:]) and not value.isupper()
    has_letter = any(c.isalpha() for c in value)
    if not has_letter:
        return False  # dates, prices, numbers
    return any(c.isdigit() for c in value) or any(not c.isalnum() for c in value)


def _assigned_value(text: str, name_start: int, name_end: int, entity: str) -> Span | None:
    """The value assigned to the name ``text[name_start:name_end]``, if it is a real one."""
    prose = False
    sep = _SEP.match(text, name_end)
    if sep is None and text.startswith("--", name_start - 2):
        sep = _FLAG_SEP.match(text, name_end)
    if sep is None:
        sep = _PROSE_SEP.match(text, name_end)
        prose = True
    if sep is None:
        return None
    v = _VALUE.match(text, sep.end())
    if v is None:
        return None
    group = 1 if v.group(1) is not None else 2 if v.group(2) is not None else 3
    start, end = v.span(group)
    value = v.group(group)
    if group == 3:
        if value.startswith("-") or _is_code(value):
            return None
        stripped = value.rstrip(".,:")
        end -= len(value) - len(stripped)
        value = stripped
    if not value or _PLACEHOLDER.fullmatch(value):
        return None
    if prose and not (_mixed(value) or not value.isalpha() or not value.islower()):
        return None
    if len(value) < (3 if entity == "PASSWORD" else 8):
        return None
    return Span(start, end, entity, 0.95)
