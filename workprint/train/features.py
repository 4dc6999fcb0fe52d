"""Examples as model inputs: hashed token bags, match features, labels, padded batches.

:class:`Featurizer` turns an :class:`~workprint.train.data.Example` into :class:`Features`:
bags of hashed ids for the task tokens, the previous actions, each element's text and kind
and each option; hand-made match features (does the element's label occur in the task, was
it acted on before, ...); and the labels (operation, target candidate, task span, option,
value-vocabulary entry, copy gate). :func:`collate` pads a list of them into one
:class:`Batch` of tensors.

Candidate 0 of every step is "no element" (actions without a target: ``NAVIGATE``, ``SCROLL``).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, fields
from typing import Any, Final

import numpy as np
import torch

from workprint.dataset.format import ElementRow, StepRow
from workprint.privacy.detectors.names import is_particle
from workprint.train import _text as tx
from workprint.train.data import NO_VALUE_OPS, TYPE_OPS, Example
from workprint.train.model import (
    N_ELEMENT_FEATURES,
    N_OPTION_FEATURES,
    N_SPAN_FEATURES,
    N_TOKEN_FEATURES,
    OPS,
    ModelConfig,
)
from workprint.train.pretrained import SentenceVectors

IGNORE: Final = -100
"""Label of a head that has nothing to learn from a step."""


@dataclass(frozen=True, slots=True)
class Features:
    """One example as numbers (lists; :func:`collate` makes tensors)."""

    task_ids: list[tuple[int, ...]]
    task_feats: Sequence[tuple[float, ...]]
    hist_ids: list[tuple[int, ...]]
    hist_ops: list[int]
    el_text: list[tuple[int, ...]]
    el_kind: list[tuple[int, ...]]
    el_feats: Sequence[tuple[float, ...]]
    opt_ids: list[tuple[int, ...]]
    opt_owner: list[int]
    opt_feats: Sequence[tuple[float, ...]]
    eids: list[int]
    """The eid of each element candidate (candidate ``i + 1``)."""
    options: list[str]
    opt_spans: list[tuple[int, ...]]
    """For each option, the task tokens where the task names it (none when it does not):
    the model reads the option through what the task says around it ("in X, not Y")."""
    task_vec: int
    """Row of the task's sentence vector (-1 without a pretrained encoder)."""
    el_vec: list[int]
    span_hits: list[tuple[tuple[int, ...], ...]]
    """For each element, the task tokens just after one of its label words, the task
    tokens of a placeholder whose entity the field takes (``<EMAIL_2>`` for an e-mail
    field): where a value typed into it is likely to be; and those of a placeholder of
    another contact entity (a phone number for an e-mail field): where it is not."""
    op: int
    target: int
    start: int
    end: int
    copy: int
    option: int
    vocab: int


def _stem(word: str) -> str:
    """A plural's singular, crudely ("deals" -> "deal"): enough for labels against tasks."""
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


_PLACEHOLDER: Final = re.compile(r"<([A-Z][A-Z0-9]*)(?:_[A-Z0-9]+)*_\d+>")
_LABEL_STOP: Final = frozenset({"and", "or", "the", "a", "of", "to", "name", "search"})
_ENTITY_WORDS: Final = {"PHONE": ("phone", "tel", "mobile"), "EMAIL": ("email", "mail")}
WINDOW: Final = 4
"""Task tokens after a label word that count as "just after" it."""


