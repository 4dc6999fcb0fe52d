"""Redaction of events: the field classification of the contract, applied under a policy.

:func:`redact_event` is pure apart from the :class:`Vault` it is handed, which numbers the
placeholders of one session so that the same e-mail address is ``<EMAIL_1>`` every time it
appears in that session. The vault keeps keyed digests of what it has seen, never the values.

Per mode (the stricter of the event's own mode and the policy's decision for its context):

* ``off``: the event does not exist (``None``).
* ``metadata``: free text, identifiers, selectors and URL paths are removed; kinds, timing,
  roles, tags and the URL origin stay.
* ``redacted``: every detector runs over free text and identifiers; URLs keep origin and path
  (segments with personal data replaced), drop credentials and fragments, and keep only the
  query parameters the policy allows; attribute values inside selectors are redacted.
* ``full``: text as typed (designated test accounts only).

Per-field overrides of the policy (``keep``/``redact``/``drop``) apply on top. The function
fails closed: :func:`redact_or_gap` turns any exception into a ``gap`` event with reason
``redaction_error`` in place of the event.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import typing
from collections import Counter, OrderedDict
from collections.abc import Callable, Sequence
from functools import cache
from typing import Any, Final
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit

import msgspec

from workprint.core import events as ev
from workprint.core.events import TEXT_FIELDS, CaptureMode, TextRule
from workprint.privacy.detectors import Detector, find_all
from workprint.privacy.policy import Policy, strictest

_packer: Final = msgspec.msgpack.Encoder()
PLACEHOLDER: Final = re.compile(r"<[A-Z][A-Z0-9_]*_\d+>")
_SELECTOR_VALUE: Final = re.compile(r"""(=\s*)(["'])(.*?)\2""")


class Vault:
    """Placeholder numbers of one session: ``(entity, keyed digest of value) -> n``."""

    def __init__(self, key: bytes, memo_size: int = 20_000) -> None:
        self._key = key
        self._numbers: dict[tuple[str, bytes], int] = {}
        self._next: Counter[str] = Counter()
        self.memo: OrderedDict[str, tuple[str, tuple[tuple[str, int], ...]]] = OrderedDict()
        """Results of :func:`redact_text` in this session (the same labels recur in every
        snapshot of a page); exact, because placeholders are stable within the session.
        Holds redacted text and counts only; keys are the texts already seen in the session's
        own memory, never written anywhere."""
        self._memo_size = memo_size
        self.elements: OrderedDict[bytes, tuple[dict[str, Any], tuple[tuple[str, int], ...]]] = (
            OrderedDict()
        )
        """What redaction changed in a snapshot element (field -> new value), by its encoded
        text-bearing fields (and the mode and policy version): the same button recurs in
        every snapshot of a page."""

    def remember_element(self, key: bytes, changes: dict[str, Any], counts: Counter[str]) -> None:
        self.elements[key] = (changes, tuple(counts.items()))
        if len(self.elements) > self._memo_size:
            self.elements.popitem(last=False)

    def remember(self, text: str, result: str, counts: Counter[str]) -> None:
        self.memo[text] = (result, tuple(counts.items()))
        if len(self.memo) > self._memo_size:
            self.memo.popitem(last=False)

    def placeholder(self, entity: str, value: str) -> str:
        digest = hmac.new(self._key, f"{entity}\0{value}".encode(), hashlib.sha256).digest()
        number = self._numbers.get((entity, digest))
        if number is None:
            self._next[entity] += 1
            number = self._numbers[(entity, digest)] = self._next[entity]
        return f"<{entity}_{number}>"


class Vaults:
    """Vaults by session, the least recently used dropped beyond ``capacity``."""

    def __init__(self, key: bytes, capacity: int = 4096) -> None:
        self._key = key
        self._capacity = capacity
        self._vaults: OrderedDict[str, Vault] = OrderedDict()

    def _new_vault(self, session_key: bytes) -> Vault:
        return Vault(session_key)

    def for_session(self, session_id: str) -> Vault:
        vault = self._vaults.get(session_id)
        if vault is None:
            session_key = hmac.new(self._key, session_id.encode(), hashlib.sha256).digest()
            vault = self._vaults[session_id] = self._new_vault(session_key)
            if len(self._vaults) > self._capacity:
                self._vaults.popitem(last=False)
        else:
            self._vaults.move_to_end(session_id)
        return vault


def redact_text(
    text: str, detectors: Sequence[Detector], vault: Vault, counts: Counter[str]
) -> str:
    """``text`` with every detected entity replaced by its placeholder. Placeholders already
    in the text are left alone, so redacting twice changes nothing."""
    known = vault.memo.get(text)
    if known is not None:
        for entity, n in known[1]:
            counts[entity] += n
        return known[0]
    local: Counter[str] = Counter()
    result = _redact_all(text, detectors, vault, local)
    vault.remember(text, result, local)
    counts.update(local)
    return result


def _redact_all(
    text: str, detectors: Sequence[Detector], vault: Vault, counts: Counter[str]
) -> str:
    # Detectors see the whole text (context cues such as line starts stay intact); spans that
    # touch an existing placeholder are skipped, so redacting twice changes nothing.
    if not text:
        return text
    kept = [(m.start(), m.end()) for m in PLACEHOLDER.finditer(text)]
    spans = [
        sp
        for sp in find_all(text, detectors)
        if not any(sp.start < end and start < sp.end for start, end in kept)
    ]
    if not spans:
        return text
    out: list[str] = []
    last = 0
    for span in spans:
        out.append(text[last : span.start])
        out.append(vault.placeholder(span.entity, text[span.start : span.end]))
        counts[span.entity] += 1
        last = span.end
    out.append(text[last:])
    return "".join(out)


def redact_url(
    url: str,
    *,
    mode: CaptureMode,
    allowed_query: frozenset[str],
    detectors: Sequence[Detector],
    vault: Vault,
    counts: Counter[str],
) -> str:
    """Origin + path; credentials and fragment dropped; query only where allowed."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = parts.port
    except ValueError:
        counts["URL"] += 1
        return vault.placeholder("URL", url)
    if parts.username or parts.password:
        counts["URL_CREDENTIALS"] += 1
    netloc = host + (f":{port}" if port else "")
    origin = f"{parts.scheme}://{netloc}" if parts.scheme else netloc
    if mode == "metadata":
        return origin
    if mode == "full":
        path = parts.path
    else:
        segments = []
        for segment in parts.path.split("/"):
            plain = unquote(segment)
            redacted = redact_text(plain, detectors, vault, counts)
            segments.append(segment if redacted == plain else quote(redacted, safe="<>_"))
        path = "/".join(segments)
    kept = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k in allowed_query]
    if mode != "full":
        kept = [(k, redact_text(v, detectors, vault, counts)) for k, v in kept]
    query = f"?{urlencode(kept, safe='<>_')}" if kept else ""
    return f"{origin}{path}{query}"


def _redact_selector(
    selector: str, detectors: Sequence[Detector], vault: Vault, counts: Counter[str]
) -> str:
    def repl(match: re.Match[str]) -> str:
        value = redact_text(match.group(3), detectors, vault, counts)
        return f"{match.group(1)}{match.group(2)}{value}{match.group(2)}"

    return _SELECTOR_VALUE.sub(repl, selector)


# ----------------------------------------------------------------------- event walking

_ROLES: Final[dict[type, str]] = {
    ev.Agent: "agent",
    ev.Context: "context",
    ev.Attrs: "attrs",
    ev.Target: "target",
    ev.Element: "element",
    ev.Privacy: "privacy",
    ev.Consent: "consent",
}


@cache
def _string_fields(struct: type[msgspec.Struct], owner: str) -> dict[str, tuple[str, bool]]:
    """field name -> (classification path, whether it must stay a string), for the
    string-typed fields of ``struct``."""
    hints = typing.get_type_hints(struct, include_extras=True)
    out: dict[str, tuple[str, bool]] = {}
    for name in struct.__struct_fields__:
        if _has_str(hints[name]):
            required = type(None) not in typing.get_args(hints[name])
            out[name] = (f"{owner}.{name}", required)
    return out


def _has_str(tp: Any) -> bool:
    if tp is str:
        return True
    return any(_has_str(arg) for arg in typing.get_args(tp) if arg is not type(None))


_ELEMENT_TEXT: Final = (
    "tag", "role", "name", "text", "selector", "attrs", "frame", "value", "options",
)  # fmt: skip
"""The fields of an element redaction can change (the rest are numbers and flags)."""


class _Job:
    """The state of redacting one event."""

    def __init__(
        self,
        policy: Policy,
        mode: CaptureMode,
        url: str | None,
        detectors: Sequence[Detector],
        vault: Vault,
    ) -> None:
        self.policy = policy
        self.mode = mode
        self.detectors = detectors
        self.vault = vault
        self.counts: Counter[str] = Counter()
        self.allowed_query = policy.allowed_query(url) if url else frozenset()
        self._decisions: dict[str, tuple[TextRule, str]] = {}

    def _decide(self, path: str) -> tuple[TextRule, str]:
        decided = self._decisions.get(path)
        if decided is None:
            rule = TEXT_FIELDS.get(path, TextRule.FREE_TEXT)
            override = self.policy.field_rule(path)
            action = override or {"full": "keep", "redacted": "redact", "metadata": "drop"}.get(
                self.mode, "drop"
            )
            decided = self._decisions[path] = (rule, action)
        return decided

    def text(self, path: str, value: str, required: bool) -> str | None:
        rule, action = self._decide(path)
        if rule is TextRule.VOCABULARY:
            return value
        if rule is TextRule.URL:
            mode: CaptureMode = (
                "metadata" if action == "drop" else ("full" if action == "keep" else "redacted")
            )
            return redact_url(
                value,
                mode=mode,
                allowed_query=self.allowed_query,
                detectors=self.detectors,
                vault=self.vault,
                counts=self.counts,
            )
        if path == "context.app" and action == "drop":
            return value  # which app is in use is metadata, not text
        if action == "keep":
            return value
        if action == "drop":
            return "" if required else None
        if rule is TextRule.SELECTOR:
            return _redact_selector(value, self.detectors, self.vault, self.counts)
        return redact_text(value, self.detectors, self.vault, self.counts)

    def element(self, value: ev.Element, owner: str) -> msgspec.Struct:
        """:meth:`struct` for a snapshot element, remembered per session by its text-bearing
        fields: the same button recurs in every snapshot of a page, at other positions."""
        key = b"%s\0%d\0%s\0%s" % (
            self.mode.encode(),
            self.policy.version,
            owner.encode(),
            _packer.encode(
                (
                    value.tag,
                    value.role,
                    value.name,
                    value.text,
                    value.selector,
                    value.attrs,
                    value.frame,
                    value.value,
                    value.options,
                )
            ),
        )
        known = self.vault.elements.get(key)
        if known is not None:
            changes, counted = known
            for entity, n in counted:
                self.counts[entity] += n
            return msgspec.structs.replace(value, **changes) if changes else value
        outer, self.counts = self.counts, Counter()
        try:
            result = self.struct(value, owner)
        finally:
            local, self.counts = self.counts, outer
        assert isinstance(result, ev.Element)
        for entity, n in local.items():
            outer[entity] += n
        changed = {
            f: getattr(result, f)
            for f in _ELEMENT_TEXT
            if getattr(result, f) is not getattr(value, f)
        }
        self.vault.remember_element(key, changed, local)
        return result

    def struct(self, value: msgspec.Struct, owner: str) -> msgspec.Struct:
        role = _ROLES.get(type(value), owner)
        changes: dict[str, Any] = {}
        fields = _string_fields(type(value), role)
        for name in value.__struct_fields__:
            current = getattr(value, name)
            if current is None:
                continue
            if name in fields:
                path, required = fields[name]
                new: str | list[str] | None
                if isinstance(current, str):
                    new = self.text(path, current, required=required)
                elif isinstance(current, list):
                    new = [
                        x
                        for x in (self.text(path, s, required=False) for s in current)
                        if x is not None
                    ] or None
                else:  # dict[str, int]: keys are entity names (vocabulary)
                    continue
                if new != current:
                    changes[name] = new
            elif isinstance(current, msgspec.Struct):
                new_struct = self.struct(current, role)
                if new_struct is not current:
                    changes[name] = new_struct
            elif isinstance(current, list) and current and isinstance(current[0], ev.Element):
                items = [self.element(x, role) for x in current]
                if any(a is not b for a, b in zip(items, current, strict=True)):
                    changes[name] = items
            elif isinstance(current, list) and current and isinstance(current[0], msgspec.Struct):
                items = [self.struct(x, role) for x in current]
                if any(a is not b for a, b in zip(items, current, strict=True)):
                    changes[name] = items
        return msgspec.structs.replace(value, **changes) if changes else value


def redact_event(
    event: ev.Event, policy: Policy, *, detectors: Sequence[Detector], vaults: Vaults
) -> ev.Event | None:
    """The event as it may be kept, or ``None`` when its context is captured in mode off."""
    ctx = event.context
    mode: CaptureMode = event.privacy.mode
    if ctx.app or ctx.url or ctx.window_title:
        # Events without a context (pause, gap, idle) are judged by their own mode alone.
        # A web page is judged by its origin only: an app rule (say ``match = "*"``) must not
        # let in pages of an origin nobody allow-listed.
        app = None if event.stream == "web" else ctx.app
        mode = strictest(mode, policy.mode_for(app=app, url=ctx.url, title=ctx.window_title))
    if mode == "off":
        return None
    job = _Job(policy, mode, ctx.url, detectors, vaults.for_session(event.session_id))
    kind = str(event.__struct_config__.tag)
    changes: dict[str, Any] = {}
    new_context = job.struct(ctx, "context")
    if new_context is not ctx:
        changes["context"] = new_context
    if event.target is not None:
        new_target = job.struct(event.target, "target")
        if new_target is not event.target:
            changes["target"] = new_target
    payload = event.payload
    new_payload = job.struct(payload, kind)
    if new_payload is not payload:
        changes["payload"] = new_payload
    merged = Counter(event.privacy.redactions)
    merged.update(job.counts)
    changes["privacy"] = ev.Privacy(
        mode=mode, policy_version=str(policy.version), redactions=dict(sorted(merged.items()))
    )
    return msgspec.structs.replace(event, **changes)


def redact_or_gap(
    event: ev.Event,
    policy: Policy,
    *,
    detectors: Sequence[Detector],
    vaults: Vaults,
    on_error: Callable[[BaseException], None] | None = None,
) -> ev.Event | None:
    """:func:`redact_event`, failing closed: if it raises, a ``gap`` event with reason
    ``redaction_error`` replaces the event (same id, sequence number and envelope, no text)."""
    try:
        return redact_event(event, policy, detectors=detectors, vaults=vaults)
    except Exception as exc:  # noqa: BLE001 - fail closed on anything
        if on_error is not None:
            on_error(exc)
        return ev.GapEvent(
            event_id=event.event_id,
            seq=event.seq,
            stream=event.stream,
            device_id=event.device_id,
            session_id=event.session_id,
            occurred_at=event.occurred_at,
            tz_offset_min=event.tz_offset_min,
            privacy=ev.Privacy(mode="metadata", policy_version=str(policy.version)),
            consent=event.consent,
            payload=ev.GapPayload(
                from_seq=event.seq, to_seq=event.seq, reason="redaction_error", count=1
            ),
        )
