"""Baselines the model must beat, each fitted on the training people only.

An action is compared by its *descriptor* (``role:label``, e.g. ``button:save contact``),
since eids are per snapshot; a predicted descriptor is mapped to the first element of the
current observation that has it (no such element: the prediction has no target).

* :class:`MostFrequent`: the most frequent (operation, descriptor, value) of the training
  steps whose element is on the page.
* :class:`Markov`: an n-gram model over action strings (``OP|descriptor``) of the episode so
  far, backing off to shorter contexts when a context was never seen or none of its
  continuations is on the page; the value is the most frequent one of that action.
* :class:`NearestNeighbour`: the training step most similar in TF-IDF cosine over task words,
  the descriptors on the page and the previous action, whose action fits the page; its
  operation, element (by descriptor) and value.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import Final, Protocol

import numpy as np

from workprint.dataset.format import StepRow
from workprint.train import _text as tx
from workprint.train.data import Example
from workprint.train.metrics import Act

_BOS: Final = "<s>"
_Key = tuple[str, str, str | None]  # op, descriptor ("" for no element), value


class Baseline(Protocol):
    """Fitted on training examples, then predicts one action per example."""

    name: str

    def fit(self, items: Sequence[Example]) -> None: ...

    def predict(self, items: Sequence[Example]) -> list[Act]: ...


def _key(ex: Example) -> _Key:
    s = ex.step
    target = s.target if s.target_eid is not None else None
    return s.op, tx.descriptor(target) if target is not None else "", s.value


def _symbol(op: str, descriptor: str) -> str:
    return f"{op}|{descriptor}"


def _page(step: StepRow) -> dict[str, int]:
    """descriptor -> eid of the first element with it."""
    out: dict[str, int] = {}
    for e in step.obs_elements:
        out.setdefault(tx.descriptor(e), e.eid)
    return out


def _place(key: _Key, page: dict[str, int]) -> Act | None:
    """The action on this page, or None when its element is not here."""
    op, desc, value = key
    if not desc:
        return Act(op, None, value)
    eid = page.get(desc)
    return Act(op, eid, value) if eid is not None else None


def _ranked(counts: Counter[_Key]) -> list[_Key]:
    return sorted(counts, key=lambda k: (-counts[k], k[0], k[1], k[2] or ""))


class MostFrequent:
    """The most frequent training action that fits the page."""

    name = "most_frequent"

    def __init__(self) -> None:
        self.ranked: list[_Key] = []

    def fit(self, items: Sequence[Example]) -> None:
        self.ranked = _ranked(Counter(_key(ex) for ex in items))

    def predict(self, items: Sequence[Example]) -> list[Act]:
        out = []
        for ex in items:
            page = _page(ex.step)
            act = next((a for k in self.ranked if (a := _place(k, page)) is not None), None)
            out.append(act or Act("CLICK", None, None))
        return out


class Markov:
    """An n-gram model of action strings with back-off (``order`` = n)."""

    name = "markov"

    def __init__(self, order: int = 3) -> None:
        if order < 1:
            raise ValueError("order must be at least 1")
        self.order = order
        self.next: dict[tuple[str, ...], Counter[_Key]] = defaultdict(Counter)
        self.fallback = MostFrequent()

    @staticmethod
    def _history(ex: Example) -> list[str]:
        return [_BOS] + [_symbol(a.op, a.descriptor) for a in ex.history]

    def fit(self, items: Sequence[Example]) -> None:
        self.next.clear()
        for ex in items:
            hist = self._history(ex)
            key = _key(ex)
            for k in range(self.order):
                context = tuple(hist[-k:]) if k else ()
                self.next[context][key] += 1
        self.fallback.fit(items)

    def predict(self, items: Sequence[Example]) -> list[Act]:
        out = []
        for ex in items:
            hist, page = self._history(ex), _page(ex.step)
            act = None
            for k in range(self.order - 1, -1, -1):
                counts = self.next.get(tuple(hist[-k:]) if k else ())
                if counts:
                    act = next((a for key in _ranked(counts) if (a := _place(key, page))), None)
                if act is not None:
                    break
            out.append(act or self.fallback.predict([ex])[0])
        return out


class NearestNeighbour:
    """The most similar training step (TF-IDF cosine) whose action fits the page."""

    name = "nearest_neighbour"

    def __init__(self, neighbours: int = 20) -> None:
        self.neighbours = neighbours
        self.vocab: dict[str, int] = {}
        self.idf = np.zeros(0)
        self.keys: list[_Key] = []
        self.postings: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        self.fallback = MostFrequent()

    @staticmethod
    def _terms(ex: Example) -> list[str]:
        s = ex.step
        terms = [f"t:{w}" for w in set(tx.words(s.task))]
        terms += [f"e:{d}" for d in {tx.descriptor(e) for e in s.obs_elements}]
        if ex.history:
            last = ex.history[-1]
            terms.append(f"p:{_symbol(last.op, last.descriptor)}")
        return terms

    def _vector(self, ex: Example) -> list[tuple[int, float]]:
        cols = sorted({self.vocab[t] for t in self._terms(ex) if t in self.vocab})
        weights = [float(self.idf[c]) for c in cols]
        norm = math.sqrt(sum(w * w for w in weights)) or 1.0
        return [(c, w / norm) for c, w in zip(cols, weights, strict=True)]

    def fit(self, items: Sequence[Example]) -> None:
        df: Counter[str] = Counter()
        for ex in items:
            df.update(set(self._terms(ex)))
        terms = sorted(df)
        self.vocab = {t: i for i, t in enumerate(terms)}
        n = len(items)
        self.idf = np.array([math.log((1 + n) / (1 + df[t])) + 1.0 for t in terms])
        self.keys = [_key(ex) for ex in items]
        rows: dict[int, list[int]] = defaultdict(list)
        weights: dict[int, list[float]] = defaultdict(list)
        for i, ex in enumerate(items):
            for col, w in self._vector(ex):
                rows[col].append(i)
                weights[col].append(w)
        self.postings = {
            col: (np.array(rows[col], dtype=np.int64), np.array(weights[col])) for col in rows
        }
        self.fallback.fit(items)

    def predict(self, items: Sequence[Example]) -> list[Act]:
        if not self.keys:
            return self.fallback.predict(items)
        out: list[Act] = []
        for ex in items:
            scores = np.zeros(len(self.keys))
            for col, w in self._vector(ex):
                idx, vals = self.postings[col]
                scores[idx] += w * vals
            order = np.argsort(-scores, kind="stable")[: self.neighbours]
            page = _page(ex.step)
            act = next((a for i in order if (a := _place(self.keys[int(i)], page))), None)
            out.append(act or self.fallback.predict([ex])[0])
        return out


def all_baselines() -> list[Baseline]:
    """One of each baseline, in report order."""
    return [MostFrequent(), Markov(), NearestNeighbour()]
