"""``datasheet.md`` and its plots: the dataset described after "Datasheets for Datasets".

The sections follow Gebru et al. (motivation, composition, collection process,
preprocessing, uses, distribution, maintenance), filled from the build's aggregate counts;
nothing in it is per person. Plots are drawn with Matplotlib's Agg canvas directly (no
pyplot, no global backend switch) and saved without the software tag or dates, so the same
build draws the same bytes.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Final

import matplotlib
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from workprint.dataset._write import BuildStats
from workprint.dataset.format import DATASET_SCHEMA_VERSION
from workprint.dataset.spec import DatasetSpec

K_ANONYMITY: Final = 10
"""Aggregates over fewer people describe individuals (DESIGN.md, purpose lock)."""
PLOTS: Final = (
    "plots/episodes_per_app.png",
    "plots/episode_lengths.png",
    "plots/action_mix.png",
    "plots/redactions.png",
)
_RC: Final[dict[Any, Any]] = {
    "svg.hashsalt": "workprint",
    "font.family": "DejaVu Sans",
    "font.size": 9.0,
    "figure.dpi": 100.0,
    "axes.spines.top": False,
    "axes.spines.right": False,
}


def _bar(
    path: Path,
    title: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float]]],
    *,
    horizontal: bool = False,
) -> None:
    with matplotlib.rc_context(_RC):
        fig = Figure(figsize=(6.4, 3.6))
        FigureCanvasAgg(fig)
        ax = fig.add_subplot()
        ax.set_title(title)
        if not labels:
            ax.text(0.5, 0.5, "no data", ha="center", va="center", transform=ax.transAxes)
            ax.set_xticks([])
            ax.set_yticks([])
        else:
            positions = list(range(len(labels)))
            base = [0.0] * len(labels)
            for name, values in series:
                if horizontal:
                    ax.barh(positions, values, left=base, label=name)
                else:
                    ax.bar(positions, values, bottom=base, label=name)
                base = [b + v for b, v in zip(base, values, strict=True)]
            if horizontal:
                ax.set_yticks(positions, labels)
                ax.invert_yaxis()
            else:
                ax.set_xticks(positions, labels, rotation=30, ha="right")
            if len(series) > 1:
                ax.legend(frameon=False)
        fig.tight_layout()
        fig.savefig(path, format="png", metadata={"Software": None})


def _top(counter: Counter[str], n: int) -> list[tuple[str, int]]:
    return sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))[:n]


def _length_bins(lengths: Counter[int]) -> tuple[list[str], list[float]]:
    edges = [1, 2, 3, 5, 10, 20, 50, 100, 200, 500]
    labels: list[str] = []
    values: list[float] = []
    for lo, hi in zip(edges, [*edges[1:], None], strict=True):
        count = sum(c for n, c in lengths.items() if n >= lo and (hi is None or n < hi))
        labels.append(f"{lo}+" if hi is None else (str(lo) if hi == lo + 1 else f"{lo}-{hi - 1}"))
        values.append(float(count))
    while labels and values[-1] == 0:
        labels.pop()
        values.pop()
    return labels, values


def draw_plots(root: Path, stats: BuildStats) -> list[str]:
    """The four plots under ``root/plots``; returns their relative names."""
    (root / "plots").mkdir(exist_ok=True)
    apps = _top(stats.episodes_per_app, 15)
    _bar(
        root / PLOTS[0],
        "Episodes per application",
        [a for a, _ in apps],
        [("episodes", [float(c) for _, c in apps])],
        horizontal=True,
    )
    labels, values = _length_bins(stats.episode_steps)
    _bar(root / PLOTS[1], "Episode length (steps)", labels, [("episodes", values)])
    ops = _top(stats.ops, 20)
    _bar(
        root / PLOTS[2], "Action mix", [o for o, _ in ops], [("steps", [float(c) for _, c in ops])]
    )
    entities = sorted(set(stats.redactions_capture) | set(stats.redactions_build))
    _bar(
        root / PLOTS[3],
        "Redactions by entity",
        entities,
        [
            ("at capture", [float(stats.redactions_capture[e]) for e in entities]),
            ("at build", [float(stats.redactions_build[e]) for e in entities]),
        ],
    )
    return list(PLOTS)


def _table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out.extend("| " + " | ".join(str(c) for c in row) + " |" for row in rows)
    if not rows:
        out.append("| " + " | ".join(["(none)", *([""] * (len(header) - 1))]) + " |")
    return [*out, ""]


def render(
    spec: DatasetSpec,
    stats: BuildStats,
    *,
    version_id: str,
    spec_hash: str,
    policy_version: int,
    key_fingerprint: str,
) -> str:
    """The datasheet text (Markdown)."""
    people = sum(len(s.people) for s in stats.splits.values())
    episodes = sum(s.episodes for s in stats.splits.values())
    steps = sum(s.steps for s in stats.splits.values())
    lines = [
        f"# Datasheet: {spec.name}",
        "",
        f"Version `{version_id}`, spec `{spec_hash[:16]}`, dataset schema "
        f"{DATASET_SCHEMA_VERSION}. Sections after *Datasheets for Datasets* (Gebru et al., 2021).",
        "",
        "![Episodes per application](plots/episodes_per_app.png)",
        "",
        "## Motivation",
        "",
        "Demonstrations of people doing their everyday work in the organisation's own tools, "
        "for training and evaluating next-action models and computer-use agents. Built by "
        "`workprint dataset build` from the Workprint store of the organisation that runs the "
        "collector.",
        "",
        "## Composition",
        "",
        f"{steps} steps in {episodes} episodes of {people} people. A step is the observation "
        "before an action (the interactive elements on the page with their `eid`, or the "
        "window on the desktop), the earlier actions of its episode, and the action. People "
        "appear only as keyed pseudonyms; every split holds different people. "
        + (
            "A navigation that followed from an action (a link followed, a form submitted) "
            "is kept as a step of its own."
            if spec.followed_navigations
            else "A navigation that followed from an action (a link followed, a form "
            "submitted) is that action's effect, not a step of its own."
        )
        + (
            ""
            if spec.key_clicks
            else " So is the click a browser makes when a key activates a control (Enter in a "
            "form's field clicks its submit button): the key is the step."
        )
        + (
            " A task its person ended as done closes with a step `END` (no target, no "
            "value) observed on the page the task ended on."
            if spec.end_steps
            else ""
        ),
        "",
    ]
    lines += _table(
        ["split", "people", "episodes", "steps", "source events"],
        [
            (name, len(s.people), s.episodes, s.steps, s.source_events)
            for name, s in stats.splits.items()
        ],
    )
    if people < K_ANONYMITY:
        lines += [
            f"Fewer than {K_ANONYMITY} people: the aggregates on this page describe "
            "individuals. Keep it with the data, under the same access rules.",
            "",
        ]
    lines += _table(["operation", "steps"], _top(stats.ops, 20))
    lines += [
        "![Action mix](plots/action_mix.png)",
        "",
        "![Episode length](plots/episode_lengths.png)",
        "",
        f"{stats.labelled_episodes} of {episodes} episodes carry a task the person labelled; "
        "the others were cut by the episode rules and have no task text. How targets were "
        "found in the observation:",
        "",
    ]
    lines += _table(["match", "steps"], _top(stats.target_match, 10))
    lines += _table(["observation", "steps"], _top(stats.obs_kinds, 10))
    lines += [
        "## Collection process",
        "",
        "Captured on people's own computers by the Workprint desktop agent and browser SDK, "
        "under a capture consent grant, with text redacted on the device before it was "
        "stored. Only people with a live `training` consent grant when the build ran are "
        "included. Device clocks are corrected by the skew measured for each upload batch.",
        "",
        "## Preprocessing, cleaning and labelling",
        "",
        f"Redaction ran again on every text field under policy version {policy_version} "
        f"(defence in depth). {stats.events_read} stored events were read; "
        f"{stats.events_off} fell under mode `off` and were left out, "
        f"{stats.events_invalid} no longer met the event contract, and "
        f"{stats.redaction_errors} failed redaction and were dropped (fail closed).",
        "",
    ]
    entities = sorted(set(stats.redactions_capture) | set(stats.redactions_build))
    lines += _table(
        ["entity", "at capture", "at build"],
        [(e, stats.redactions_capture[e], stats.redactions_build[e]) for e in entities],
    )
    lines += ["![Redactions](plots/redactions.png)", "", "Episode rules:", ""]
    lines += _table(
        ["rule", "value"],
        [(f.name, getattr(spec.episodes, f.name)) for f in dataclasses.fields(spec.episodes)],
    )
    lines += [
        f"Episodes with fewer than {spec.min_steps} steps were left out "
        f"({stats.episodes_short}); "
        + (
            f"episodes without a task label were left out ({stats.episodes_unlabelled}); "
            if spec.labelled_only
            else ""
        )
        + f"{stats.held_out_dropped} episodes on held-out sites by "
        "people in `train` were left out to keep the cross-site split unseen.",
        "",
        "## Uses",
        "",
        "Intended: next-action prediction, workflow automation and computer-use agents, "
        "evaluated on held-out people. Not permitted: any per-person activity, productivity "
        "or timing assessment, inference of emotions, stress or engagement, or attempts to "
        "re-identify people or to recover redacted text.",
        "",
        "## Distribution",
        "",
        "Within the organisation, to people in the `researcher` role; exports beyond it need "
        "the privacy officer's approval. Files: Parquet tables `steps-*` and `episodes-*` per "
        "split, chat and trajectory JSONL, and `manifest.json` with the SHA-256 of every file.",
        "",
        "## Maintenance",
        "",
        "The version is registered in the store with its members. When a member erases their "
        "data or withdraws the training grant, `workprint dataset status` marks it stale and "
        "`workprint dataset rebuild` builds a version without them; delete stale copies. "
        f"Pseudonyms are keyed HMACs (key fingerprint `{key_fingerprint}`); the key stays "
        "with the collector.",
        "",
    ]
    return "\n".join(lines)