def span_hits(
    task: str, tokens: Sequence[tx.Token], element: ElementRow
) -> tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]]:
    """The tokens of ``task`` just after a word of ``element``'s label (``Subject: "..."``),
    those inside a placeholder whose entity suits the field, and those inside a
    placeholder of an entity with a field of its own (e-mail, phone) that is not this one
    (see :class:`Features`)."""
    attrs = element.attrs
    field_words = set(tx.words(tx.element_label(element)))
    if attrs is not None:
        for extra in (attrs.type, attrs.name, attrs.id, attrs.placeholder):
            field_words.update(tx.words(extra))
    label = {_stem(w) for w in tx.words(tx.element_label(element))} - _LABEL_STOP
    after: list[int] = []
    if label:
        marks = [i for i, t in enumerate(tokens) if _stem(t.text.lower()) in label]
        after = sorted({j for i in marks for j in range(i + 1, min(i + 1 + WINDOW, len(tokens)))})
    fitting: list[int] = []
    foreign: list[int] = []
    for m in _PLACEHOLDER.finditer(task):
        entity = m.group(1)
        words = _ENTITY_WORDS.get(entity, (entity.lower(),))
        inside = [i for i, t in enumerate(tokens) if m.start() <= t.start < m.end()]
        if any(w in field_words for w in words):
            fitting += inside
        elif entity in _ENTITY_WORDS:
            foreign += inside
    return tuple(after), tuple(fitting), tuple(foreign)


_OPENERS: Final = frozenset(":\"“‘'(,")
_CLOSERS: Final = frozenset("\"”’'),.;!?")


def _boundaries(task: str, tokens: Sequence[tx.Token]) -> tuple[list[float], list[float]]:
    """For each token, whether a value may start there (after a colon, an opening quote, a
    comma or a line break) and whether one may end there (before a closing quote or
    punctuation, or a line break): copied values are mostly such clauses."""
    opens, closes = [], []
    for i, t in enumerate(tokens):
        before = tokens[i - 1] if i else None
        after = tokens[i + 1] if i + 1 < len(tokens) else None
        opens.append(
            float(before is None or before.text in _OPENERS or "\n" in task[before.end : t.start])
        )
        closes.append(
            float(after is None or after.text in _CLOSERS or "\n" in task[t.end : after.start])
        )
    return opens, closes


_Option = tuple[int, str, float, float, float, tuple[int, ...]]
"""(element index, option text, word overlap with the task, named in the task, chosen, the
task positions naming it)."""


def _kept_options(
    pool: list[_Option], limit: int, gold_owner: int | None, gold: str | None
) -> list[_Option]:
    """At most ``limit`` options, in page order: all of them when they fit; otherwise those
    the task names first (contained, then by word overlap), the chosen ones, then page order,
    so a long list (every contact of the CRM) does not push the one the task means out.
    While training the option the person chose is always kept."""
    if len(pool) <= limit:
        return pool

    def priority(item: tuple[int, _Option]) -> tuple[float, ...]:
        index, (owner, text, score, inside, current, _) = item
        is_gold = float(gold is not None and owner == gold_owner and text == gold)
        return (-is_gold, -inside, -score, -current, float(index))

    ranked = sorted(enumerate(pool), key=priority)[:limit]
    return [option for _, option in sorted(ranked, key=lambda item: item[0])]


_APOSTROPHES: Final = frozenset(("'", "’"))


def name_positions(tokens: Sequence[str]) -> tuple[list[float], list[float]]:
    """For each token, whether it is a person placeholder followed by another word of the
    same name (a given name: ``<PERSON_1>`` of ``<PERSON_1> <PERSON_2>``), and whether it
    is one that follows another (a family name; lower-case particles such as ``van`` may
    stand between). Redaction gives each word of a name its own placeholder; which word is
    which is all that tells a first-name field from a last-name field."""
    person = [(m := _PLACEHOLDER.fullmatch(t)) is not None and m[1] == "PERSON" for t in tokens]

    def previous_word(i: int) -> int:
        j = i - 1
        while j >= 0 and (tokens[j] in _APOSTROPHES or is_particle(tokens[j])):
            j -= 1
        return j

    later = [0.0] * len(tokens)
    first = [0.0] * len(tokens)
    for i, is_person in enumerate(person):
        if not is_person:
            continue
        j = previous_word(i)
        if j >= 0 and person[j]:
            later[i] = 1.0
            first[j] = first[j] or float(not later[j])
    return first, later


