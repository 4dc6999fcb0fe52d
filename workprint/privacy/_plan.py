"""Compiled redaction plans: what redaction may change in a contract struct, and how.

The reference walk (:mod:`workprint.privacy._reference`) asks, for every field of every
struct of every event, whether it holds text, how the contract classifies it and what the
policy says about it. All of that depends only on the struct's type, its owner, the policy and
the mode, so a :class:`Plan` answers it once per ``(type, owner)`` and keeps the answer as a
:class:`Shape`: the fields redaction can change, each with the action to apply. Fields whose
value can never change (numbers, flags, vocabulary, text the policy keeps) are not in it.
"""

from __future__ import annotations

import enum
import itertools
import operator
import threading
import types
import typing
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any, Final

import msgspec

from workprint.core import events as ev
from workprint.core.events import TEXT_FIELDS, CaptureMode, TextRule
from workprint.privacy.policy import Policy

ROLES: Final[dict[type, str]] = {
    ev.Agent: "agent",
    ev.Context: "context",
    ev.Attrs: "attrs",
    ev.Target: "target",
    ev.Element: "element",
    ev.Privacy: "privacy",
    ev.Consent: "consent",
}
"""The classification owner of a struct type (payload structs are owned by their kind)."""


def has_str(tp: Any) -> bool:
    """Whether a field type can hold text (the contract's rule for a text-bearing field)."""
    if tp is str:
        return True
    return any(has_str(arg) for arg in typing.get_args(tp) if arg is not type(None))


def decide(policy: Policy, mode: CaptureMode, path: str) -> tuple[TextRule, str]:
    """(rule of the field, action ``keep``/``redact``/``drop``) under the policy and mode."""
    rule = TEXT_FIELDS.get(path, TextRule.FREE_TEXT)
    override = policy.field_rule(path)
    action = override or {"full": "keep", "redacted": "redact", "metadata": "drop"}.get(
        mode, "drop"
    )
    return rule, action


class FieldKind(enum.IntEnum):
    TEXT = 0
    """One string."""
    TEXT_LIST = 1
    """A list of strings (each treated as an optional string)."""
    STRUCT = 2
    """A nested struct, walked with its own shape."""
    STRUCT_LIST = 3
    """A list of structs (snapshot elements), each walked with its own shape."""


class Action(enum.IntEnum):
    KEEP = 0
    DROP = 1
    TEXT = 2
    SELECTOR = 3
    URL_METADATA = 4
    URL_REDACTED = 5
    URL_FULL = 6


@dataclass(frozen=True, slots=True)
class Step:
    """One field of a shape."""

    name: str
    kind: FieldKind
    action: Action
    """For text fields: what to do with the text."""
    required: bool
    """For text fields: ``""`` rather than ``None`` when dropped."""
    owner: str
    """For struct fields: the owner the nested struct is walked with."""
    shape: Shape | None = None
    """For struct fields: the shape of the declared struct type."""


@dataclass(frozen=True, slots=True)
class Shape:
    """The changeable fields of one struct type under one plan."""

    struct: type[msgspec.Struct]
    number: int
    """Unique to this shape of this plan (part of the keys of remembered results)."""
    steps: tuple[Step, ...]
    values: Callable[[Any], Any]
    """The steps' field values in one call (a tuple, or the value itself for one step)."""
    single: bool
    list_at: tuple[int, ...]
    """Positions of list values among them (turned into tuples in a key)."""
    list_index: int
    """The position of the only list value among several values; -1 otherwise."""
    memo: bool
    """Whether the result depends on the steps' values alone (no list of structs), so that
    it can be remembered by them."""


_NONE: Final = type(None)


def _unwrap(tp: Any) -> list[Any]:
    """The alternatives of a field type, without ``None`` and ``Annotated`` wrappers."""
    if typing.get_origin(tp) is typing.Annotated:
        return _unwrap(typing.get_args(tp)[0])
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        return [b for a in typing.get_args(tp) if a is not _NONE for b in _unwrap(a)]
    return [tp]


def _is_struct(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, msgspec.Struct)


def _action(policy: Policy, mode: CaptureMode, path: str) -> Action:
    rule, action = decide(policy, mode, path)
    if rule is TextRule.VOCABULARY:
        return Action.KEEP
    if rule is TextRule.URL:
        return {"drop": Action.URL_METADATA, "keep": Action.URL_FULL}.get(
            action, Action.URL_REDACTED
        )
    if path == "context.app" and action == "drop":
        return Action.KEEP  # which app is in use is metadata, not text
    if action == "keep":
        return Action.KEEP
    if action == "drop":
        return Action.DROP
    return Action.SELECTOR if rule is TextRule.SELECTOR else Action.TEXT


