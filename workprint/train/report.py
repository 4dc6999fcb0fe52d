"""The evaluation as people read it: ``metrics.json``, and ``report.html`` with plots.

The page is plain HTML with inline CSS: the metric table of the model and every baseline with
95% intervals, the ratio of the model's step success to the Markov baseline's, and three
matplotlib plots written beside it as PNG (metrics with interval whiskers, step success by
task family, and the model's operation confusion). Only aggregates over people appear.
"""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Final

from workprint.train.evaluate import Evaluation, SplitResult, SystemResult, to_json
from workprint.train.metrics import METRICS, Interval, step_correct

LABELS: Final = {
    "step_sr": "step success",
    "element_acc": "element accuracy",
    "op_f1": "operation F1",
    "task_sr": "task success",
}
_CSS: Final = """
body{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:60rem;color:#1b1f24}
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem}
table{border-collapse:collapse;margin:1rem 0}
th,td{padding:.35rem .7rem;border-bottom:1px solid #d0d7de;text-align:right}
th:first-child,td:first-child{text-align:left}
.ci{color:#57606a;font-size:.85em}.note{color:#57606a}img{max-width:100%}
"""


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.1f}%"


def _cell(iv: Interval) -> str:
    return f'{_pct(iv.value)} <span class="ci">[{_pct(iv.low)}, {_pct(iv.high)}]</span>'


def _systems(result: SplitResult) -> list[SystemResult]:
    return ([result.model] if result.model else []) + result.baselines


def ratio_to_markov(result: SplitResult) -> float | None:
    """The model's step success rate over the Markov baseline's (None if undefined)."""
    markov = next((b for b in result.baselines if b.name == "markov"), None)
    if result.model is None or markov is None:
        return None
    top, bottom = result.model.table["step_sr"].value, markov.table["step_sr"].value
    return top / bottom if top is not None and bottom else None


def _plots(folder: Path, result: SplitResult, prefix: str) -> list[str]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names: list[str] = []
    systems = _systems(result)
    meta = {"Software": None}
    fig, ax = plt.subplots(figsize=(8, 3.6))
    width = 0.8 / max(1, len(systems))
    for i, s in enumerate(systems):
        xs = [j + i * width for j in range(len(METRICS))]
        vals = [s.table[m].value or 0.0 for m in METRICS]
        lows = [v - (s.table[m].low or v) for v, m in zip(vals, METRICS, strict=True)]
        highs = [(s.table[m].high or v) - v for v, m in zip(vals, METRICS, strict=True)]
        ax.bar(xs, vals, width, label=s.name, yerr=[lows, highs], capsize=3)
    ax.set_xticks([j + width * (len(systems) - 1) / 2 for j in range(len(METRICS))])
    ax.set_xticklabels([LABELS[m] for m in METRICS])
    ax.set_ylim(0, 1.15)
    ax.legend(fontsize=8, ncol=len(systems), loc="upper center")
    ax.set_title(f"{result.split}: {result.people} held-out people, 95% intervals")
    fig.tight_layout()
    names.append(f"{prefix}metrics.png")
    fig.savefig(folder / names[-1], dpi=110, metadata=meta)
    plt.close(fig)

    families = sorted({o.family for s in systems for o in s.outcomes})
    fig, ax = plt.subplots(figsize=(8, 3.6))
    for i, s in enumerate(systems):
        hits = dict.fromkeys(families, 0)
        counts = dict.fromkeys(families, 0)
        for o in s.outcomes:
            counts[o.family] += 1
            hits[o.family] += step_correct(o)
        xs = [j + i * width for j in range(len(families))]
        ax.bar(xs, [hits[f] / max(1, counts[f]) for f in families], width, label=s.name)
    ax.set_xticks([j + width * (len(systems) - 1) / 2 for j in range(len(families))])
    ax.set_xticklabels(families, rotation=30, ha="right", fontsize=8)
    ax.set_ylim(0, 1)
    ax.set_ylabel("step success")
    ax.legend(fontsize=8, ncol=len(systems))
    ax.set_title("step success by task family (first word of the task)")
    fig.tight_layout()
    names.append(f"{prefix}families.png")
    fig.savefig(folder / names[-1], dpi=110, metadata=meta)
    plt.close(fig)

    if result.model is not None:
        ops = sorted(
            {o.gold_op for o in result.model.outcomes} | {o.pred_op for o in result.model.outcomes}
        )
        grid = [[0] * len(ops) for _ in ops]
        for o in result.model.outcomes:
            grid[ops.index(o.gold_op)][ops.index(o.pred_op)] += 1
        fig, ax = plt.subplots(figsize=(5, 4.2))
        ax.imshow(grid, cmap="Blues")
        ax.set_xticks(range(len(ops)), ops, rotation=45, ha="right", fontsize=8)
        ax.set_yticks(range(len(ops)), ops, fontsize=8)
        for r, row in enumerate(grid):
            for c, n in enumerate(row):
                if n:
                    ax.text(c, r, str(n), ha="center", va="center", fontsize=7)
        ax.set_xlabel("predicted operation")
        ax.set_ylabel("true operation")
        ax.set_title("model: operation confusion")
        fig.tight_layout()
        names.append(f"{prefix}confusion.png")
        fig.savefig(folder / names[-1], dpi=110, metadata=meta)
        plt.close(fig)
    return names


