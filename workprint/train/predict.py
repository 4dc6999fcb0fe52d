"""Using a trained model: the next action of each example, as operation, eid and value.

The model's indices are mapped back to the observation: the chosen candidate to its ``eid``
(candidate 0 is "no element"), a copied span to the characters of the task, an option index
to the option's text, a vocabulary index to the value. Which value part counts depends on
the predicted operation: none for clicks and submits, the span (or the vocabulary, when the
copy gate says so) for ``TYPE``, the option for ``SELECT``, the vocabulary for the rest.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import torch

from workprint.dataset.format import ElementRow
from workprint.train import _text as tx
from workprint.train.checkpoint import Trained
from workprint.train.data import NO_VALUE_OPS, Example
from workprint.train.features import Features, Featurizer, collate
from workprint.train.fields import (
    FieldProfile,
    allows,
    name_roles,
    option_ranges,
    other_options,
    overlaps,
)
from workprint.train.metrics import Act
from workprint.train.model import OPS, Prediction
from workprint.train.pretrained import SentenceVectors


def decode(
    pred: Prediction,
    row: int,
    feats: Features,
    task: str | None,
    values: Sequence[str],
    element: ElementRow | None = None,
    field: Field | None = None,
) -> Act:
    """Row ``row`` of a batch prediction as an :class:`Act`; ``element`` (the chosen one,
    when known) rules out copied spans it cannot take (:func:`value_fits`), and ``field``
    (what training saw typed into it) those it has never taken."""
    candidate = int(pred.candidate[row])
    eid = feats.eids[candidate - 1] if 0 < candidate <= len(feats.eids) else None
    op = OPS[int(pred.op[row])]
    vocab = int(pred.vocab[row])
    from_vocab = values[vocab - 1] if 0 < vocab <= len(values) else None
    value: str | None
    if op in NO_VALUE_OPS:
        value = None
    elif op == "TYPE" and task and (bool(pred.copy[row]) or from_vocab is None):
        # Typed text is copied from the task unless the vocabulary offers a value it may
        # type (when none may be typed, the gate's "vocabulary" means the span after all).
        tokens = tx.tokenize(task)
        first, last = _fitting_span(pred, row, task, tokens, element, field)
        value = tx.span_text(task, tokens, first, last) if last < len(tokens) else from_vocab
    elif op == "SELECT" and bool(pred.option_valid[row]):
        option = _new_option(pred, row, feats, element)
        value = feats.options[option] if option < len(feats.options) else from_vocab
    else:
        value = from_vocab
    return Act(op, eid, value)


def _new_option(pred: Prediction, row: int, feats: Features, element: ElementRow | None) -> int:
    """The likeliest option of the chosen list that is not the one it already shows:
    choosing that changes nothing, and no one opens a list to leave it as it is (the
    demo's agent "moved" deals to the stage they were in, where the task named both)."""
    best = int(pred.option[row])
    current = element.value if element is not None else None
    if pred.options is None or not current:
        return best
    for option in pred.options[row].tolist():
        if 0 <= option < len(feats.options) and feats.options[option] != current:
            return int(option)
    return best


@dataclass(frozen=True, slots=True)
class Field:
    """What training says of the chosen field: its profile and the page's other options."""

    profile: FieldProfile
    options: tuple[str, ...] = ()


def field_of(
    trained: Trained, element: ElementRow | None, elements: Sequence[ElementRow]
) -> Field | None:
    """The learnt profile of ``element`` on a page showing ``elements``, if training has one."""
    if element is None:
        return None
    profile = trained.fields.get(tx.descriptor(element))
    if profile is None:
        return None
    return Field(profile, tuple(other_options(elements, element)))


def _fitting_span(
    pred: Prediction,
    row: int,
    task: str,
    tokens: list[tx.Token],
    element: ElementRow | None,
    field: Field | None = None,
) -> tuple[int, int]:
    """The likeliest copied span that ``element`` can take and whose shape ``field`` has
    taken in training; failing that, the likeliest the element can take; failing that, the
    likeliest of all."""
    best = int(pred.start[row]), int(pred.end[row])
    if element is None or pred.spans is None:
        return best
    fitting: tuple[int, int] | None = None
    named = option_ranges(tokens, field.options) if field is not None else []
    roles = name_roles(tokens) if field is not None else {}
    for first, last in pred.spans[row].tolist():
        if not 0 <= first <= last < len(tokens):
            continue
        text = tx.span_text(task, tokens, first, last)
        if not value_fits(text, element):
            continue
        if field is None or allows(field.profile, text, overlaps(first, last, named), roles):
            return first, last
        fitting = fitting or (first, last)
    return fitting or best


_SENTENCE_BREAK: Final = re.compile(r"[.!?]\s+\S")
_QUOTE_MARK: Final = re.compile(r"(?:^|\n)[ \t]*>")


def value_fits(value: str, element: ElementRow) -> bool:
    """Whether ``value`` is something a person could type into ``element``, by what the
    page says of the field: an e-mail field takes an address (``@`` or an ``EMAIL``
    placeholder), a telephone field a number (a digit outside placeholders, or a ``PHONE``
    placeholder), and a one-line input no line break, quoted-mail marker or sentence end
    (``IT Manager, Adams LLC`` may be a job title; ``me at <EMAIL_1>. Kind`` is not). No
    field takes half of a bracketed aside (``Office Manager)``); multi-line fields
    (``textarea``) take any other text."""
    tag = (element.tag or "").lower()
    kind = ((element.attrs.type if element.attrs else None) or "").lower()
    bare = tx.PLACEHOLDER.sub(" ", value)
    if kind == "email" and "<EMAIL_" not in value and "@" not in bare:
        return False
    if kind == "tel" and "<PHONE_" not in value and not any(c.isdigit() for c in bare):
        return False
    if value.count("(") != value.count(")"):
        return False  # half of a bracketed aside: "Office Manager)"
    if tag == "input":
        return (
            "\n" not in value
            and not _QUOTE_MARK.search(value)
            and not (_SENTENCE_BREAK.search(value))
        )
    return True


def vocab_allowed(trained: Trained, device: torch.device | None = None) -> torch.Tensor | None:
    """``[len(OPS), 1 + value_vocab]``: which vocabulary entries each operation may take
    (those it was seen with in training; entry 0, "no value", always); None for a model
    that does not record it."""
    if not trained.value_ops:
        return None
    width = 1 + trained.model_config.value_vocab
    allowed = torch.zeros(len(OPS), width, dtype=torch.bool, device=device)
    allowed[:, 0] = True
    index = {op: i for i, op in enumerate(OPS)}
    for entry, ops in enumerate(trained.value_ops[: width - 1], start=1):
        for op in ops:
            if op in index:
                allowed[index[op], entry] = True
    return allowed


def predict(
    trained: Trained,
    items: Sequence[Example],
    *,
    vectors: SentenceVectors | None = None,
    batch_size: int = 64,
    device: torch.device | None = None,
) -> list[Act]:
    """The model's next action for each example, in order."""
    featurizer = Featurizer(trained.model_config, trained.values, vectors)
    features = featurizer.featurize(items)
    table = vectors.table() if vectors is not None else None
    dev = device or next(trained.model.parameters()).device
    if table is not None:
        table = table.to(dev)
    trained.model.eval()
    allowed = vocab_allowed(trained, dev)
    out: list[Act] = []
    for start in range(0, len(features), batch_size):
        chunk = features[start : start + batch_size]
        pred = trained.model.predict(collate(chunk, table).to(dev), allowed)
        for row, feats in enumerate(chunk):
            step = items[start + row].step
            candidate = int(pred.candidate[row])
            shown = step.obs_elements[: trained.model_config.max_elements]
            element = shown[candidate - 1] if 0 < candidate <= len(shown) else None
            field = field_of(trained, element, step.obs_elements)
            out.append(decode(pred, row, feats, step.task, trained.values, element, field))
    return out


_NOT_TEXT: Final = frozenset(
    {"checkbox", "radio", "file", "submit", "button", "reset", "image", "hidden", "range", "color"}
)


ANNOUNCED_ROLES: Final = frozenset({"status", "alert"})
"""Roles of the regions where a page says what happened: read, never acted on."""


def element_kind(element: ElementRow | None) -> str:
    """``none`` (no element), ``text`` (a field one types into), ``select``, ``announced``
    (a status or alert region) or ``other``."""
    if element is None:
        return "none"
    if (element.role or "") in ANNOUNCED_ROLES:
        return "announced"
    tag = (element.tag or "").lower()
    kind = ((element.attrs.type if element.attrs else None) or "text").lower()
    if tag == "select" or (element.options and tag != "input"):
        return "select"
    if tag == "textarea" or (tag == "input" and kind not in _NOT_TEXT):
        return "text"
    if (element.role or "") in ("textbox", "searchbox") and tag not in ("a", "button"):
        return "text"
    return "other"


def fits(op: str, element: ElementRow | None) -> bool:
    """Whether ``op`` makes sense on ``element``: typing goes into text fields, choosing
    into selects, navigating, scrolling and ending need no element, and nothing else goes
    without."""
    kind = element_kind(element)
    if kind == "none":
        return op in ("NAVIGATE", "SCROLL", "KEY", "END")
    if kind == "announced":
        return False
    if op == "TYPE":
        return kind == "text"
    if op == "SELECT":
        return kind == "select"
    return op not in ("NAVIGATE", "SCROLL", "DRAG", "END")


def rank(
    trained: Trained,
    example: Example,
    *,
    elements: int = 4,
    ops: int = 2,
    vectors: SentenceVectors | None = None,
) -> list[Act]:
    """The model's next actions for one example, most likely first: the ``elements``
    likeliest candidates, each with up to ``ops`` operations that :func:`fits` it, scored by
    the joint log-probability of element and operation. The first is what :func:`predict`
    would say whenever that fits; the rest let a runner try something else instead of
    repeating an action that changed nothing."""
    featurizer = Featurizer(trained.model_config, trained.values, vectors)
    feats = featurizer.featurize([example])
    table = vectors.table() if vectors is not None else None
    model = trained.model
    dev = next(model.parameters()).device
    if table is not None:
        table = table.to(dev)
    model.eval()
    batch = collate(feats, table).to(dev)
    shown = example.step.obs_elements[: trained.model_config.max_elements]
    scored: list[tuple[float, Act]] = []
    allowed = vocab_allowed(trained, dev)
    with torch.no_grad():
        enc = model.encode(batch)
        logits = enc.element_logits[0]
        valid = int((logits > -1e3).sum())
        top = torch.log_softmax(logits, dim=-1).topk(max(1, min(elements, valid)))
        for el_lp, cand in zip(top.values.tolist(), top.indices.tolist(), strict=True):
            chosen = torch.tensor([cand], device=dev)
            heads = model.heads(enc, batch, chosen)
            element = shown[cand - 1] if 0 < cand <= len(shown) else None
            op_lp = torch.log_softmax(heads.op[0], dim=-1)
            order = [i for i in op_lp.argsort(descending=True).tolist() if fits(OPS[i], element)]
            for i in order[:ops]:
                pred = model.prediction(heads, chosen, torch.tensor([i], device=dev), allowed)
                field = field_of(trained, element, example.step.obs_elements)
                act = decode(pred, 0, feats[0], example.step.task, trained.values, element, field)
                scored.append((el_lp + float(op_lp[i]), act))
    scored.sort(key=lambda pair: -pair[0])
    out: list[Act] = []
    for _, act in scored:
        if act not in out:
            out.append(act)
    return out