def occurrences(needle: Sequence[str], tokens: Sequence[str]) -> tuple[int, ...]:
    """The positions in ``tokens`` (lower-case token texts) of every whole occurrence of the
    word sequence ``needle``."""
    k = len(needle)
    if not k:
        return ()
    found: list[int] = []
    for i in range(len(tokens) - k + 1):
        if tokens[i] == needle[0] and list(tokens[i : i + k]) == list(needle):
            found.extend(range(i, i + k))
    return tuple(sorted(set(found)))


def _is_word(token: str) -> bool:
    return token[0].isalnum() or token[0] == "_" or len(token) > 1


def word_occurrences(text: str, tokens: Sequence[str]) -> tuple[int, ...]:
    """The positions in ``tokens`` (lower-case token texts) of the words of every occurrence
    of ``text`` read word by word, punctuation aside: the option ``Jo Doe – Acme`` is
    named by ``Jo Doe (Acme)``."""
    needle = tx.words(text)
    if sum(map(len, needle)) < 2:
        return ()  # a lone letter names nothing
    at = [i for i, t in enumerate(tokens) if _is_word(t)]
    return tuple(at[i] for i in occurrences(needle, [tokens[i] for i in at]))


def _overlap(a: Sequence[str], b: set[str]) -> float:
    """The share of words of ``a`` in ``b`` (which holds words and their stems)."""
    return sum(1 for w in a if w in b or _stem(w) in b) / len(a) if a else 0.0


def _contained(text: str, haystack: str) -> float:
    return 1.0 if len(text) >= 2 and text in haystack else 0.0


