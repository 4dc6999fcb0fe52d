"""The capture policy: a versioned TOML document mapping apps, window titles and URL origins
to a capture mode, with per-field rules and the sources of the name deny-list.

```toml
version = 2
default_mode = "off"          # anything not listed: nothing is kept, not even that it was used

[[apps]]                      # desktop applications, by window class (glob, case-insensitive)
match = "code"
mode = "redacted"

[[origins]]                   # web tools, by scheme://host[:port]
origin = "https://crm.example.internal"
mode = "redacted"
allow_query = ["page", "stage"]   # query parameters kept in URLs (default: none)

[[titles]]                    # window-title patterns; they can only make a mode stricter
pattern = "(?i)password|keychain|private browsing"
mode = "off"

[fields]                      # per-field overrides: keep | redact | drop
"context.window_title" = "redact"

[deny_list]                   # person names redacted wherever they appear
sources = ["store:people", "file:customers.txt"]
```

:func:`parse` validates the document and names the line of any mistake. :meth:`Policy.mode_for`
decides the mode of one context. Every default is the privacy-safe one.
"""

from __future__ import annotations

import fnmatch
import functools
import hashlib
import re
from dataclasses import dataclass
from typing import Annotated, Final, Literal
from urllib.parse import urlsplit

import msgspec

from workprint.core.events import TEXT_FIELDS, CaptureMode
from workprint.privacy.errors import PolicyInvalid

MODES: Final[tuple[CaptureMode, ...]] = ("off", "metadata", "redacted", "full")
_RANK: Final = {m: i for i, m in enumerate(MODES)}
FieldRule = Literal["keep", "redact", "drop"]


