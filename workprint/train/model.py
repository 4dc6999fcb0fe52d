"""The next-action model: given the task, the actions so far and the page, the next action.

A small model in one file, after nanoGPT's layout (config dataclass, modules, one model
class). It predicts, as MindAct does, by ranking rather than generating:

* **element**: every element of the observation (and a "no element" candidate, for
  ``NAVIGATE`` or ``SCROLL``) is scored against the task and history; a softmax over the
  candidates picks one;
* **operation**: a classifier over :data:`OPS`, given the context and the chosen element;
* **value**, by pointing, never by free generation: for ``TYPE`` the start and end token of
  a span of the task text (or, when a copy gate says the text is not in the task, an entry
  of a small value vocabulary); for ``SELECT`` one of the chosen element's options; for
  ``KEY``, ``SCROLL`` and ``NAVIGATE`` an entry of the value vocabulary.

Text is read by a small encoder learned from scratch: hashed word and character-trigram
embeddings (one :class:`torch.nn.EmbeddingBag`), a transformer over the task tokens and
previous actions, and transformer layers over the elements that attend to that context.
Optionally, sentence vectors from a frozen pretrained encoder are added to the task and
element inputs (``text_encoder = "minilm"``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final, Literal

import torch
import torch.nn.functional as F
from torch import nn

if TYPE_CHECKING:
    from workprint.train.features import Batch

OPS: Final = (
    "CLICK",
    "TYPE",
    "SELECT",
    "KEY",
    "SCROLL",
    "NAVIGATE",
    "SUBMIT",
    "DOUBLE_CLICK",
    "RIGHT_CLICK",
    "DRAG",
    "END",
)
N_ELEMENT_FEATURES: Final = 12
N_TOKEN_FEATURES: Final = 7
N_OPTION_FEATURES: Final = 3
N_SPAN_FEATURES: Final = 3
_NEG: Final = -1e4
SPAN_CHOICES: Final = 32
OPTION_CHOICES: Final = 4
"""How many of the likeliest options of the chosen list a prediction ranks."""
"""How many of the likeliest copy spans a prediction lists."""
"""Logit of a masked position (finite, so rows with no valid label never make NaN)."""


@dataclass(frozen=True, slots=True)
class ModelConfig:
    """Sizes of the model and of what it reads (the ``[model]`` table of a train config)."""

    buckets: int = 1 << 14
    """Hash buckets shared by words and character trigrams (id 0 is padding)."""
    dim: int = 64
    """Width of every hidden state."""
    heads: int = 4
    """Attention heads (``dim`` must be a multiple)."""
    context_layers: int = 2
    """Transformer layers over task tokens and previous actions."""
    element_layers: int = 2
    """Transformer layers over the elements (self-attention plus attention to the context)."""
    ffn_mult: int = 2
    """Width of the transformer feed-forward layers, in multiples of ``dim``."""
    dropout: float = 0.0
    """Dropout in the transformer layers while training."""
    max_task_tokens: int = 64
    """Task tokens read (the rest is cut)."""
    token_limit: int = 12
    """Ids per task token (the word, then its trigrams)."""
    max_history: int = 8
    """Previous actions read (the most recent)."""
    max_elements: int = 256
    """Elements of an observation scored (the first ones in document order)."""
    max_options: int = 128
    """Options of all the elements of one observation read, together."""
    text_limit: int = 48
    """Ids per element text bag."""
    value_vocab: int = 64
    """Values (keys, scroll amounts, addresses, uncopyable text) the value head knows."""
    max_span: int = 24
    """Longest copied span, in task tokens."""
    text_encoder: Literal["hashed", "minilm"] = "hashed"
    """``minilm`` adds frozen pretrained sentence vectors of the task and of each element."""
    pretrained_dim: int = 384
    """Width of the pretrained sentence vectors."""

    def __post_init__(self) -> None:
        if self.dim % self.heads:
            raise ValueError("model.dim must be a multiple of model.heads")
        for name in ("buckets", "dim", "max_task_tokens", "max_elements", "max_span"):
            if getattr(self, name) < 2:
                raise ValueError(f"model.{name} must be at least 2")
        if not 0.0 <= self.dropout < 1.0:
            raise ValueError("model.dropout must be in [0, 1)")


@dataclass(frozen=True, slots=True)
class Encoded:
    """The model's reading of a batch: context, task tokens, candidates and their scores."""

    context: torch.Tensor  # [B, 1 + T + H, d]
    context_mask: torch.Tensor  # [B, 1 + T + H]
    summary: torch.Tensor  # [B, d]
    tokens: torch.Tensor  # [B, T, d]
    candidates: torch.Tensor  # [B, 1 + N, d]; candidate 0 is "no element"
    element_logits: torch.Tensor  # [B, 1 + N]


