"""The reference walk of redaction: every field of every struct, found by reflection.

:func:`workprint.privacy.redact.redact_event` walks compiled per-type plans and remembers
whole structs per session; this module is the plain definition it must agree with, byte for
byte (``tests/privacy/test_redact_plans.py`` checks that on generated events). It is not used
on the ingest path.
"""

from __future__ import annotations

import typing
from collections import Counter
from collections.abc import Sequence
from functools import cache
from typing import Any

import msgspec

from workprint.core import events as ev
from workprint.core.events import CaptureMode, TextRule
from workprint.privacy._plan import ROLES, decide, has_str
from workprint.privacy._text import Vault, Vaults, redact_selector, redact_text, redact_url
from workprint.privacy.detectors import Detector
from workprint.privacy.policy import Policy, strictest


@cache
def string_fields(struct: type[msgspec.Struct], owner: str) -> dict[str, tuple[str, bool]]:
    """field name -> (classification path, whether it must stay a string), for the
    string-typed fields of ``struct``."""
    hints = typing.get_type_hints(struct, include_extras=True)
    out: dict[str, tuple[str, bool]] = {}
    for name in struct.__struct_fields__:
        if has_str(hints[name]):
            required = type(None) not in typing.get_args(hints[name])
            out[name] = (f"{owner}.{name}", required)
    return out


class _Walk:
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

    def text(self, path: str, value: str, required: bool) -> str | None:
        rule, action = decide(self.policy, self.mode, path)
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
            return redact_selector(value, self.detectors, self.vault, self.counts)
        return redact_text(value, self.detectors, self.vault, self.counts)

    def struct(self, value: msgspec.Struct, owner: str) -> msgspec.Struct:
        role = ROLES.get(type(value), owner)
        changes: dict[str, Any] = {}
        fields = string_fields(type(value), role)
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
            elif isinstance(current, list) and current and isinstance(current[0], msgspec.Struct):
                items = [self.struct(x, role) for x in current]
                if any(a is not b for a, b in zip(items, current, strict=True)):
                    changes[name] = items
        return msgspec.structs.replace(value, **changes) if changes else value


def redact_event(
    event: ev.Event, policy: Policy, *, detectors: Sequence[Detector], vaults: Vaults
) -> ev.Event | None:
    """What :func:`workprint.privacy.redact.redact_event` returns, by the reflective walk."""
    ctx = event.context
    mode: CaptureMode = event.privacy.mode
    if ctx.app or ctx.url or ctx.window_title:
        app = None if event.stream == "web" else ctx.app
        mode = strictest(mode, policy.mode_for(app=app, url=ctx.url, title=ctx.window_title))
    if mode == "off":
        return None
    walk = _Walk(policy, mode, ctx.url, detectors, vaults.for_session(event.session_id))
    kind = str(event.__struct_config__.tag)
    changes: dict[str, Any] = {}
    new_context = walk.struct(ctx, "context")
    if new_context is not ctx:
        changes["context"] = new_context
    if event.target is not None:
        new_target = walk.struct(event.target, "target")
        if new_target is not event.target:
            changes["target"] = new_target
    payload = event.payload
    new_payload = walk.struct(payload, kind)
    if new_payload is not payload:
        changes["payload"] = new_payload
    walk.vault.commit()
    merged = Counter(event.privacy.redactions)
    merged.update(walk.counts)
    changes["privacy"] = ev.Privacy(
        mode=mode, policy_version=str(policy.version), redactions=dict(sorted(merged.items()))
    )
    return msgspec.structs.replace(event, **changes)
