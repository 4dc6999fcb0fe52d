"""The model card (``MODEL_CARD.md``) and people-lineage (``lineage.json``) of a trained model.

The card says what the model is, what it learned from (dataset version, manifest hash,
datasheet), what it is for and not for, how it did on held-out people (with intervals) and
where it falls short. ``lineage.json`` lists the pseudonyms of the people whose data the
model was trained on, so that erasing one of them marks the model as needing a rebuild.
"""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path
from typing import Any, Final

from workprint.dataset.manifest import sha256_file
from workprint.train.checkpoint import MODEL, Trained
from workprint.train.metrics import METRICS
from workprint.train.model import count_parameters
from workprint.train.report import LABELS, metrics_rows

CARD: Final = "MODEL_CARD.md"
LINEAGE: Final = "lineage.json"

_INTENDED: Final = """\
- Suggesting the next step of a routine task in an internal web tool (which element, which
  operation, which value), for a person who confirms or corrects it.
- Research on workflow automation and computer-use agents, on pseudonymous data.
- Comparing models against the baselines on people the model has not seen."""

_OUT_OF_SCOPE: Final = """\
- Scoring, ranking or monitoring people: no per-person productivity, activity, speed or
  accuracy reports. The metrics here are aggregates over held-out people and must stay so.
- Inferring emotions, stress, engagement or any other state of a person.
- Decisions about people (hiring, pay, performance reviews, discipline).
- Acting without a person's confirmation on anything that cannot be undone.
- Tools and sites it was not trained on, without a new evaluation."""

_LIMITATIONS: Final = """\
- It sees the interactive elements of a page (names, roles, attributes), not pixels, and at
  most `max_elements` of them; an element beyond that cannot be chosen.
- Values are copied from the task text, chosen among a select's options or taken from a
  small vocabulary; text that is in none of these cannot be produced.
- People differ (search or browse, field order, Enter or click): the first steps of a
  task and a person's own habits are the hardest to predict.
- Evaluation uses the recorded previous actions (teacher forcing, as Mind2Web does);
  errors compound when the model acts on its own.
- Task text in datasets may carry redaction placeholders (`<EMAIL_1>`); the model copies
  them as they are."""


def model_id(folder: Path) -> str:
    """A content address of the trained weights: ``nam_`` and 20 hex digits."""
    return "nam_" + sha256_file(folder / MODEL)[:20]


def lineage(folder: Path, trained: Trained) -> dict[str, Any]:
    stamp = trained.dataset
    return {
        "model_id": model_id(folder),
        "model_sha256": sha256_file(folder / MODEL),
        "dataset": {
            "name": stamp.name,
            "version_id": stamp.version_id,
            "manifest_sha256": stamp.manifest_sha256,
        },
        "split": stamp.train_split,
        "people": sorted({*stamp.people, *(trained.init.people if trained.init else ())}),
        "warm_start": None
        if trained.init is None
        else {
            "name": trained.init.name,
            "version_id": trained.init.version_id,
            "manifest_sha256": trained.init.manifest_sha256,
        },
        "note": "the model is stale when any of these people is erased",
    }


def _metrics_section(doc: dict[str, Any] | None) -> list[str]:
    if doc is None:
        return ["Not evaluated yet: run `workprint eval`."]
    lines = [
        f"On the `{doc['split']}` split: {doc['people']} held-out people, {doc['episodes']} "
        f"episodes, {doc['steps']} steps. Intervals: 95% percentile bootstrap over people "
        f"({doc['interval']['resamples']} resamples).",
        "",
        "| system | " + " | ".join(LABELS[m] for m in METRICS) + " |",
        "|---|" + "---:|" * len(METRICS),
    ]
    lines += ["| " + " | ".join(row) + " |" for row in metrics_rows(doc)]
    if "model_vs_markov_step_sr" in doc:
        lines += ["", f"Model step success / Markov: {doc['model_vs_markov_step_sr']:.2f}x."]
    return lines


def render_card(
    folder: Path, trained: Trained, doc: dict[str, Any] | None, dataset_root: Path | None
) -> str:
    stamp, tcfg, mcfg = trained.dataset, trained.train_config, trained.model_config
    datasheet = "not available"
    if dataset_root is not None and (dataset_root / "datasheet.md").exists():
        datasheet = f"[datasheet.md]({os.path.relpath(dataset_root / 'datasheet.md', folder)})"
    settings = ", ".join(f"{k}={v}" for k, v in dataclasses.asdict(mcfg).items())
    lines = [
        f"# Model card: next-action model `{model_id(folder)}`",
        "",
        "## Model",
        "",
        "A next-action model for internal web tools (`workprint.train.model`): it ranks the "
        "elements of the page against the task and the actions so far, classifies the "
        "operation, and points at the value (a span of the task, an option, or a known "
        "value). Designs followed: Mind2Web/MindAct (element ranking, metrics), nanoGPT "
        "(code layout, schedule).",
        "",
        f"- parameters: {count_parameters(trained.model):,}",
        f"- text encoder: {mcfg.text_encoder}",
        f"- trained: {trained.step} steps, batch {tcfg.batch_size}, peak lr {tcfg.lr}, "
        f"seed {tcfg.seed}",
        f"- settings: {settings}",
        "",
        "## Data",
        "",
        f"- dataset: `{stamp.name}`, version `{stamp.version_id}`",
        f"- manifest SHA-256: `{stamp.manifest_sha256}`",
        f"- datasheet: {datasheet}",
        f"- trained on the `{stamp.train_split}` split: {len(stamp.people)} pseudonymous "
        f"people, listed in [{LINEAGE}]({LINEAGE}); nobody evaluated below is among them.",
        *(
            [
                f"- warm start: the weights began as those of a model trained on "
                f"`{trained.init.name}` version `{trained.init.version_id}` "
                f"({len(trained.init.people)} people, in [{LINEAGE}]({LINEAGE}) too)."
            ]
            if trained.init is not None
            else []
        ),
        "",
        "## Intended use",
        "",
        _INTENDED,
        "",
        "## Out-of-scope uses",
        "",
        _OUT_OF_SCOPE,
        "",
        "## Metrics",
        "",
        *_metrics_section(doc),
        "",
        "## Limitations",
        "",
        _LIMITATIONS,
        "",
        "## Lineage",
        "",
        f"[{LINEAGE}]({LINEAGE}) names the dataset version and the people the weights "
        "learned from. Erasing any of them makes this model stale: retrain it on a rebuilt "
        "dataset version.",
    ]
    return "\n".join(lines) + "\n"


def write_card(
    folder: Path | str,
    trained: Trained,
    doc: dict[str, Any] | None = None,
    dataset_root: Path | str | None = None,
) -> tuple[Path, Path]:
    """Write ``MODEL_CARD.md`` and ``lineage.json`` into the model's folder."""
    out = Path(folder)
    root = Path(dataset_root) if dataset_root is not None else None
    card = out / CARD
    card.write_text(render_card(out, trained, doc, root), encoding="utf-8")
    path = out / LINEAGE
    path.write_text(json.dumps(lineage(out, trained), indent=2, sort_keys=True) + "\n")
    return card, path