@dataclass(frozen=True, slots=True)
class Heads:
    """Operation and value logits given one chosen candidate per row."""

    op: torch.Tensor  # [B, len(OPS)]
    start: torch.Tensor  # [B, T]
    end: torch.Tensor  # [B, T]
    copy: torch.Tensor  # [B]
    option: torch.Tensor  # [B, O]
    vocab: torch.Tensor  # [B, 1 + value_vocab]; entry 0 is "no value"


def _mlp(d_in: int, d_hidden: int, d_out: int) -> nn.Sequential:
    return nn.Sequential(nn.Linear(d_in, d_hidden), nn.GELU(), nn.Linear(d_hidden, d_out))


class NextActionModel(nn.Module):
    """Scores elements, then predicts the operation and value for the chosen one."""

    def __init__(self, cfg: ModelConfig) -> None:
        super().__init__()
        self.cfg = cfg
        d = cfg.dim
        self.bag = nn.EmbeddingBag(cfg.buckets, d, mode="mean", padding_idx=0)
        self.position = nn.Embedding(cfg.max_task_tokens, d)
        self.recency = nn.Embedding(cfg.max_history, d)
        self.op_embedding = nn.Embedding(len(OPS) + 1, d)
        self.segment = nn.Embedding(3, d)  # summary slot, task token, previous action
        self.token_features = nn.Linear(N_TOKEN_FEATURES, d)
        layer = nn.TransformerEncoderLayer(
            d,
            cfg.heads,
            cfg.ffn_mult * d,
            cfg.dropout,
            activation="gelu",
            batch_first=True,
            norm_first=True,
        )
        self.context = nn.TransformerEncoder(layer, cfg.context_layers, enable_nested_tensor=False)
        self.element_in = _mlp(2 * d + N_ELEMENT_FEATURES, 2 * d, d)
        self.no_element = nn.Parameter(torch.zeros(d))
        cross = nn.TransformerDecoderLayer(
            d,
            cfg.heads,
            cfg.ffn_mult * d,
            cfg.dropout,
            activation="gelu",
            batch_first=True,
            norm_first=True,
        )
        self.elements = nn.TransformerDecoder(cross, cfg.element_layers)
        self.norm = nn.LayerNorm(d)
        self.element_score = _mlp(3 * d, d, 1)
        self.feature_score = nn.Linear(N_ELEMENT_FEATURES, 1)
        self.op_head = _mlp(2 * d, d, len(OPS))
        self.start_query = nn.Linear(2 * d, d)
        self.end_query = nn.Linear(2 * d, d)
        self.copy_head = _mlp(2 * d, d, 1)
        self.span_start = nn.Linear(N_SPAN_FEATURES, 1)
        self.span_end = nn.Linear(N_SPAN_FEATURES, 1)
        self.vocab_head = _mlp(2 * d, d, 1 + cfg.value_vocab)
        self.option_in = nn.Linear(d, d)
        self.option_context = nn.Linear(d, d)
        self.option_query = nn.Linear(2 * d, d)
        self.option_features = nn.Linear(N_OPTION_FEATURES, 1)
        if cfg.text_encoder == "minilm":
            self.task_vector = nn.Linear(cfg.pretrained_dim, d)
            self.element_vector = nn.Linear(cfg.pretrained_dim, d)
        self.apply(self._init)

    @staticmethod
    def _init(module: nn.Module) -> None:
        if isinstance(module, nn.Linear):
            nn.init.normal_(module.weight, std=0.02)
            if module.bias is not None:
                nn.init.zeros_(module.bias)
        elif isinstance(module, nn.Embedding | nn.EmbeddingBag):
            nn.init.normal_(module.weight, std=0.02)
            if module.padding_idx is not None:
                with torch.no_grad():
                    module.weight[module.padding_idx].zero_()

    def _bags(self, ids: torch.Tensor) -> torch.Tensor:
        """``[B, L, K]`` ids -> ``[B, L, d]`` mean embeddings (all-padding bags give 0)."""
        b, length, k = ids.shape
        flat: torch.Tensor = self.bag(ids.reshape(b * length, k))
        return flat.reshape(b, length, -1)

    def encode(self, batch: Batch) -> Encoded:
        cfg = self.cfg
        b, t = batch.task_mask.shape
        h = batch.hist_mask.shape[1]
        dev = batch.task_mask.device
        tokens = self._bags(batch.task_ids) + self.token_features(batch.task_feats)
        tokens = tokens + self.position(torch.arange(t, device=dev)) + self.segment.weight[1]
        # How many actions ago each one was, from the row's own history (left-aligned, then
        # padding): 0 for the latest. Counting from the padded width made an example's
        # encoding depend on the longest history in its batch, so a model ran differently
        # alone (the agent) than in the batches it was trained and evaluated in.
        lengths = batch.hist_mask.sum(dim=1, keepdim=True)
        recency = (lengths - 1 - torch.arange(h, device=dev)).clamp(min=0) % cfg.max_history
        history = self._bags(batch.hist_ids) + self.op_embedding(batch.hist_ops)
        history = history + self.recency(recency) + self.segment.weight[2]
        summary = self.segment.weight[0].expand(b, 1, -1)
        if batch.task_vec is not None:
            summary = summary + self.task_vector(batch.task_vec).unsqueeze(1)
        context = torch.cat([summary, tokens, history], dim=1)
        ones = torch.ones(b, 1, dtype=torch.bool, device=dev)
        mask = torch.cat([ones, batch.task_mask, batch.hist_mask], dim=1)
        context = self.context(context, src_key_padding_mask=~mask)
        elements = self.element_in(
            torch.cat(
                [self._bags(batch.el_text), self._bags(batch.el_kind), batch.el_feats], dim=-1
            )
        )
        if batch.el_vec is not None:
            elements = elements + self.element_vector(batch.el_vec)
        candidates = torch.cat([self.no_element.expand(b, 1, -1), elements], dim=1)
        cand_mask = torch.cat([ones, batch.el_mask], dim=1)
        candidates = self.elements(
            candidates,
            context,
            tgt_key_padding_mask=~cand_mask,
            memory_key_padding_mask=~mask,
        )
        candidates = self.norm(candidates)
        top = self.norm(context[:, 0])
        pair = torch.cat(
            [candidates, top.unsqueeze(1).expand_as(candidates), candidates * top.unsqueeze(1)],
            dim=-1,
        )
        logits = self.element_score(pair).squeeze(-1)
        feats = torch.cat([torch.zeros_like(batch.el_feats[:, :1]), batch.el_feats], dim=1)
        logits = logits + self.feature_score(feats).squeeze(-1)
        logits = logits.masked_fill(~cand_mask, _NEG)
        return Encoded(context, mask, top, self.norm(context[:, 1 : 1 + t]), candidates, logits)

    def heads(self, enc: Encoded, batch: Batch, chosen: torch.Tensor) -> Heads:
        """Operation and value logits, given the candidate index chosen for each row."""
        rows = torch.arange(chosen.shape[0], device=chosen.device)
        joint = torch.cat([enc.summary, enc.candidates[rows, chosen]], dim=-1)
        scale = 1.0 / math.sqrt(self.cfg.dim)
        start = torch.einsum("btd,bd->bt", enc.tokens, self.start_query(joint)) * scale
        end = torch.einsum("btd,bd->bt", enc.tokens, self.end_query(joint)) * scale
        hints = batch.span_feats[rows, chosen.clamp(max=batch.span_feats.shape[1] - 1)]
        hints = hints[:, : start.shape[1]]
        start = start + self.span_start(hints).squeeze(-1)
        end = end + self.span_end(hints).squeeze(-1)
        usable = batch.task_mask
        if not self.training:
            # A placeholder of another contact entity never starts or ends a value typed
            # into this field (a phone number is not an e-mail address).
            usable = usable & ~(hints[..., 2] > 0)
        start = start.masked_fill(~usable, _NEG)
        end = end.masked_fill(~usable, _NEG)
        # An option is its own text plus what the task says where it names it: "should be in
        # X, not Y" names both stages, and only the context tells them apart.
        named = torch.einsum("bot,btd->bod", batch.opt_occ[:, :, : enc.tokens.shape[1]], enc.tokens)
        options = self.option_in(self._bags(batch.opt_ids)) + self.option_context(named)
        option = torch.einsum("bod,bd->bo", options, self.option_query(joint)) * scale
        option = option + self.option_features(batch.opt_feats).squeeze(-1)
        owned = batch.opt_mask & (batch.opt_owner == chosen.unsqueeze(1))
        option = option.masked_fill(~owned, _NEG)
        return Heads(
            op=self.op_head(joint),
            start=start,
            end=end,
            copy=self.copy_head(joint).squeeze(-1),
            option=option,
            vocab=self.vocab_head(joint),
        )

    def loss(self, batch: Batch) -> tuple[torch.Tensor, dict[str, float]]:
        """Training loss (teacher forcing: the heads see the true element) and its parts."""
        enc = self.encode(batch)
        chosen = batch.target.clamp(min=0)
        heads = self.heads(enc, batch, chosen)
        parts = {
            "element": _ce(enc.element_logits, batch.target),
            "op": _ce(heads.op, batch.op),
            "start": _ce(heads.start, batch.start),
            "end": _ce(heads.end, batch.end),
            "option": _ce(heads.option, batch.option),
            "vocab": _ce(heads.vocab, batch.vocab),
        }
        valid = batch.copy >= 0
        copy = (
            F.binary_cross_entropy_with_logits(heads.copy[valid], batch.copy[valid].float())
            if bool(valid.any())
            else heads.copy.sum() * 0.0
        )
        parts["copy"] = copy
        total = sum(parts.values(), torch.zeros((), device=chosen.device))
        return total, {k: float(v.detach()) for k, v in parts.items()}

    @torch.no_grad()
    def predict(self, batch: Batch, vocab_allowed: torch.Tensor | None = None) -> Prediction:
        """The most likely element, then operation and value parts for it."""
        enc = self.encode(batch)
        chosen = enc.element_logits.argmax(dim=-1)
        return self.prediction(self.heads(enc, batch, chosen), chosen, None, vocab_allowed)

    def prediction(
        self,
        heads: Heads,
        chosen: torch.Tensor,
        op: torch.Tensor | None = None,
        vocab_allowed: torch.Tensor | None = None,
    ) -> Prediction:
        """The value parts of ``heads`` for the chosen candidates, with the most likely
        operation (or ``op``, when given). ``vocab_allowed`` (``[len(OPS), 1 +
        value_vocab]``, true where an operation may take a vocabulary entry) keeps a key
        press from taking a scroll amount or an address."""
        ops = heads.op.argmax(dim=-1) if op is None else op
        vocab = heads.vocab
        if vocab_allowed is not None:
            vocab = vocab.masked_fill(~vocab_allowed[ops], 2 * _NEG)
        limit = self.cfg.max_span
        pair = heads.start.unsqueeze(2) + heads.end.unsqueeze(1)  # [B, start, end]
        t = pair.shape[1]
        idx = torch.arange(t, device=pair.device)
        allowed = (idx.unsqueeze(0) >= idx.unsqueeze(1)) & (
            idx.unsqueeze(0) - idx.unsqueeze(1) < limit
        )
        scores = pair.masked_fill(~allowed, 2 * _NEG).reshape(pair.shape[0], -1)
        ranked = scores.topk(min(SPAN_CHOICES, scores.shape[1]), dim=-1)
        flat = ranked.indices[:, 0]
        spans = torch.stack((ranked.indices // t, ranked.indices % t), dim=-1)
        spans = spans.masked_fill((ranked.values <= _NEG).unsqueeze(-1), -1)
        choices = heads.option.topk(min(OPTION_CHOICES, heads.option.shape[1]), dim=-1)
        options = choices.indices.masked_fill(choices.values <= _NEG / 2, -1)
        return Prediction(
            candidate=chosen,
            op=ops,
            start=flat // t,
            end=flat % t,
            copy=heads.copy > 0,
            option=heads.option.argmax(dim=-1),
            option_valid=heads.option.max(dim=-1).values > _NEG / 2,
            vocab=vocab.argmax(dim=-1),
            spans=spans,
            options=options,
        )


@dataclass(frozen=True, slots=True)
class Prediction:
    """Per-row indices; :mod:`workprint.train.evaluate` maps them back to eids and strings."""

    candidate: torch.Tensor
    op: torch.Tensor
    start: torch.Tensor
    end: torch.Tensor
    copy: torch.Tensor
    option: torch.Tensor
    option_valid: torch.Tensor
    vocab: torch.Tensor
    spans: torch.Tensor | None = None
    """``[B, SPAN_CHOICES, 2]``: the likeliest ``(start, end)`` spans, best first (``-1``
    where there are fewer): a decoder may skip a span the chosen field cannot take."""
    options: torch.Tensor | None = None
    """``[B, OPTION_CHOICES]``: the likeliest options of the chosen list, best first (``-1``
    where there are fewer): a decoder may skip the one already selected."""


def _ce(logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Mean cross-entropy over rows whose label is not ignored (0 when there are none)."""
    valid = target >= 0
    if not bool(valid.any()):
        return logits.sum() * 0.0
    return F.cross_entropy(logits[valid], target[valid])


def count_parameters(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())