class _Strict(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    pass


class AppRule(_Strict, frozen=True):
    match: Annotated[str, msgspec.Meta(min_length=1, max_length=256)]
    mode: CaptureMode


class OriginRule(_Strict, frozen=True):
    origin: Annotated[str, msgspec.Meta(min_length=1, max_length=512)]
    mode: CaptureMode
    allow_query: list[str] = []


class TitleRule(_Strict, frozen=True):
    pattern: Annotated[str, msgspec.Meta(min_length=1, max_length=1024)]
    mode: CaptureMode


class DenyList(_Strict, frozen=True):
    sources: list[str] = []


class PolicyDocument(_Strict, frozen=True):
    version: Annotated[int, msgspec.Meta(ge=1)]
    default_mode: CaptureMode = "off"
    apps: list[AppRule] = []
    origins: list[OriginRule] = []
    titles: list[TitleRule] = []
    fields: dict[str, FieldRule] = {}
    deny_list: DenyList = DenyList()


def normalise_origin(value: str) -> str:
    """``scheme://host[:port]`` in lower case, default ports dropped."""
    parts = urlsplit(value.strip())
    if not parts.scheme or not parts.hostname:
        raise ValueError("not an origin")
    port = parts.port
    default = {"http": 80, "https": 443}.get(parts.scheme.lower())
    netloc = parts.hostname.lower() + (f":{port}" if port and port != default else "")
    return f"{parts.scheme.lower()}://{netloc}"


@functools.lru_cache(maxsize=8192)
def _origin_of(url: str) -> str:
    """:func:`normalise_origin` of a URL, ``""`` when it has none (remembered: every event
    of a page asks for the same one)."""
    try:
        return normalise_origin(url)
    except ValueError:
        return ""


@dataclass(frozen=True, slots=True)
class _OriginEntry:
    mode: CaptureMode
    allow_query_set: frozenset[str]


@dataclass(frozen=True)
class Policy:
    """A validated policy, ready to answer "what mode applies here?"."""

    document: PolicyDocument
    source: str
    """The TOML text as written (served to agents, diffed in the policy editor)."""

    @property
    def version(self) -> int:
        return self.document.version

    @property
    def etag(self) -> str:
        return hashlib.sha256(self.source.encode()).hexdigest()[:32]

    def mode_for(
        self, *, app: str | None = None, url: str | None = None, title: str | None = None
    ) -> CaptureMode:
        """The capture mode of one context: the origin's rule for a URL, else the app's
        rule, else the default; a matching title rule can only lower it."""
        mode: CaptureMode = self.document.default_mode
        matched = False
        if url:
            rule = self._rules_by_origin.get(_origin_of(url))
            if rule is not None:
                mode, matched = rule.mode, True
        if not matched and app:
            lowered = app.lower()
            for app_rule in self.document.apps:
                if fnmatch.fnmatchcase(lowered, app_rule.match.lower()):
                    mode = app_rule.mode
                    break
        if title:
            for title_rule, compiled in zip(
                self.document.titles, self._title_patterns, strict=True
            ):
                if compiled.search(title) and _RANK[title_rule.mode] < _RANK[mode]:
                    mode = title_rule.mode
        return mode

    def allowed_query(self, url: str) -> frozenset[str]:
        """Query parameters the policy keeps for the URL's origin (usually none)."""
        rule = self._rules_by_origin.get(_origin_of(url))
        return rule.allow_query_set if rule is not None else frozenset()

    def field_rule(self, path: str) -> FieldRule | None:
        return self.document.fields.get(path)

    @functools.cached_property
    def _rules_by_origin(self) -> dict[str, _OriginEntry]:
        """Normalised origin -> its rule (the first one listed wins), built once."""
        out: dict[str, _OriginEntry] = {}
        for rule in self.document.origins:
            key = normalise_origin(rule.origin)
            if key not in out:
                out[key] = _OriginEntry(rule.mode, frozenset(rule.allow_query))
        return out

    @functools.cached_property
    def _title_patterns(self) -> list[re.Pattern[str]]:
        return [re.compile(t.pattern) for t in self.document.titles]

    def allowed_origins(self) -> list[str]:
        """Origins captured in any mode but off (CORS and the extension's host list)."""
        return [normalise_origin(r.origin) for r in self.document.origins if r.mode != "off"]


def _line_of(text: str, path: str) -> int | None:
    """The 1-based line of the TOML text that a validation path like
    ``$.origins[1].mode`` points at, found by scanning table headers and keys."""
    match = re.match(r"^\$\.(\w+)(?:\[(\d+)\])?(?:\.([\w.\"-]+))?", path)
    if not match:
        return None
    table, index, key = match.group(1), match.group(2), match.group(3)
    lines = text.splitlines()
    if index is not None:
        header = re.compile(rf"^\s*\[\[\s*{re.escape(table)}\s*\]\]")
        seen = -1
        for n, line in enumerate(lines):
            if header.match(line):
                seen += 1
                if seen == int(index):
                    if key is None:
                        return n + 1
                    key_re = re.compile(rf"^\s*{re.escape(key)}\s*=")
                    for m in range(n + 1, len(lines)):
                        if lines[m].lstrip().startswith("["):
                            break
                        if key_re.match(lines[m]):
                            return m + 1
                    return n + 1
        return None
    key_re = re.compile(rf"^\s*{re.escape(table)}\s*=")
    header_re = re.compile(rf"^\s*\[\s*{re.escape(table)}\s*\]")
    for n, line in enumerate(lines):
        if key_re.match(line) or header_re.match(line):
            return n + 1
    return None


def parse(text: str, *, name: str = "policy") -> Policy:
    """Validate a policy document; errors say which line is wrong and why."""
    try:
        document = msgspec.toml.decode(text.encode(), type=PolicyDocument)
    except msgspec.ValidationError as exc:
        message = str(exc)
        path = message.rsplit(" - at `", 1)[-1].rstrip("`") if " - at `" in message else ""
        line = _line_of(text, path) if path else None
        unknown = re.search(r"unknown field `([^`]+)`", message)
        if unknown:
            key_re = re.compile(rf"^\s*\"?{re.escape(unknown.group(1))}\"?\s*=")
            hits = [n + 1 for n, ln in enumerate(text.splitlines()) if key_re.match(ln)]
            line = hits[0] if hits else line
        where = f"{name}, line {line}" if line else name
        raise PolicyInvalid(f"{where}: {message}") from exc
    except msgspec.DecodeError as exc:
        raise PolicyInvalid(f"{name}: not valid TOML: {exc}") from exc
    problems: list[str] = []
    for i, origin_rule in enumerate(document.origins):
        try:
            normalise_origin(origin_rule.origin)
        except ValueError:
            line = _line_of(text, f"$.origins[{i}].origin")
            problems.append(f"line {line}: origin must look like https://host[:port]")
    for i, title_rule in enumerate(document.titles):
        try:
            re.compile(title_rule.pattern)
        except re.error as exc:
            line = _line_of(text, f"$.titles[{i}].pattern")
            problems.append(f"line {line}: pattern is not a valid regular expression ({exc})")
    for path in document.fields:
        if path not in TEXT_FIELDS:
            line = _line_of(text, "$.fields")
            problems.append(f"line {line}: unknown field {path!r} in [fields]")
    for source in document.deny_list.sources:
        if not source.startswith(("store:", "file:")):
            line = _line_of(text, "$.deny_list")
            problems.append(f"line {line}: deny-list source must start with store: or file:")
    if problems:
        raise PolicyInvalid(f"{name}: " + "; ".join(problems))
    return Policy(document, text)


DEFAULT_POLICY_TEXT: Final = """\
# Workprint capture policy. Anything not listed is captured in mode "off" (nothing is kept).
# Modes: off | metadata | redacted | full ("full" only for designated test accounts).
version = 1
default_mode = "off"

[[titles]]
pattern = "(?i)(password|passphrase|keychain|keyring|1password|bitwarden|incognito|private)"
mode = "off"
"""


def default_policy() -> Policy:
    """The policy in force before any is applied: nothing is captured."""
    return parse(DEFAULT_POLICY_TEXT, name="default policy")


def strictest(a: CaptureMode, b: CaptureMode) -> CaptureMode:
    return a if _RANK[a] <= _RANK[b] else b


def with_rule(policy: Policy, target: str, mode: CaptureMode) -> Policy:
    """A new version of ``policy`` in which ``target`` (an origin URL or an app class) is
    captured in ``mode``; an existing rule for the same target is replaced. Comments of the
    old document are not kept: the document is written anew."""
    doc = policy.document
    is_origin = "://" in target
    if is_origin:
        origin = normalise_origin(target)
        kept = [r for r in doc.origins if normalise_origin(r.origin) != origin]
        previous = [r for r in doc.origins if normalise_origin(r.origin) == origin]
        allow = previous[0].allow_query if previous else []
        new_doc = msgspec.structs.replace(
            doc,
            version=doc.version + 1,
            origins=[*kept, OriginRule(origin=origin, mode=mode, allow_query=allow)],
        )
    else:
        kept_apps = [r for r in doc.apps if r.match.lower() != target.lower()]
        new_doc = msgspec.structs.replace(
            doc, version=doc.version + 1, apps=[*kept_apps, AppRule(match=target, mode=mode)]
        )
    text = "# Workprint capture policy (written by 'workprint policy allow').\n"
    text += msgspec.toml.encode(new_doc).decode()
    return parse(text, name=f"policy version {new_doc.version}")
