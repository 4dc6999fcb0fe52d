"""The demo's report: ``report/index.html``, one page for the whole loop.

What was captured (events by kind, tasks by family, over the whole team), what was redacted
(placeholders by entity), the dataset (splits, datasheet, plots), the next-action model
against its baselines on held-out people (with 95% intervals and plots), the agent's task
success in the live CRM beside the best baseline's, and how to open the employee portal on
the demo's store. Only aggregates appear: never a person, an event or a value. The page is
self-contained (plots are copied beside it; the datasheet and model card are linked).
"""

from __future__ import annotations

import html
import os
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from rich.console import Console
from rich.table import Table

from workprint.demo import team
from workprint.demo.run import DemoResult

if TYPE_CHECKING:
    from workprint.demo.desktop import DesktopResult
from workprint.train.report import LABELS

METRICS: Final = ("step_sr", "element_acc", "op_f1", "task_sr")
_CSS: Final = """
body{font:15px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:64rem;color:#1b1f24;
padding:0 1rem}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.2rem;margin-top:2.2rem;
border-bottom:1px solid #d0d7de;padding-bottom:.3rem}
table{border-collapse:collapse;margin:.8rem 0}
th,td{padding:.3rem .7rem;border-bottom:1px solid #d0d7de;text-align:right}
th:first-child,td:first-child{text-align:left}
.ci{color:#57606a;font-size:.85em}.note{color:#57606a}img{max-width:100%}
.cards{display:flex;gap:1rem;flex-wrap:wrap;margin:1rem 0}
.card{border:1px solid #d0d7de;border-radius:8px;padding:.7rem 1rem;min-width:10rem}
.card b{display:block;font-size:1.5rem}.pass{color:#1a7f37}.miss{color:#cf222e}
code{background:#f6f8fa;padding:.1rem .3rem;border-radius:4px}
"""


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.1f}%"


def _cell(iv: dict[str, Any]) -> str:
    return (
        f'{_pct(iv.get("value"))} <span class="ci">'
        f"[{_pct(iv.get('low'))}, {_pct(iv.get('high'))}]</span>"
    )