def _section(folder: Path, result: SplitResult, title: str, prefix: str) -> list[str]:
    rows = "".join(
        f"<tr><td>{html.escape(s.name)}</td>"
        + "".join(f"<td>{_cell(s.table[m])}</td>" for m in METRICS)
        + "</tr>"
        for s in _systems(result)
    )
    ratio = ratio_to_markov(result)
    ratio_line = (
        f"<p>Model step success / Markov step success: <b>{ratio:.2f}x</b></p>"
        if ratio is not None
        else ""
    )
    images = "".join(
        f'<p><img src="{name}" alt="{html.escape(name)}"></p>'
        for name in _plots(folder, result, prefix)
    )
    return [
        f"<h2>{html.escape(title)}</h2>",
        f'<p class="note">{result.people} people, {result.episodes} episodes, '
        f"{result.steps} steps; none of these people is in the training data.</p>",
        "<table><thead><tr><th>system</th>"
        + "".join(f"<th>{LABELS[m]}</th>" for m in METRICS)
        + f"</tr></thead><tbody>{rows}</tbody></table>",
        ratio_line,
        images,
    ]


def render_html(folder: Path, ev: Evaluation) -> str:
    m = ev.dataset.manifest
    parts = [
        "<!doctype html><html lang=en><head><meta charset=utf-8>",
        f"<title>Next-action evaluation</title><style>{_CSS}</style></head><body>",
        "<h1>Next-action evaluation</h1>",
        f'<p class="note">Dataset {html.escape(m.name)} version '
        f"<code>{html.escape(m.version_id)}</code>. Intervals: 95% percentile bootstrap over "
        f"people ({ev.resamples} resamples, seed {ev.seed}). Element accuracy counts steps "
        "whose true action has a target element; operation F1 is Mind2Web's token F1 of "
        '"OP value"; step success needs element, operation and value right; task success '
        "needs every step of an episode right.</p>",
    ]
    parts += _section(folder, ev.main, f"Held-out people ({ev.main.split})", "")
    for name, result in ev.others.items():
        title = {"cross_site": "Held-out sites", "cross_task": "Held-out task families"}
        parts += _section(folder, result, f"{title.get(name, name)} ({name})", f"{name}-")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def write_report(folder: Path | str, ev: Evaluation) -> dict[str, Any]:
    """Write ``metrics.json``, ``report.html`` and its plots into ``folder``; return the
    metrics document."""
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    doc = to_json(ev)
    ratio = ratio_to_markov(ev.main)
    if ratio is not None:
        doc["model_vs_markov_step_sr"] = round(ratio, 4)
    (out / "metrics.json").write_text(json.dumps(doc, indent=2, sort_keys=True) + "\n")
    (out / "report.html").write_text(render_html(out, ev), encoding="utf-8")
    return doc


def metrics_rows(doc: dict[str, Any], systems: Sequence[str] | None = None) -> list[list[str]]:
    """Rows ``[system, metric cells...]`` of a ``metrics.json`` document (for tables)."""
    tables = {**({"model": doc["model"]} if "model" in doc else {}), **doc["baselines"]}
    rows = []
    for name in systems or list(tables):
        t = tables[name]
        cells = [
            f"{_pct(t[m]['value'])} [{_pct(t[m]['low'])}, {_pct(t[m]['high'])}]" for m in METRICS
        ]
        rows.append([name, *cells])
    return rows
