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


def measured(data: Path, pace: Pace) -> tuple[list[str], dict[str, Any]]:
    dataset, model = data / "dataset", data / "model"
    ref = open_dataset(dataset)
    # In the order the evaluation scores them (by episode, then step).
    steps = [ex.step for ex in examples(read_split(ref, "test"))]
    result = evaluate(dataset, model if model.is_dir() else None, resamples=200).main
    systems = [result.model] if result.model else []
    systems += [b for b in result.baselines if b.name != "most_frequent"]
    doc = cl.versus(
        steps, {s.name: [step_correct(o) for o in s.outcomes] for s in systems}, pace=pace
    )
    names = ["oracle", *(s.name for s in systems)]

    def row(name: str, part: dict[str, Any]) -> str:
        cells = " | ".join(f"{part['step_sr'][n]:.1%}" for n in names)
        return f"| {name} | {part['steps']} | {cells} |"

    lines = [
        f"| family | steps | {' | '.join(names)} |",
        f"|---|---:|{'---:|' * len(names)}",
        row("(all)", doc),
        *(row(family, part) for family, part in doc["by_family"].items()),
    ]
    doc |= {"dataset": ref.version_id, "people": result.people}
    return lines, doc


def summary(doc: dict[str, Any]) -> list[str]:
    sr = doc["step_sr"]
    markov = sr["markov"]
    out = [
        f"Dataset `{doc['dataset']}`, `test` split: {doc['people']} held-out people, "
        f"{doc['episodes']} episodes, {doc['steps']} steps; the oracle's tree holds "
        f"{doc['covered']} of the {doc['episodes']} episodes step for step "
        f"({doc['credited']} steps off the tree, counted right); {doc['scrolls']} steps "
        f"are a look down the page (never the likelier next step).",
        "",
        f"- oracle (the ceiling): **{sr['oracle']:.1%}** = **{sr['oracle'] / markov:.2f}x** "
        f"Markov ({markov:.1%}); 2x Markov would be {2 * markov:.1%}.",
    ]
    if "model" in sr:
        out.append(
            f"- model: **{sr['model']:.1%}** = {sr['model'] / markov:.2f}x Markov, "
            f"{sr['model'] / sr['oracle']:.1%} of the oracle's step success."
        )
        for kind, what in (
            ("certain", "steps the family and the steps before settle (the oracle: all)"),
            ("coin", "steps a coin decides"),
        ):
            part = doc["kinds"].get(kind)
            if part:
                out.append(
                    f"- {part['steps']} {what}: oracle {part['step_sr']['oracle']:.1%}, "
                    f"model {part['step_sr']['model']:.1%}."
                )
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
        "--pace",
        choices=("quick", "full"),
        default="quick",
        help="the team's pace (workprint demo: quick, its brisk pace, in every run)",
    )
    parser.add_argument("--write-docs", action="store_true", help="update docs/models.md")
    args = parser.parse_args()
    pace = QUICK if args.pace == "quick" else Pace()
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        f"Written by `python bench/ceiling.py{' DATA' if args.data else ''}"
        f"{' --pace full' if args.pace == 'full' else ''} --write-docs` on {when} "
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