class Featurizer:
    """Examples into :class:`Features`, for one model config and value vocabulary."""

    def __init__(
        self, cfg: ModelConfig, values: Sequence[str], vectors: SentenceVectors | None = None
    ) -> None:
        self.cfg = cfg
        self.values = tuple(values)
        self.vectors = vectors
        self._value_index = {v: i + 1 for i, v in enumerate(self.values)}
        self._op_index = {op: i for i, op in enumerate(OPS)}

    def _text(self, text: str, limit: int, salt: str = "w") -> tuple[int, ...]:
        return tx.text_ids(text, self.cfg.buckets, limit, salt)

    def candidates(self, step: StepRow) -> list[ElementRow]:
        """The elements the model chooses among: the first ``max_elements``, always keeping
        the target (so training sees it; evaluation then may not)."""
        elements = step.obs_elements
        cap = self.cfg.max_elements
        if len(elements) <= cap:
            return list(elements)
        kept = list(elements[:cap])
        if step.target_eid is not None and all(e.eid != step.target_eid for e in kept):
            gold = [e for e in elements if e.eid == step.target_eid]
            kept = kept[: cap - 1] + gold
        return kept

    def __call__(self, ex: Example, *, training: bool = False) -> Features:
        cfg, step = self.cfg, ex.step
        task = step.task or ""
        tokens = tx.tokenize(task)[: cfg.max_task_tokens]
        task_words = set(tx.words(task))
        task_words |= {_stem(w) for w in task_words}
        task_norm = tx.normalise(task)
        history = ex.history[-cfg.max_history :]
        typed = {w for a in ex.history if a.op == "TYPE" for w in tx.words(a.value)}
        last = ex.history[-1] if ex.history else None
        last_words = set(tx.words(last.value)) if last is not None else set()
        elements = self.candidates(step) if training else step.obs_elements[: cfg.max_elements]
        option_words = {w for e in elements for o in e.options or () for w in tx.words(o)}
        label_words = {w for e in elements for w in tx.words(tx.element_label(e))}
        task_ids = [tx.token_ids(t.text, cfg.buckets)[: cfg.token_limit] for t in tokens]
        opens, closes = _boundaries(task, tokens)
        first, later = name_positions([t.text for t in tokens])
        lowered = [t.text.lower() for t in tokens]
        task_feats = [
            (float(w in typed), float(w in option_words), float(w in label_words), o, c, f, g)
            for w, o, c, f, g in zip(lowered, opens, closes, first, later, strict=True)
        ]
        targeted: Counter[str] = Counter()
        typed_into: Counter[str] = Counter()
        chosen: dict[str, str] = {}
        for a in ex.history:
            key = a.selector or a.descriptor
            targeted[key] += 1
            if a.op == "TYPE":
                typed_into[key] += 1
            elif a.op == "SELECT" and a.value:
                chosen[key] = a.value
        last_key = (last.selector or last.descriptor) if last is not None else None
        el_text: list[tuple[int, ...]] = []
        el_kind: list[tuple[int, ...]] = []
        el_feats: list[tuple[float, ...]] = []
        hits: list[tuple[tuple[int, ...], ...]] = []
        opt_ids: list[tuple[int, ...]] = []
        opt_owner: list[int] = []
        opt_feats: list[tuple[float, ...]] = []
        options: list[str] = []
        opt_spans: list[tuple[int, ...]] = []
        n = max(len(elements), 1)
        pool: list[_Option] = []
        for i, e in enumerate(elements):
            label = tx.element_label(e)
            label_w = tx.words(label)
            key = e.selector or tx.descriptor(e)
            opts = e.options or []
            opt_scores = [_overlap(tx.words(o), task_words) for o in opts]
            opt_at = [word_occurrences(o, lowered) for o in opts]
            opt_in = [float(bool(at)) for at in opt_at]
            y = e.bbox[1] if e.bbox and len(e.bbox) > 1 else 0.0
            hits.append(span_hits(task, tokens, e))
            el_text.append(self._text(tx.element_text(e), cfg.text_limit))
            el_kind.append(self._text(tx.element_kind(e), 8, "k"))
            el_feats.append(
                (
                    _overlap(label_w, task_words),
                    _contained(tx.normalise(label), task_norm),
                    max(opt_scores, default=0.0),
                    max(opt_in, default=0.0),
                    float(targeted[key] > 0),
                    float(key == last_key),
                    min(typed_into[key], 3) / 3,
                    # Holds a value as the page or the episode shows it: a recorded snapshot
                    # often predates the typing just before the next action (the SDK waits
                    # for the page to settle), a live one never does.
                    float(bool(e.value) or typed_into[key] > 0),
                    float(e.disabled),
                    i / n,
                    min(max(y, 0.0), 2000.0) / 2000.0,
                    _overlap(label_w, last_words),
                )
            )
            for o, score, inside, at in zip(opts, opt_scores, opt_in, opt_at, strict=True):
                pool.append((i, o, score, inside, float(o == chosen.get(key, e.value)), at))
        gold = step.value if training and step.op == "SELECT" else None
        gold_owner = next((i for i, e in enumerate(elements) if e.eid == step.target_eid), None)
        for i, o, score, inside, current, at in _kept_options(
            pool, cfg.max_options, gold_owner, gold
        ):
            opt_ids.append(self._text(o, 16))
            opt_owner.append(i + 1)
            opt_feats.append((score, inside, current))
            options.append(o)
            opt_spans.append(at)
        labels = self._labels(step, tokens, elements, opt_owner, options)
        vec = self.vectors
        return Features(
            task_ids=task_ids,
            task_feats=task_feats,
            hist_ids=[self._text(f"{a.descriptor} {a.value or ''}", 32) for a in history],
            hist_ops=[self._op_index.get(a.op, 0) + 1 for a in history],
            el_text=el_text,
            el_kind=el_kind,
            el_feats=el_feats,
            opt_ids=opt_ids,
            opt_owner=opt_owner,
            opt_feats=opt_feats,
            eids=[e.eid for e in elements],
            options=options,
            opt_spans=opt_spans,
            task_vec=vec.id(task) if vec is not None else -1,
            el_vec=[vec.id(tx.element_text(e)) for e in elements] if vec is not None else [],
            span_hits=hits,
            **labels,
        )

    def texts(self, ex: Example) -> list[str]:
        """The texts of an example that get sentence vectors (task, then elements)."""
        return [ex.step.task or "", *(tx.element_text(e) for e in ex.step.obs_elements)]

    def featurize(self, items: Sequence[Example], *, training: bool = False) -> list[Features]:
        """Features of many examples; sentence vectors (if any) are computed first, once
        per distinct text."""
        if self.vectors is not None:
            self.vectors.add(t for ex in items for t in self.texts(ex))
        return [self(ex, training=training) for ex in items]

    def _labels(
        self,
        step: StepRow,
        tokens: list[tx.Token],
        elements: Sequence[ElementRow],
        opt_owner: list[int],
        options: list[str],
    ) -> dict[str, int]:
        op = self._op_index.get(step.op, IGNORE)
        target = 0
        if step.target_eid is not None:
            found = [i + 1 for i, e in enumerate(elements) if e.eid == step.target_eid]
            target = found[0] if found else IGNORE
        elif step.target_match != "absent":
            # The action had a target the observation did not show (or a desktop point):
            # which candidate it was is unknown, and it was not "no element".
            target = IGNORE
        start = end = copy = option = vocab = IGNORE
        value = step.value
        if value is not None and step.op in TYPE_OPS:
            span = tx.find_span(step.task, value)
            if span is not None and span[1] < len(tokens) and span[1] - span[0] < self.cfg.max_span:
                start, end, copy = span[0], span[1], 1
            else:
                copy = 0
        if value is not None and step.op == "SELECT" and target > 0:
            hits = [j for j, o in enumerate(options) if opt_owner[j] == target and o == value]
            if not hits:
                norm = tx.normalise(value)
                hits = [
                    j
                    for j, o in enumerate(options)
                    if opt_owner[j] == target and tx.normalise(o) == norm
                ]
            option = hits[0] if hits else IGNORE
        if step.op not in NO_VALUE_OPS and step.op != "SELECT" and copy != 1:
            vocab = self._value_index.get(value, IGNORE) if value is not None else 0
        return {
            "op": op,
            "target": target,
            "start": start,
            "end": end,
            "copy": copy,
            "option": option,
            "vocab": vocab,
        }


