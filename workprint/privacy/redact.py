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

from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any, Final

import msgspec

from workprint.core import events as ev
from workprint.core.events import CaptureMode
from workprint.privacy._plan import (
    Action,
    FieldKind,
    Plan,
    Shape,
    Step,
    canonical,
    memo_number,
    new_number,
    plan_for,
)
from workprint.privacy._text import (
    PLACEHOLDER,
    Clean,
    Vault,
    Vaults,
    redact_all,
    redact_selector,
    redact_text,
    redact_url,
)
from workprint.privacy.detectors import Detector
from workprint.privacy.policy import Policy, strictest

__all__ = [
    "PLACEHOLDER",
    "Clean",
    "Vault",
    "Vaults",
    "redact_event",
    "redact_or_gap",
    "redact_text",
    "redact_url",
]

# ----------------------------------------------------------------------- event walking


class _Job:
    """The state of redacting one event: walks the compiled shapes of its plan, and
    remembers per session what redaction changed in a struct by the values of the fields it
    can change (the same button recurs in every snapshot of a page, at other positions; the
    same page context in every event on it)."""

    __slots__ = (
        "allowed_query",
        "clean",
        "clean_key",
        "counts",
        "detectors",
        "memo_key",
        "plan",
        "vault",
    )

    def __init__(
        self,
        plan: Plan,
        url: str | None,
        detectors: Sequence[Detector],
        vault: Vault,
        clean: Clean,
    ) -> None:
        self.plan = plan
        self.detectors = detectors
        self.vault = vault
        self.clean = clean
        self.counts: dict[str, int] = {}
        vault.use(detectors)
        detectors_number = _detectors_number(detectors)
        known = plan.contexts.get((url, detectors_number))
        if known is None:
            allowed_query = plan.policy.allowed_query(url) if url else frozenset()
            # Everything besides the values that a remembered result depends on, as one
            # number: in the session's vault, and in the set shared by all sessions (which
            # also depends on the detectors: a name added to the deny-list makes a clean
            # text dirty).
            memo_key = memo_number(plan.mode, plan.policy.version, allowed_query)
            known = (allowed_query, memo_key, memo_number(memo_key, detectors_number))
            plan.remember_context((url, detectors_number), known)
        self.allowed_query, self.memo_key, clean_key = known
        self.clean_key = vault.clean_key(clean_key)

    def walk(self, value: msgspec.Struct, owner: str) -> msgspec.Struct:
        return self._walk(value, self.plan.shape(type(value), owner))

    def _walk(self, value: msgspec.Struct, shape: Shape) -> msgspec.Struct:
        if not shape.steps:
            return value
        if not shape.memo:
            return self._apply(value, shape)
        values = _key_values(shape, value)
        if (shape.number, self.clean_key, values) in self.clean:
            return value
        return self._remembered(value, shape, values)

    def _remembered(self, value: msgspec.Struct, shape: Shape, values: Any) -> msgspec.Struct:
        """The result for a struct not known to be clean: from the session's vault, else
        computed and remembered (in the shared clean set when nothing changed)."""
        clean_key = (shape.number, self.clean_key, values)
        key = (shape.number, self.memo_key, values)
        known = self.vault.elements.get(key)
        counts = self.counts
        if known is not None:
            changes, counted = known
            for entity, n in counted:
                counts[entity] = counts.get(entity, 0) + n
            return msgspec.structs.replace(value, **changes) if changes else value
        local: dict[str, int] = {}
        self.counts = local
        try:
            result = self._apply(value, shape)
        finally:
            self.counts = counts
        if result is value and not local:
            self.clean.add(clean_key)
            return value
        for entity, n in local.items():
            counts[entity] = counts.get(entity, 0) + n
        changed = (
            {
                s.name: getattr(result, s.name)
                for s in shape.steps
                if getattr(result, s.name) is not getattr(value, s.name)
            }
            if result is not value
            else {}
        )
        self.vault.remember_element(key, changed, local)
        return result

    def _apply(self, value: msgspec.Struct, shape: Shape) -> msgspec.Struct:
        changes: dict[str, Any] = {}
        for step in shape.steps:
            current: Any = getattr(value, step.name)
            if current is None:
                continue
            kind = step.kind
            if kind is FieldKind.TEXT:
                new: Any = self.text(step.action, current, step.required)
                if new != current:
                    changes[step.name] = new
            elif kind is FieldKind.TEXT_LIST:
                new = [
                    x
                    for x in (self.text(step.action, s, required=False) for s in current)
                    if x is not None
                ] or None
                if new != current:
                    changes[step.name] = new
            elif kind is FieldKind.STRUCT:
                nested = step.shape
                new = (
                    self._walk(current, nested)
                    if nested is not None and type(current) is nested.struct
                    else self.walk(current, step.owner)
                )
                if new is not current:
                    changes[step.name] = new
            elif current:  # FieldKind.STRUCT_LIST
                items = self._items(current, step)
                if items is not current:
                    changes[step.name] = items
        return msgspec.structs.replace(value, **changes) if changes else value

    def _items(self, items: list[Any], step: Step) -> list[Any]:
        """:meth:`_walk` of each struct of a list (snapshot elements: the hot loop, so the
        clean check is inline); ``items`` itself when none changed."""
        shape = step.shape
        if shape is None or not shape.memo or not shape.steps or shape.single:
            out = [self.walk(x, step.owner) for x in items]
            changed = any(a is not b for a, b in zip(out, items, strict=True))
            return out if changed else items
        struct, number, getter, at = shape.struct, shape.number, shape.values, shape.list_index
        clean_key, clean = self.clean_key, self.clean
        out = []
        append = out.append
        changed = False
        for x in items:
            if type(x) is not struct:
                new = self.walk(x, step.owner)
            else:
                if at >= 0:
                    values = getter(x)
                    listed = values[at]
                    if listed is not None:
                        values = (*values[:at], tuple(listed), *values[at + 1 :])
                else:
                    values = _key_values(shape, x)
                if (number, clean_key, values) in clean:
                    append(x)
                    continue
                new = self._remembered(x, shape, values)
            if new is not x:
                changed = True
            append(new)
        return out if changed else items

    def text(self, action: Action, value: str, required: bool) -> str | None:
        if action is Action.TEXT:
            clean_key = (self.clean_key, value)
            if clean_key in self.clean:
                return value
            known = self.vault.memo.get(value)
            if known is not None:
                counts = self.counts
                for entity, n in known[1]:
                    counts[entity] = counts.get(entity, 0) + n
                return known[0]
        if action is Action.KEEP:
            return value
        if action is Action.DROP:
            return "" if required else None
        local: Counter[str] = Counter()
        if action is Action.TEXT:
            result = redact_all(value, self.detectors, self.vault, local)
            if result == value and not local:
                self.clean.add((self.clean_key, value))
                return value
            self.vault.remember(value, result, local)
        elif action is Action.SELECTOR:
            result = redact_selector(value, self.detectors, self.vault, local)
        else:
            result = redact_url(
                value,
                mode=_URL_MODES[action],
                allowed_query=self.allowed_query,
                detectors=self.detectors,
                vault=self.vault,
                counts=local,
            )
        counts = self.counts
        for entity, n in local.items():
            counts[entity] = counts.get(entity, 0) + n
        return result


