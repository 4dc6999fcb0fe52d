"""What people type into each field, as shapes learnt from the training people (never the
values themselves), so that a copied span the field has never taken gives way to one it has.

A field is known by its descriptor (``textbox:job title``). Its :class:`FieldProfile` says
which redaction placeholders its values held (a first-name field: always a ``PERSON``; a
job title: never one), how many words they had at most, whether any held sentence
punctuation (a subject line: no; call notes: yes) and whether any held the text of an
option of another field on the same page (a job title never names the company that the
page's company list offers; ``Controller at Cooper-Delgado`` does). A profile is kept only
for a field that at least :data:`MIN_PEOPLE` training people typed into, like the value
vocabulary: a field one person used says nothing about the field. The decoder
(:mod:`workprint.train.predict`) uses it as a constraint on the spans the model scored,
after the rules of the page's own field types (:func:`~workprint.train.predict.value_fits`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from workprint.dataset.format import ElementRow, StepRow
from workprint.train import _text as tx
from workprint.train.data import Example
from workprint.train.features import name_positions

MIN_PEOPLE: Final = 3
"""Training people who must have typed into a field before its profile constrains it."""
MIN_VALUES: Final = 5
"""Typed values a profile needs before it constrains the field."""
ALWAYS: Final = 0.9
"""Share of a field's values holding a placeholder above which one is required."""
MIN_OPTION_CHARS: Final = 4
"""Shortest option text looked for inside a value (``Lead`` in ``Purchasing Lead`` is not
the stage ``Lead``; a stage list is rarely on a form page, and the rule is learnt)."""

_PUNCTUATION: Final = re.compile(r"[,;:!?()\"“”]|\.(?:\s|$)")


@dataclass(frozen=True, slots=True)
class FieldProfile:
    """The shapes of the values people typed into one field."""

    values: int
    entities: tuple[str, ...]
    """Placeholder entities seen in the values (``PERSON``, ``EMAIL``, ...), sorted."""
    with_entity: float
    """Share of the values holding at least one placeholder."""
    max_words: int
    punctuation: bool
    """Whether any value held sentence punctuation (``,;:!?()"`` or a full stop)."""
    other_option: bool
    """Whether any value shared words with an option of another field on its page."""
    name_roles: tuple[str, ...] = ()
    """What the person placeholders of the values were in their task's text: ``given``
    (opens a name), ``family`` (follows another word of one), ``alone``; sorted."""

    def as_dict(self) -> dict[str, Any]:
        return {
            "values": self.values,
            "entities": list(self.entities),
            "with_entity": self.with_entity,
            "max_words": self.max_words,
            "punctuation": self.punctuation,
            "other_option": self.other_option,
            "name_roles": list(self.name_roles),
        }

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> FieldProfile:
        return cls(
            values=int(raw["values"]),
            entities=tuple(str(e) for e in raw["entities"]),
            with_entity=float(raw["with_entity"]),
            max_words=int(raw["max_words"]),
            punctuation=bool(raw["punctuation"]),
            other_option=bool(raw["other_option"]),
            name_roles=tuple(str(r) for r in raw.get("name_roles", ())),
        )


def entities_of(value: str) -> set[str]:
    """The placeholder entities in ``value``."""
    return {m.group(1) for m in tx.PLACEHOLDER_ENTITY.finditer(value)}


def has_punctuation(value: str) -> bool:
    return _PUNCTUATION.search(tx.PLACEHOLDER_ENTITY.sub(" ", value)) is not None


def other_options(elements: Iterable[ElementRow], target: ElementRow | None) -> list[str]:
    """The option texts of the page's lists other than ``target``, lower case, long enough
    to mean something (:data:`MIN_OPTION_CHARS`)."""
    out: list[str] = []
    for element in elements:
        if element.options and (target is None or element.eid != target.eid):
            out.extend(n for o in element.options if len(n := tx.normalise(o)) >= MIN_OPTION_CHARS)
    return out


def holds_option(value: str, options: Sequence[str]) -> bool:
    """Whether ``value`` holds one of ``options`` (lower-case texts) as whole words."""
    if not options:
        return False
    text = f" {tx.normalise(value)} "
    return any(f" {o} " in text for o in options)


def option_ranges(tokens: Sequence[tx.Token], options: Sequence[str]) -> list[tuple[int, int]]:
    """The token ranges ``(first, last)`` of a text (its ``tokens``) where one of
    ``options`` is written, in any letter case."""
    low = [t.text.casefold() for t in tokens]
    at: dict[str, list[int]] = {}
    for i, word in enumerate(low):
        at.setdefault(word, []).append(i)
    out: list[tuple[int, int]] = []
    for option in options:
        needle = [t.text.casefold() for t in tx.tokenize(option)]
        k = len(needle)
        for i in at.get(needle[0], []) if k else []:
            if low[i : i + k] == needle:
                out.append((i, i + k - 1))
    return out