# ----------------------------------------------------------------------------- batches


@dataclass(frozen=True, slots=True)
class Batch:
    """Padded tensors of a list of :class:`Features` (``*_mask`` true where real)."""

    task_ids: torch.Tensor
    task_feats: torch.Tensor
    task_mask: torch.Tensor
    hist_ids: torch.Tensor
    hist_ops: torch.Tensor
    hist_mask: torch.Tensor
    el_text: torch.Tensor
    el_kind: torch.Tensor
    el_feats: torch.Tensor
    el_mask: torch.Tensor
    opt_ids: torch.Tensor
    opt_owner: torch.Tensor
    opt_feats: torch.Tensor
    opt_mask: torch.Tensor
    opt_occ: torch.Tensor
    """``[B, O, T]``: for each option, equal weights on the task tokens that name it."""
    op: torch.Tensor
    target: torch.Tensor
    start: torch.Tensor
    end: torch.Tensor
    copy: torch.Tensor
    option: torch.Tensor
    vocab: torch.Tensor
    span_feats: torch.Tensor
    """``[B, 1 + elements, tokens, N_SPAN_FEATURES]``: :attr:`Features.span_hits` per
    candidate (candidate 0, no element, has none)."""
    task_vec: torch.Tensor | None = None
    el_vec: torch.Tensor | None = None

    def to(self, device: torch.device) -> Batch:
        moved: dict[str, Any] = {
            f.name: None if getattr(self, f.name) is None else getattr(self, f.name).to(device)
            for f in fields(self)
        }
        return Batch(**moved)


def _bags(rows: Sequence[Sequence[tuple[int, ...]]], min_len: int = 1) -> torch.Tensor:
    """``[B, L, K]`` ids, 0-padded, from per-row lists of id tuples."""
    length = max(min_len, max((len(r) for r in rows), default=0))
    width = max((len(bag) for r in rows for bag in r), default=1)
    out = np.zeros((len(rows), length, max(width, 1)), dtype=np.int64)
    for b, row in enumerate(rows):
        for i, bag in enumerate(row):
            out[b, i, : len(bag)] = bag
    return torch.from_numpy(out)