def _key_values(shape: Shape, value: msgspec.Struct) -> Any:
    """The values of a shape's fields in ``value``, hashable (lists as tuples)."""
    values = shape.values(value)
    if not shape.list_at:
        return values
    if shape.single:
        return tuple(values)
    parts = list(values)
    for i in shape.list_at:
        if parts[i] is not None:
            parts[i] = tuple(parts[i])
    return tuple(parts)


_DETECTORS: dict[int, tuple[Sequence[Detector], int]] = {}


def _detectors_number(detectors: Sequence[Detector]) -> int:
    """A number for a set of detectors, never reused (the set is kept while numbered, so its
    ``id`` cannot pass to another)."""
    found = _DETECTORS.get(id(detectors))
    if found is not None and found[0] is detectors:
        return found[1]
    if len(_DETECTORS) >= 32:
        _DETECTORS.clear()
    number = new_number()
    _DETECTORS[id(detectors)] = (detectors, number)
    return number


_URL_MODES: Final[dict[Action, CaptureMode]] = {
    Action.URL_METADATA: "metadata",
    Action.URL_REDACTED: "redacted",
    Action.URL_FULL: "full",
}


def redact_event(
    event: ev.Event, policy: Policy, *, detectors: Sequence[Detector], vaults: Vaults
) -> ev.Event | None:
    """The event as it may be kept, or ``None`` when its context is captured in mode off.

    Sub-structs that redaction leaves unchanged are the event's own objects (``is``), so a
    caller can reuse what it derived from them."""
    # An equal policy read again (a new object) shares the plans and remembered results.
    policy = canonical(policy)
    ctx = event.context
    mode: CaptureMode = event.privacy.mode
    if ctx.app or ctx.url or ctx.window_title:
        # Events without a context (pause, gap, idle) are judged by their own mode alone.
        # A web page is judged by its origin only: an app rule (say ``match = "*"``) must not
        # let in pages of an origin nobody allow-listed.
        app = None if event.stream == "web" else ctx.app
        mode = strictest(mode, _mode_for(policy, app, ctx.url, ctx.window_title))
    if mode == "off":
        return None
    job = _Job(
        plan_for(policy, mode),
        ctx.url,
        detectors,
        vaults.for_session(event.session_id),
        vaults.clean,
    )
    kind = str(event.__struct_config__.tag)
    changes: dict[str, Any] = {}
    new_context = job.walk(ctx, "context")
    if new_context is not ctx:
        changes["context"] = new_context
    target = event.target
    if target is not None:
        new_target = job.walk(target, "target")
        if new_target is not target:
            changes["target"] = new_target
    payload = event.payload
    new_payload = job.walk(payload, kind)
    if new_payload is not payload:
        changes["payload"] = new_payload
    job.vault.commit()
    counts = job.counts
    old = event.privacy.redactions
    if old:
        merged = dict(old)
        for entity, n in counts.items():
            merged[entity] = merged.get(entity, 0) + n
        counts = merged
    changes["privacy"] = _privacy(mode, policy.version, counts)
    return msgspec.structs.replace(event, **changes)


_MODES: dict[tuple[int, str | None, str | None, str | None], tuple[Policy, CaptureMode]] = {}


def _mode_for(policy: Policy, app: str | None, url: str | None, title: str | None) -> CaptureMode:
    """:meth:`Policy.mode_for`, remembered (every event of a page asks the same)."""
    key = (id(policy), app, url, title)
    found = _MODES.get(key)
    if found is not None and found[0] is policy:
        return found[1]
    mode = policy.mode_for(app=app, url=url, title=title)
    if len(_MODES) >= 8192:
        _MODES.clear()
    _MODES[key] = (policy, mode)
    return mode


_PRIVACY: dict[tuple[str, int], ev.Privacy] = {}


def _privacy(mode: CaptureMode, version: int, counts: dict[str, int]) -> ev.Privacy:
    """The privacy record of a redacted event (the common one, without redactions, shared)."""
    if counts:
        return ev.Privacy(
            mode=mode, policy_version=str(version), redactions=dict(sorted(counts.items()))
        )
    found = _PRIVACY.get((mode, version))
    if found is None:
        if len(_PRIVACY) > 256:
            _PRIVACY.clear()
        found = _PRIVACY[(mode, version)] = ev.Privacy(mode=mode, policy_version=str(version))
    return found


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