def _table(head: list[str], rows: list[list[str]]) -> str:
    th = "".join(f"<th>{h}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows)
    return f"<table><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>"


def _copy_plots(folder: Path, source: Path, prefix: str) -> list[str]:
    names: list[str] = []
    for png in sorted(source.glob("*.png")):
        name = f"{prefix}{png.name}"
        shutil.copyfile(png, folder / name)
        names.append(name)
    return names


def _images(names: list[str]) -> str:
    return "".join(f'<p><img src="{html.escape(n)}" alt="{html.escape(n)}"></p>' for n in names)


def _card(label: str, value: str, note: str = "", ok: bool | None = None) -> str:
    cls = "" if ok is None else (' class="pass"' if ok else ' class="miss"')
    return f'<div class="card">{html.escape(label)}<b{cls}>{value}</b>{note}</div>'


def _rel(target: Path, folder: Path) -> str:
    return html.escape(os.path.relpath(target, folder))


def _capture(capture: DemoResult) -> list[str]:
    result = capture.team
    tasks = [
        [
            html.escape(family),
            str(result.done.get(family, 0)),
            str(result.abandoned.get(family, 0)),
            str(result.failed.get(family, 0)),
        ]
        for family in (*team.FAMILIES, *team.CHORES)
    ]
    kinds = sorted(capture.events_by_kind.items(), key=lambda kv: (-kv[1], kv[0]))
    events = [[html.escape(k), str(n)] for k, n in kinds]
    events.append(["<b>total</b>", f"<b>{sum(capture.events_by_kind.values())}</b>"])
    redacted = sorted(capture.redactions.items(), key=lambda kv: (-kv[1], kv[0]))
    return [
        "<h2>What was captured</h2>",
        f"<p>{result.people} consenting people (grants for capture and training) worked in "
        "Nexus CRM in Chromium, recorded by the Workprint browser SDK under a policy that "
        "records the CRM's origin in mode <code>redacted</code> and every other page in mode "
        "<code>off</code>. Counts are over the whole team.</p>",
        _table(["task family", "done", "abandoned", "failed"], tasks),
        _table(["event kind", "events stored"], events),
        "<h2>What was redacted</h2>",
        "<p>Before anything was stored, the SDK replaced detected values (e-mail addresses, "
        "phone numbers, card numbers, ...) in the browser, and the collector replaced the "
        "names of the CRM's people and customers from its directory. Passwords and card "
        "fields were never captured at all. Placeholders in the stored events:</p>",
        _table(["entity", "placeholders"], [[html.escape(e), str(n)] for e, n in redacted]),
    ]


def desktop_summary(result: DesktopResult | str) -> dict[str, Any]:
    """What ``metrics.json`` says of the desktop session: which kinds of events and which
    entities of placeholders arrived, that the password prompt was blocked and that nothing
    typed leaked; no counts (one person's activity is not a figure the demo reports). A
    string is why the session did not run."""
    if isinstance(result, str):
        return {"skipped": result}
    return {
        "kinds": sorted(k for k, n in result.events_by_kind.items() if n),
        "redacted_entities": sorted(e for e, n in result.redactions.items() if n),
        "secure_prompt_blocked": result.secure_prompt_blocked,
        "leaked": result.leaked,
    }


def _desktop(summary: dict[str, Any] | None) -> list[str]:
    if summary is None or "skipped" in summary:
        why = html.escape(summary["skipped"]) if summary else "not part of this run"
        return [
            "<h2>The desktop session</h2>",
            f'<p class="note">Not run ({why}). It needs Xvfb, openbox, xdotool, xterm, '
            "xedit and ssh-askpass; <code>./scripts/demo</code> installs them.</p>",
        ]
    kinds = ", ".join(f"<code>{html.escape(k)}</code>" for k in summary["kinds"])
    entities = ", ".join(f"<code>{html.escape(e)}</code>" for e in summary["redacted_entities"])
    blocked = "blocked" if summary["secure_prompt_blocked"] else "<b>not</b> recognised"
    return [
        "<h2>The desktop session</h2>",
        "<p>One more consenting person (capture consent only: the session is in no training "
        "data) wrote a call note in <code>xedit</code>, ran a command in <code>xterm</code> "
        "and answered an <code>ssh-askpass</code> password prompt on a private X display, "
        "recorded by the Workprint desktop agent into the same collector under the same "
        "policy (the two programs in mode <code>redacted</code>).</p>",
        f"<p>Kinds of events that arrived: {kinds or 'none'}. Placeholders in them: "
        f"{entities or 'none'}. The password prompt was {blocked} as secure input (nothing "
        "typed into it was recorded); events holding the note's phone number, e-mail address "
        f"or the password verbatim: <b>{summary['leaked']}</b>.</p>",
    ]


def _dataset(folder: Path, manifest: Any, dataset: Path) -> list[str]:
    rows = [
        [html.escape(name), str(len(s.people)), str(s.episodes), str(s.steps)]
        for name, s in sorted(manifest.splits.items())
    ]
    c = manifest.counts
    plots = _copy_plots(folder, dataset / "plots", "dataset-")
    return [
        "<h2>Dataset</h2>",
        f"<p>Version <code>{html.escape(manifest.version_id)}</code>: {c['people']} people "
        f"(keyed pseudonyms), {c['episodes']} labelled task episodes, {c['steps']} steps. "
        "Every split holds different people. "
        f'<a href="{_rel(dataset / "datasheet.md", folder)}">Datasheet</a> · '
        f'<a href="{_rel(dataset / "manifest.json", folder)}">manifest</a></p>',
        _table(["split", "people", "episodes", "steps"], rows),
        _images(plots),
    ]


def _model(folder: Path, model: Path, metrics: dict[str, Any]) -> list[str]:
    systems = [("model", metrics["model"]), *sorted(metrics["baselines"].items())]
    rows = [[html.escape(n)] + [_cell(m[k]) for k in METRICS] for n, m in systems]
    held = metrics["held_out"]
    ratio = metrics.get("model_vs_markov_step_sr")
    plots = _copy_plots(folder, model, "model-")
    return [
        "<h2>Next-action model on held-out people</h2>",
        f"<p>{held['people']} people ({held['episodes']} episodes) the model never saw. "
        "Intervals: 95% percentile bootstrap over people. Step success needs the element, "
        "the operation and the value right; task success needs every step of an episode "
        f'right. <a href="{_rel(model / "MODEL_CARD.md", folder)}">Model card</a> · '
        f'<a href="{_rel(model / "report.html", folder)}">full evaluation</a></p>',
        _table(["system"] + [LABELS[k] for k in METRICS], rows),
        f"<p>Model step success / Markov baseline: <b>{ratio:.2f}x</b></p>"
        if ratio is not None
        else "",
        *_ceiling(metrics.get("ceiling")),
        _images(plots),
    ]


_CEILING_SYSTEMS: Final = ("oracle", "model", "markov", "nearest_neighbour")


def ceiling_line(ceiling: dict[str, Any] | None) -> str | None:
    """One sentence on the ceiling of step success, or None without one."""
    if not ceiling:
        return None
    sr = ceiling["step_sr"]
    line = f"Ceiling of step success on these steps: {_pct(sr['oracle'])}"
    if sr.get("markov"):
        line += f" ({sr['oracle'] / sr['markov']:.2f}x Markov)"
    if sr.get("model") is not None and sr["oracle"]:
        line += f"; the model reaches {sr['model'] / sr['oracle']:.0%} of it"
    return line + "."


def _ceiling(ceiling: dict[str, Any] | None) -> list[str]:
    line = ceiling_line(ceiling)
    if ceiling is None or line is None:
        return []
    names = [n for n in _CEILING_SYSTEMS if n in ceiling["step_sr"]]
    rows = [
        [html.escape(family), str(part["steps"]), *(_pct(part["step_sr"][n]) for n in names)]
        for family, part in [("all", ceiling), *ceiling["by_family"].items()]
    ]
    return [
        f"<p>{html.escape(line)} The simulated people choose their way through a task (search "
        "or a list, Tab or a click, Enter or the button, the order of a form) by coin flips "
        "the whole team shares; the <i>oracle</i> knows everything but the coins and "
        "predicts the likelier side, so no system can expect to beat it "
        "(<code>bench/ceiling.py</code>, <code>docs/models.md</code>). Step success by task "
        "family:</p>",
        _table(["family", "steps", *names], rows),
    ]


def _agent(metrics: dict[str, Any]) -> list[str]:
    agent = metrics["agent"]
    systems = [("model (agent)", agent), *sorted(agent["baselines"].items())]
    rows = [
        [html.escape(n), str(s["tasks"]), str(s["succeeded"]), _cell(s["task_sr"])]
        for n, s in systems
    ]
    families = sorted({f for _, s in systems for f in s.get("by_family", {})})
    by_family = [
        [html.escape(n)]
        + [
            "{succeeded}/{tasks}".format(**s["by_family"][f]) if f in s["by_family"] else "-"
            for f in families
        ]
        for n, s in systems
    ]
    return [
        "<h2>The agent in the live CRM</h2>",
        "<p>The trained model drove Chromium through new tasks of the same families (records "
        "the team never touched), signed in as a CRM user, reading each page redacted exactly "
        "as the training data was; names and numbers it typed were turned back into real text "
        "only for the browser. It could act only on the CRM's origin and never typed into a "
        "password or card field. Whether a task was done is what the CRM's database shows, "
        "not what the agent claims. Intervals: 95% Wilson over tasks. The best baseline "
        f"offline ({html.escape(agent['best_baseline'])}) ran through other tasks of the same "
        "kind.</p>",
        _table(["system", "tasks", "done", "task success"], rows),
        _table(["system", *(html.escape(f) for f in families)], by_family),
    ]


def _portal(capture: DemoResult) -> list[str]:
    db = html.escape(capture.db_url)
    base = "http://127.0.0.1:8787/portal"
    pages = [
        ("me/timeline", "an employee's timeline: everything kept about them"),
        ("me/consent", "their consent, pause and resume"),
        ("me/export.json", "their export"),
        ("me/erase", "erasure, which marks datasets and models built on them stale"),
        ("po/policy", "the privacy officer's policy page"),
        ("po/audit", "the audit log"),
    ]
    items = "".join(
        f'<li><a href="{base}/{path}">{html.escape(path)}</a>: {html.escape(what)}</li>'
        for path, what in pages
    )
    return [
        "<h2>The employee portal</h2>",
        "<p>Everyone recorded can see, export, pause and erase what is kept about them. "
        "Give a team member a portal account on the demo's store, start the collector, and "
        "open the portal:</p>",
        f"<p><code>workprint account add alice --role employee --db {db}</code><br>"
        f"<code>workprint serve --db {db} --port 8787</code></p>",
        f"<ul>{items}</ul>",
    ]


def render(
    folder: Path,
    capture: DemoResult,
    manifest: Any,
    dataset: Path,
    model: Path,
    metrics: dict[str, Any],
) -> str:
    m, a = metrics["model"], metrics["agent"]
    ratio = metrics.get("model_vs_markov_step_sr")
    best = a["baselines"].get(a["best_baseline"], {}).get("task_sr", {})
    cards = "".join(
        [
            _card("events stored", str(sum(capture.events_by_kind.values()))),
            _card("placeholders", str(sum(capture.redactions.values()))),
            _card("dataset steps", str(manifest.counts["steps"])),
            _card(
                "model step success",
                _pct(m["step_sr"]["value"]),
                f" {ratio:.2f}x Markov" if ratio is not None else "",
                ok=(m["step_sr"]["value"] or 0) >= 0.7 and (ratio or 0) >= 2.0,
            ),
            _card(
                "agent task success",
                _pct(a["task_sr"]["value"]),
                f" best baseline {_pct(best.get('value'))}",
                ok=(a["task_sr"]["value"] or 0) >= 0.6,
            ),
        ]
    )
    seconds = metrics.get("seconds", {})
    stages = ", ".join(f"{html.escape(k)} {v:.0f} s" for k, v in seconds.items())
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    parts = [
        "<!doctype html><html lang=en><head><meta charset=utf-8>",
        f"<title>Workprint demo report</title><style>{_CSS}</style></head><body>",
        "<h1>Workprint demo report</h1>",
        f'<p class="note">Capture to trained model on one machine, {when}. Stages: {stages}.</p>',
        f'<div class="cards">{cards}</div>',
        *_capture(capture),
        *_desktop(metrics.get("desktop")),
        *_dataset(folder, manifest, dataset),
        *_model(folder, model, metrics),
        *_agent(metrics),
        *_portal(capture),
        "</body></html>",
    ]
    return "\n".join(p for p in parts if p) + "\n"


def write_report(
    folder: Path,
    capture: DemoResult,
    manifest: Any,
    dataset: Path,
    model: Path,
    metrics: dict[str, Any],
) -> Path:
    """Write ``index.html`` (and its plots) into ``folder``; return its path."""
    folder.mkdir(parents=True, exist_ok=True)
    index = folder / "index.html"
    index.write_text(render(folder, capture, manifest, dataset, model, metrics), "utf-8")
    return index


def print_summary(console: Console, metrics: dict[str, Any]) -> None:
    """The results table on the console (aggregates only)."""
    table = Table(title="held-out people (offline) and the live agent")
    table.add_column("system")
    for k in METRICS:
        table.add_column(LABELS[k], justify="right")
    table.add_column("agent task success", justify="right")

    def pct(iv: dict[str, Any] | None) -> str:
        return _pct(iv.get("value")) if iv else "-"

    agent = metrics["agent"]
    table.add_row("model", *(pct(metrics["model"][k]) for k in METRICS), pct(agent["task_sr"]))
    for name, m in sorted(metrics["baselines"].items()):
        live = agent["baselines"].get(name)
        table.add_row(name, *(pct(m[k]) for k in METRICS), pct(live["task_sr"]) if live else "-")
    console.print(table)
    ratio = metrics.get("model_vs_markov_step_sr")
    if ratio is not None:
        console.print(f"model step success / Markov: {ratio:.2f}x", highlight=False)
    line = ceiling_line(metrics.get("ceiling"))
    if line is not None:
        console.print(line, highlight=False)


def markdown(metrics: dict[str, Any]) -> str:
    """The results as Markdown (``report/summary.md``), for documentation: the offline table
    with intervals, the ratio to Markov, and the live agent's task success beside the
    baselines'."""

    def cell(iv: dict[str, Any] | None) -> str:
        if not iv or iv.get("value") is None:
            return "–"
        return f"{_pct(iv['value'])} [{_pct(iv.get('low'))}, {_pct(iv.get('high'))}]"

    held = metrics["held_out"]
    lines = [
        f"Offline, on {held['people']} held-out people ({held['episodes']} episodes); "
        "cells: value [95% interval, bootstrap over people].",
        "",
        "| system | " + " | ".join(LABELS[k] for k in METRICS) + " |",
        "|---|" + "---:|" * len(METRICS),
    ]
    systems = [("model", metrics["model"]), *sorted(metrics["baselines"].items())]
    lines += [f"| {n} | " + " | ".join(cell(m[k]) for k in METRICS) + " |" for n, m in systems]
    ratio = metrics.get("model_vs_markov_step_sr")
    if ratio is not None:
        lines += ["", f"Model step success / Markov: **{ratio:.2f}x**."]
    line = ceiling_line(metrics.get("ceiling"))
    if line is not None:
        lines += ["", line]
    agent = metrics["agent"]
    lines += [
        "",
        "Live, in Nexus CRM (new tasks, judged from the CRM's database; 95% Wilson interval "
        "over tasks):",
        "",
        "| system | tasks | done | task success |",
        "|---|---:|---:|---:|",
    ]
    live = [("model (agent)", agent), *sorted(agent["baselines"].items())]
    lines += [f"| {n} | {s['tasks']} | {s['succeeded']} | {cell(s['task_sr'])} |" for n, s in live]
    seconds = metrics.get("seconds", {})
    if seconds:
        lines += ["", "Stages (s): " + ", ".join(f"{k} {v:.0f}" for k, v in seconds.items()) + "."]
    return "\n".join(lines) + "\n"