def _floats(
    rows: Sequence[Sequence[tuple[float, ...]]], dim: int, min_len: int = 1
) -> torch.Tensor:
    length = max(min_len, max((len(r) for r in rows), default=0))
    out = np.zeros((len(rows), length, dim), dtype=np.float32)
    for b, row in enumerate(rows):
        if row:
            out[b, : len(row)] = row
    return torch.from_numpy(out)


def _ints(rows: Sequence[Sequence[int]], min_len: int = 1) -> tuple[torch.Tensor, torch.Tensor]:
    length = max(min_len, max((len(r) for r in rows), default=0))
    out = np.zeros((len(rows), length), dtype=np.int64)
    mask = np.zeros((len(rows), length), dtype=bool)
    for b, row in enumerate(rows):
        out[b, : len(row)] = row
        mask[b, : len(row)] = True
    return torch.from_numpy(out), torch.from_numpy(mask)


def _mask(rows: Sequence[Sequence[object]], min_len: int = 1) -> torch.Tensor:
    length = max(min_len, max((len(r) for r in rows), default=0))
    mask = np.zeros((len(rows), length), dtype=bool)
    for b, row in enumerate(rows):
        mask[b, : len(row)] = True
    return torch.from_numpy(mask)


def _span_feats(items: Sequence[Features]) -> torch.Tensor:
    tokens = max(1, max((len(f.task_ids) for f in items), default=0))
    candidates = 1 + max(1, max((len(f.span_hits) for f in items), default=0))
    out = np.zeros((len(items), candidates, tokens, N_SPAN_FEATURES), dtype=np.float32)
    for b, f in enumerate(items):
        for i, hits in enumerate(f.span_hits):
            for feature, positions in enumerate(hits):
                out[b, i + 1, list(positions), feature] = 1.0
    return torch.from_numpy(out)


def _occurrences(items: Sequence[Features]) -> torch.Tensor:
    tokens = max(1, max((len(f.task_ids) for f in items), default=0))
    options = max(1, max((len(f.opt_spans) for f in items), default=0))
    out = np.zeros((len(items), options, tokens), dtype=np.float32)
    for b, f in enumerate(items):
        for j, positions in enumerate(f.opt_spans):
            if positions:
                out[b, j, list(positions)] = 1.0 / len(positions)
    return torch.from_numpy(out)


def collate(items: Sequence[Features], table: torch.Tensor | None = None) -> Batch:
    """One batch of padded tensors; ``table`` holds the sentence vectors, if any."""
    hist_ops, hist_mask = _ints([f.hist_ops for f in items])
    opt_owner, opt_mask = _ints([f.opt_owner for f in items])

    def label(name: str) -> torch.Tensor:
        return torch.tensor([getattr(f, name) for f in items], dtype=torch.long)

    return Batch(
        task_ids=_bags([f.task_ids for f in items]),
        task_feats=_floats([f.task_feats for f in items], N_TOKEN_FEATURES),
        task_mask=_mask([f.task_ids for f in items]),
        hist_ids=_bags([f.hist_ids for f in items]),
        hist_ops=hist_ops,
        hist_mask=hist_mask,
        el_text=_bags([f.el_text for f in items]),
        el_kind=_bags([f.el_kind for f in items]),
        el_feats=_floats([f.el_feats for f in items], N_ELEMENT_FEATURES),
        el_mask=_mask([f.el_text for f in items]),
        opt_ids=_bags([f.opt_ids for f in items]),
        opt_owner=opt_owner,
        opt_feats=_floats([f.opt_feats for f in items], N_OPTION_FEATURES),
        opt_mask=opt_mask,
        opt_occ=_occurrences(items),
        op=label("op"),
        target=label("target"),
        start=label("start"),
        end=label("end"),
        copy=label("copy"),
        option=label("option"),
        vocab=label("vocab"),
        span_feats=_span_feats(items),
        task_vec=table[label("task_vec")] if table is not None else None,
        el_vec=table[_ints([f.el_vec for f in items])[0]] if table is not None else None,
    )
