"""Using a trained model: the next action of each example, as operation, eid and value.

The model's indices are mapped back to the observation: the chosen candidate to its ``eid``
(candidate 0 is "no element"), a copied span to the characters of the task, an option index
to the option's text, a vocabulary index to the value. Which value part counts depends on
the predicted operation: none for clicks and submits, the span (or the vocabulary, when the
copy gate says so) for ``TYPE``, the option for ``SELECT``, the vocabulary for the rest.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch

from workprint.train import _text as tx
from workprint.train.checkpoint import Trained
from workprint.train.data import NO_VALUE_OPS, Example
from workprint.train.features import Features, Featurizer, collate
from workprint.train.metrics import Act
from workprint.train.model import OPS, Prediction
from workprint.train.pretrained import SentenceVectors


def decode(
    pred: Prediction, row: int, feats: Features, task: str | None, values: Sequence[str]
) -> Act:
    """Row ``row`` of a batch prediction as an :class:`Act`."""
    candidate = int(pred.candidate[row])
    eid = feats.eids[candidate - 1] if 0 < candidate <= len(feats.eids) else None
    op = OPS[int(pred.op[row])]
    vocab = int(pred.vocab[row])
    from_vocab = values[vocab - 1] if 0 < vocab <= len(values) else None
    value: str | None
    if op in NO_VALUE_OPS:
        value = None
    elif op == "TYPE" and bool(pred.copy[row]) and task:
        tokens = tx.tokenize(task)
        first, last = int(pred.start[row]), int(pred.end[row])
        value = tx.span_text(task, tokens, first, last) if last < len(tokens) else from_vocab
    elif op == "SELECT" and bool(pred.option_valid[row]):
        option = int(pred.option[row])
        value = feats.options[option] if option < len(feats.options) else from_vocab
    else:
        value = from_vocab
    return Act(op, eid, value)


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
    out: list[Act] = []
    for start in range(0, len(features), batch_size):
        chunk = features[start : start + batch_size]
        pred = trained.model.predict(collate(chunk, table).to(dev))
        for row, feats in enumerate(chunk):
            task = items[start + row].step.task
            out.append(decode(pred, row, feats, task, trained.values))
    return out
