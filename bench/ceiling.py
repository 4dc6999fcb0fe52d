"""How far the demo's step success can go: the Bayes ceiling against the model and Markov.

Run it from the repository root::

    .venv/bin/python bench/ceiling.py                         # the simulator alone
    .venv/bin/python bench/ceiling.py DATA                    # a demo's data directory
    .venv/bin/python bench/ceiling.py DATA --write-docs       # also update docs/models.md

The simulated team (``workprint.demo._flows``) chooses its way through each task with coin
flips that are the same for everyone and drawn afresh for every task.
``workprint.demo.ceiling`` runs those flows against a page that only takes notes, over every
outcome of every coin, and gives the **oracle**: at each step, the likeliest next step given
the task's family, whether it will be abandoned and every step before it. No predictor can
expect to beat it; its share of right steps is the ceiling.

Without a folder it prints each family's expected ceiling. With the data directory of a
``workprint demo`` run (``DATA/dataset`` and ``DATA/model``), it also scores the oracle on
the dataset's held-out steps, evaluates the model and the baselines on the same steps
(``workprint.train.evaluate``), and prints, overall and by family: the oracle, the model
and Markov, the ratios the issue's target is about (model / Markov, against the most any
system could reach: oracle / Markov), and how many recorded episodes the oracle's tree
holds (a check that the notes match what the dataset recorded).
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from workprint.demo import ceiling as cl
from workprint.demo._human import QUICK, Pace
from workprint.demo._tasks import CHORES, FAMILIES
from workprint.train.data import examples, open_dataset, read_split
from workprint.train.evaluate import evaluate
from workprint.train.metrics import step_correct

DOCS = Path(__file__).resolve().parents[1] / "docs" / "models.md"
BLOCK = "ceiling-bench"


def expected(pace: Pace) -> list[str]:
    lines = [
        "| family | steps per task | ceiling (done) | ceiling (abandoned) |",
        "|---|---:|---:|---:|",
    ]
    for family in (*FAMILIES, *CHORES):
        done = cl.ceiling(family, pace=pace)
        gave_up = cl.ceiling(family, abandon=True, pace=pace)
        lines.append(f"| {family} | {done.steps:.1f} | {done.rate:.1%} | {gave_up.rate:.1%} |")
    return lines


def _rate(hits: int, n: int) -> str:
    return f"{hits / n:.1%}" if n else "-"


def measured(data: Path, pace: Pace) -> tuple[list[str], dict[str, Any]]:
    dataset, model = data / "dataset", data / "model"
    ref = open_dataset(dataset)
    # In the order the evaluation scores them (by episode, then step).
    steps = [ex.step for ex in examples(read_split(ref, "test"))]
    started = time.perf_counter()
    oracle = cl.oracle_on_steps(steps, pace=pace)
    oracle_s = time.perf_counter() - started
    result = evaluate(dataset, model if model.is_dir() else None, resamples=200).main
    systems = {s.name: s for s in ([result.model] if result.model else []) + result.baselines}
    markov = systems["markov"]
    rows: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    lucky = 0
    kinds: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    for i, o in enumerate(oracle):
        kind = (
            "certain" if o.odds is not None and o.odds > 0.999
            else "coin" if o.odds is not None
            else "scroll" if o.note == cl.SCROLL
            else "off"
        )  # fmt: skip
        kinds[kind]["oracle"][0] += o.right
        kinds[kind]["oracle"][1] += 1
        if "model" in systems:
            kinds[kind]["model"][0] += step_correct(systems["model"].outcomes[i])
            kinds[kind]["model"][1] += 1
        family = o.family or "(other)"
        for name in ("(all)", family):
            rows[name]["oracle"][0] += o.right
            rows[name]["oracle"][1] += 1
            for sname, system in systems.items():
                rows[name][sname][0] += step_correct(system.outcomes[i])
                rows[name][sname][1] += 1
        if "model" in systems and step_correct(systems["model"].outcomes[i]) and not o.right:
            lucky += 1
    episodes = {o.episode_id for o in oracle}
    off = {o.episode_id for o in oracle if o.credited}
    credited = sum(o.credited for o in oracle)
    scrolls = sum(o.note == cl.SCROLL for o in oracle)
    names = [n for n in ("model", "markov", "nearest_neighbour") if n in systems]
    lines = [
        f"| family | steps | oracle | {' | '.join(names)} |",
        f"|---|---:|---:|{'---:|' * len(names)}",
    ]
    for family in ("(all)", *sorted(k for k in rows if k != "(all)")):
        r = rows[family]
        n = r["oracle"][1]
        cells = " | ".join(_rate(*r[s]) for s in names)
        lines.append(f"| {family} | {n} | {_rate(*r['oracle'])} | {cells} |")
    total = rows["(all)"]
    oracle_sr = total["oracle"][0] / total["oracle"][1]
    markov_sr = total["markov"][0] / total["markov"][1]
    facts: dict[str, Any] = {
        "dataset": ref.version_id,
        "people": result.people,
        "episodes": len(episodes),
        "steps": len(oracle),
        "covered": len(episodes) - len(off),
        "credited": credited,
        "scrolls": scrolls,
        "oracle": oracle_sr,
        "markov": markov_sr,
        "oracle_vs_markov": oracle_sr / markov_sr if markov_sr else float("inf"),
        "oracle_seconds": oracle_s,
        "markov_fit": markov.table["step_sr"].as_dict(),
    }
    facts["kinds"] = {k: {n: tuple(v) for n, v in d.items()} for k, d in kinds.items()}
    if "model" in systems:
        model_sr = total["model"][0] / total["model"][1]
        facts |= {
            "model": model_sr,
            "model_vs_markov": model_sr / markov_sr if markov_sr else float("inf"),
            "model_of_oracle": model_sr / oracle_sr,
            "lucky": lucky,
        }
    return lines, facts


def summary(facts: dict[str, Any]) -> list[str]:
    out = [
        f"Dataset `{facts['dataset']}`, `test` split: {facts['people']} held-out people, "
        f"{facts['episodes']} episodes, {facts['steps']} steps; the oracle's tree holds "
        f"{facts['covered']} of the {facts['episodes']} episodes step for step "
        f"({facts['credited']} steps off the tree, counted right); {facts['scrolls']} steps "
        f"are a look down the page (never the likelier next step, so no system should "
        f"predict them).",
        "",
        f"- oracle (the ceiling): **{facts['oracle']:.1%}** = **{facts['oracle_vs_markov']:.2f}x** "
        f"Markov ({facts['markov']:.1%}); 2x Markov would be {2 * facts['markov']:.1%}.",
    ]
    if "model" in facts:
        out.append(
            f"- model: **{facts['model']:.1%}** = {facts['model_vs_markov']:.2f}x Markov, "
            f"{facts['model_of_oracle']:.1%} of the oracle's step success "
            f"({facts['lucky']} steps right where the oracle's likelier guess was wrong)."
        )
        kinds = facts["kinds"]
        for kind, what in (
            ("certain", "steps the family and the steps before settle (the oracle: all)"),
            ("coin", "steps a coin decides"),
        ):
            if kind in kinds:
                o_hits, n = kinds[kind]["oracle"]
                m_hits, _ = kinds[kind]["model"]
                out.append(f"- {n} {what}: oracle {o_hits / n:.1%}, model {m_hits / n:.1%}.")
    return out


def write_docs(text: str) -> None:
    doc = DOCS.read_text()
    begin, end = f"<!-- {BLOCK}:begin -->", f"<!-- {BLOCK}:end -->"
    if begin not in doc or end not in doc:
        raise SystemExit(f"{DOCS} has no {begin} ... {end} markers")
    block = f"{begin}\n{text.rstrip()}\n{end}"
    DOCS.write_text(
        re.sub(re.escape(begin) + r".*?" + re.escape(end), lambda _: block, doc, flags=re.S)
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data", type=Path, nargs="?", help="a demo's data directory")
    parser.add_argument(
        "--pace", choices=("full", "quick"), default="full", help="the demo run's pace"
    )
    parser.add_argument("--write-docs", action="store_true", help="update docs/models.md")
    args = parser.parse_args()
    pace = QUICK if args.pace == "quick" else Pace()
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        f"Written by `python bench/ceiling.py{' DATA' if args.data else ''}"
        f"{' --pace quick' if args.pace == 'quick' else ''} --write-docs` on {when} "
        f"({args.pace} pace).",
        "",
        "Expected, from the simulator (every path of every family, with its chance):",
        "",
        *expected(pace),
    ]
    if args.data is not None:
        if not (args.data / "dataset").is_dir():
            sys.exit(f"error: {args.data} has no dataset folder (run workprint demo first)")
        table, facts = measured(args.data, pace)
        lines += ["", "On the recorded held-out steps:", "", *table, "", *summary(facts)]
    text = "\n".join(lines)
    print(text)
    if args.write_docs:
        write_docs(text)


if __name__ == "__main__":
    main()