def overlaps(first: int, last: int, ranges: Iterable[tuple[int, int]]) -> bool:
    """Whether the token span ``first..last`` shares a token with one of ``ranges``."""
    return any(first <= end and start <= last for start, end in ranges)


def _on_option(step: StepRow, value: str, options: Sequence[str]) -> bool:
    """Whether a typed value shares words with another field's option as the task writes it
    (or holds one, when it was not copied from the task)."""
    span = tx.find_span(step.task, value)
    if span is None:
        return holds_option(value, options)
    return overlaps(*span, option_ranges(tx.tokenize(step.task), options))


def name_roles(tokens: Sequence[tx.Token]) -> dict[str, str]:
    """Each person placeholder of a text (its ``tokens``) as ``family`` when it follows
    another word of a name somewhere, else ``given`` when it opens one, else ``alone``
    (``Thanks, <PERSON_1>`` of a text that also says ``<PERSON_1> <PERSON_2>`` is given)."""
    texts = [t.text for t in tokens]
    first, later = name_positions(texts)
    rank = {"alone": 0, "given": 1, "family": 2}
    roles: dict[str, str] = {}
    for text, opens, follows in zip(texts, first, later, strict=True):
        if not text.startswith("<PERSON_"):
            continue
        role = "family" if follows else "given" if opens else "alone"
        if text not in roles or rank[role] > rank[roles[text]]:
            roles[text] = role
    return roles


def roles_of(value: str, roles: Mapping[str, str]) -> set[str]:
    """The roles (:func:`name_roles`) of the person placeholders in ``value``."""
    return {
        roles.get(m.group(), "alone")
        for m in tx.PLACEHOLDER_ENTITY.finditer(value)
        if m[1] == "PERSON"
    }


def field_profiles(items: Sequence[Example]) -> dict[str, FieldProfile]:
    """The profile of every field that :data:`MIN_PEOPLE` training people typed into at
    least :data:`MIN_VALUES` values, by descriptor."""
    seen: dict[str, list[tuple[str, str, bool, set[str]]]] = {}
    for ex in items:
        step = ex.step
        if step.op != "TYPE" or step.target is None or not step.value:
            continue
        target = next((e for e in step.obs_elements if e.eid == step.target_eid), None)
        inside = _on_option(step, step.value, other_options(step.obs_elements, target))
        roles = roles_of(step.value, name_roles(tx.tokenize(step.task)))
        key = tx.descriptor(step.target)
        seen.setdefault(key, []).append((step.person, step.value, inside, roles))
    out: dict[str, FieldProfile] = {}
    for key, typed in sorted(seen.items()):
        if len({t[0] for t in typed}) < MIN_PEOPLE or len(typed) < MIN_VALUES:
            continue
        found = [entities_of(t[1]) for t in typed]
        out[key] = FieldProfile(
            values=len(typed),
            entities=tuple(sorted(set().union(*found))),
            with_entity=round(sum(bool(f) for f in found) / len(typed), 4),
            max_words=max(len(t[1].split()) for t in typed),
            punctuation=any(has_punctuation(t[1]) for t in typed),
            other_option=any(t[2] for t in typed),
            name_roles=tuple(sorted(set().union(*(t[3] for t in typed)))),
        )
    return out


def allows(
    profile: FieldProfile,
    value: str,
    on_option: bool = False,
    roles: Mapping[str, str] | None = None,
) -> bool:
    """Whether ``value`` has a shape the field's values have had: no placeholder of an
    entity the field never took, one when the field nearly always took one, no person
    placeholder in a role the field's never had (a family-name field does not take the
    given name; ``roles``: :func:`name_roles` of the task), no more words, no sentence
    punctuation, and no words of another field's option (``on_option``: the span shares a
    token with a place where the task names one) where the field never had them."""
    found = entities_of(value)
    if not found <= set(profile.entities):
        return False
    if (
        roles is not None
        and profile.name_roles
        and not roles_of(value, roles) <= set(profile.name_roles)
    ):
        return False
    if not found and profile.with_entity >= ALWAYS:
        return False
    if len(value.split()) > profile.max_words:
        return False
    if not profile.punctuation and has_punctuation(value):
        return False
    return profile.other_option or not on_option


def profiles_to_dict(profiles: Mapping[str, FieldProfile]) -> dict[str, dict[str, Any]]:
    return {key: p.as_dict() for key, p in sorted(profiles.items())}


def profiles_from_dict(raw: Mapping[str, Any] | None) -> dict[str, FieldProfile]:
    return {str(k): FieldProfile.from_dict(v) for k, v in (raw or {}).items()}