class Plan:
    """Shapes of every struct type under one policy and mode, compiled on first use."""

    def __init__(self, policy: Policy, mode: CaptureMode) -> None:
        self.policy = policy
        self.mode = mode
        self._shapes: dict[tuple[type[msgspec.Struct], str], Shape] = {}
        self.contexts: dict[tuple[str | None, int], tuple[frozenset[str], int, int]] = {}
        """What an event's redaction depends on besides its values, by (page URL,
        detectors): query parameters allowed, and the memo numbers (see ``redact``)."""

    def remember_context(
        self, key: tuple[str | None, int], value: tuple[frozenset[str], int, int]
    ) -> None:
        if len(self.contexts) >= 4096:
            self.contexts.clear()
        self.contexts[key] = value

    def shape(self, struct: type[msgspec.Struct], owner: str) -> Shape:
        key = (struct, owner)
        found = self._shapes.get(key)
        if found is None:
            found = self._shapes[key] = self._compile(struct, owner)
        return found

    def _compile(self, struct: type[msgspec.Struct], owner: str) -> Shape:
        role = ROLES.get(struct, owner)
        hints = typing.get_type_hints(struct, include_extras=True)
        steps: list[Step] = []
        for name in struct.__struct_fields__:
            hint = hints[name]
            alternatives = _unwrap(hint)
            if has_str(hint):
                required = _NONE not in typing.get_args(hint)
                action = _action(self.policy, self.mode, f"{role}.{name}")
                if alternatives == [str]:
                    if action is not Action.KEEP:
                        steps.append(Step(name, FieldKind.TEXT, action, required, role))
                    continue
                if len(alternatives) == 1 and typing.get_origin(alternatives[0]) is list:
                    # Kept even when the text is kept: an empty list becomes None.
                    steps.append(Step(name, FieldKind.TEXT_LIST, action, required, role))
                    continue
                if len(alternatives) == 1 and typing.get_origin(alternatives[0]) is dict:
                    continue  # keys are entity names (vocabulary)
                raise TypeError(f"no redaction plan for {struct.__name__}.{name}")
            if len(alternatives) != 1:
                continue
            tp = alternatives[0]
            if _is_struct(tp):
                nested = self.shape(tp, role)
                if nested.steps:
                    steps.append(Step(name, FieldKind.STRUCT, Action.KEEP, False, role, nested))
            elif typing.get_origin(tp) is list:
                items = _unwrap(typing.get_args(tp)[0])
                if len(items) == 1 and _is_struct(items[0]):
                    nested = self.shape(items[0], role)
                    steps.append(
                        Step(name, FieldKind.STRUCT_LIST, Action.KEEP, False, role, nested)
                    )
        names = [s.name for s in steps]
        list_at = tuple(i for i, s in enumerate(steps) if s.kind is FieldKind.TEXT_LIST)
        return Shape(
            struct=struct,
            number=next(_numbers),
            steps=tuple(steps),
            values=operator.attrgetter(*names) if names else _nothing,
            single=len(names) == 1,
            list_at=list_at,
            list_index=list_at[0] if len(list_at) == 1 and len(names) > 1 else -1,
            memo=all(s.kind is not FieldKind.STRUCT_LIST for s in steps),
        )


_PLANS_LOCK = threading.Lock()


def _nothing(_value: Any) -> tuple[()]:
    return ()


_numbers: Final = itertools.count(1)
"""Numbers of shapes and of memo contexts; never reused, so a key made with a forgotten one
cannot meet a new one."""
_MEMO_NUMBERS: dict[tuple[Hashable, ...], int] = {}


def memo_number(*parts: Hashable) -> int:
    """One number for what a remembered result depends on besides its values (mode, policy
    version, allowed query parameters, detectors)."""
    found = _MEMO_NUMBERS.get(parts)
    if found is None:
        with _PLANS_LOCK:
            if len(_MEMO_NUMBERS) >= 4096:
                _MEMO_NUMBERS.clear()
            found = _MEMO_NUMBERS.setdefault(parts, next(_numbers))
    return found


def new_number() -> int:
    """A number nobody had before."""
    return next(_numbers)


_PLANS: dict[tuple[int, str], Plan] = {}
_MAX_PLANS: Final = 64
_CANONICAL: dict[int, tuple[Policy, Policy]] = {}
_BY_CONTENT: dict[tuple[int, str], Policy] = {}


def canonical(policy: Policy) -> Policy:
    """The first policy object seen with the same content as ``policy``.

    The collector reads the active policy again every few seconds, getting a new object
    each time; redaction keys its plans and remembered results by the canonical one, so
    they outlive the re-read. (Both maps keep the objects they name alive, so an ``id``
    cannot pass to another object while it is a key.)"""
    found = _CANONICAL.get(id(policy))
    if found is not None and found[0] is policy:
        return found[1]
    with _PLANS_LOCK:
        key = (policy.version, policy.source)
        canon = _BY_CONTENT.get(key)
        if canon is None or canon.document != policy.document:
            if len(_BY_CONTENT) >= _MAX_PLANS:
                _BY_CONTENT.clear()
            canon = _BY_CONTENT[key] = policy
        if len(_CANONICAL) >= _MAX_PLANS:
            _CANONICAL.clear()
        _CANONICAL[id(policy)] = (policy, canon)
    return canon


def plan_for(policy: Policy, mode: CaptureMode) -> Plan:
    """The plan of ``policy`` in ``mode`` (a few are remembered; policies change rarely).
    Pass the :func:`canonical` policy, so that equal policies share a plan."""
    key = (id(policy), mode)
    plan = _PLANS.get(key)
    if plan is None or plan.policy is not policy:
        with _PLANS_LOCK:
            if len(_PLANS) >= _MAX_PLANS:
                _PLANS.clear()
            plan = _PLANS[key] = Plan(policy, mode)
    return plan
