"""Training speed of the next-action model on each device, on the same dataset, in one run.

Run it from the repository root::

    .venv/bin/python bench/train_speed.py DATASET                    # cpu with 2 threads
    .venv/bin/python bench/train_speed.py DATASET --runs cpu:2,cuda  # and a GPU, if any
    .venv/bin/python bench/train_speed.py --combine A.json B.json --write-docs

Each run trains the model with the demo's settings (``--steps``, 1500 by default, the full
demo's) on the dataset's ``train`` people with the same seed, then evaluates it on the
held-out people, and reports the time to read and featurize the data, the time of the
optimizer steps alone, steps per second and the step success rate (the same model on every
device, up to floating-point order: the figures should agree to a point or so). The ratio
printed is each run's optimizer-loop speed against the first run's, on the same machine in
the same process: the first run is the reference (``cpu:2`` stands for the 2-core machine
the targets are set for). Before each timed run a few untimed steps (``--warmup``) let the
device start (CUDA's context and kernels, the allocator).

``--json FILE`` keeps the results; ``--combine`` renders several such files (from this
machine and from a GPU machine, say) into one section, and ``--write-docs`` puts it into
docs/models.md between the ``train-speed`` markers.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import platform
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))

from model import write_docs

from workprint.train.config import TrainConfig
from workprint.train.evaluate import evaluate
from workprint.train.loop import train
from workprint.train.model import ModelConfig

ROOT = Path(__file__).resolve().parents[1]
BLOCK = "train-speed"


def cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine() -> dict[str, Any]:
    gpu = torch.cuda.get_device_name(0) if torch.cuda.is_available() else None
    return {
        "cpu": cpu_name(),
        "cores": os.cpu_count(),
        "gpu": gpu,
        "python": platform.python_version(),
        "torch": torch.__version__,
        "load": round(os.getloadavg()[0], 1),
    }


def parse_run(spec: str) -> tuple[str, int]:
    """``cpu``, ``cpu:N`` (N PyTorch threads) or ``cuda``."""
    name, _, threads = spec.partition(":")
    if name not in ("cpu", "cuda") or (threads and not threads.isdigit()):
        raise SystemExit(f"bad run {spec!r}: cpu, cpu:N or cuda")
    if name == "cuda" and not torch.cuda.is_available():
        raise SystemExit("cuda was asked for, but PyTorch sees no CUDA device")
    return name, int(threads or 0)


def settings(pairs: list[str]) -> tuple[dict[str, Any], dict[str, Any]]:
    """``train.KEY=VALUE`` / ``model.KEY=VALUE`` pairs as keyword arguments of the two
    settings classes (values parsed as the field's type)."""
    out: dict[str, dict[str, Any]] = {"train": {}, "model": {}}
    kinds = {"train": TrainConfig, "model": ModelConfig}
    for pair in pairs:
        key, sep, raw = pair.partition("=")
        table, _, name = key.partition(".")
        fields = {f.name: f for f in dataclasses.fields(kinds.get(table, TrainConfig))}
        if not sep or table not in kinds or name not in fields:
            raise SystemExit(f"bad setting {pair!r}: train.KEY=VALUE or model.KEY=VALUE")
        kind = type(getattr(kinds[table](), name))
        out[table][name] = kind(raw) if kind is not bool else raw.lower() in ("1", "true")
    return out["train"], out["model"]


def one_run(
    dataset: Path, work: Path, spec: str, base: TrainConfig, mcfg: ModelConfig, warmup: int
) -> dict[str, Any]:
    device, threads = parse_run(spec)
    cfg = dataclasses.replace(base, device=device, threads=threads)
    if not threads:
        torch.set_num_threads(os.cpu_count() or 1)
    out = work / spec.replace(":", "-")
    if warmup:  # first use of a device (CUDA context, kernels, allocator) left out of the timing
        short = dataclasses.replace(cfg, steps=warmup, warmup_steps=0)
        train(dataset, work / f"warmup-{out.name}", train_config=short, model_config=mcfg)
    result = train(dataset, out, train_config=cfg, model_config=mcfg, progress=sys.stderr.isatty())
    ev = evaluate(dataset, out, resamples=cfg.bootstrap, seed=cfg.seed)
    assert ev.main.model is not None
    sr = ev.main.model.table["step_sr"].as_dict()
    row = {
        "run": spec,
        "device": device,
        "threads": torch.get_num_threads(),
        "steps": result.steps,
        "batch_size": cfg.batch_size,
        "dim": mcfg.dim,
        "setup_s": round(result.seconds - result.loop_seconds, 2),
        "loop_s": round(result.loop_seconds, 2),
        "steps_per_s": round(result.steps / result.loop_seconds, 2),
        "total_s": round(result.seconds, 2),
        "last_loss": round(result.last_loss, 4),
        "step_sr": sr,
        "dataset": ev.dataset.version_id,
    }
    print(
        f"{spec}: {row['steps']} steps, setup {row['setup_s']:.1f} s, optimizer steps "
        f"{row['loop_s']:.1f} s ({row['steps_per_s']:.1f}/s), step success "
        f"{sr['value']:.1%}",
        flush=True,
    )
    return row


def section(files: list[dict[str, Any]], command: str) -> str:
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [f"Written by `{command}` on {when}.", ""]
    for doc in files:
        m = doc["machine"]
        where = f"{m['cpu']}, {m['cores']} cores" + (f", {m['gpu']}" if m["gpu"] else "")
        first = doc["runs"][0]
        lines += [
            f"On {where} (Python {m['python']}, PyTorch {m['torch']}, load average "
            f"{m['load']} at the start); dataset `{first['dataset']}`, {first['steps']} "
            f"steps of {first['batch_size']} examples, model width {first['dim']}:",
            "",
            "| run | threads | setup | optimizer steps | steps/s | vs first run | step success |",
            "|---|---:|---:|---:|---:|---:|---:|",
        ]
        for r in doc["runs"]:
            sr = r["step_sr"]
            lines.append(
                f"| `{r['run']}` | {r['threads'] if r['device'] == 'cpu' else '-'} | "
                f"{r['setup_s']:.1f} s | {r['loop_s']:.1f} s | {r['steps_per_s']:.1f} | "
                f"{first['loop_s'] / r['loop_s']:.2f}x | {sr['value']:.1%} "
                f"[{sr['low']:.1%}, {sr['high']:.1%}] |"
            )
        lines.append("")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dataset", type=Path, nargs="?", help="a built dataset folder")
    parser.add_argument("--runs", default="cpu:2", help="comma-separated: cpu, cpu:N, cuda")
    parser.add_argument("--steps", type=int, default=1500, help="optimizer steps per run")
    parser.add_argument(
        "--set", action="append", default=[], help="train.KEY=VALUE or model.KEY=VALUE"
    )
    parser.add_argument("--warmup", type=int, default=10, help="untimed steps before each run")
    parser.add_argument("--json", type=Path, help="write the results here")
    parser.add_argument("--combine", type=Path, nargs="+", help="render these result files")
    parser.add_argument("--write-docs", action="store_true", help="update docs/models.md")
    args = parser.parse_args()
    command = "python bench/train_speed.py " + " ".join(sys.argv[1:])
    if args.combine:
        docs = [json.loads(p.read_text()) for p in args.combine]
    else:
        if args.dataset is None:
            raise SystemExit("name a dataset folder (or --combine result files)")
        train_set, model_set = settings(args.set)
        base = dataclasses.replace(TrainConfig(steps=args.steps), **train_set)
        mcfg = dataclasses.replace(ModelConfig(), **model_set)
        specs = [s.strip() for s in args.runs.split(",") if s.strip()]
        for spec in specs:
            parse_run(spec)
        mach = machine()
        runs: list[dict[str, Any]] = []
        with tempfile.TemporaryDirectory(prefix="wp-bench-speed-") as tmp:
            for spec in specs:
                runs.append(one_run(args.dataset, Path(tmp), spec, base, mcfg, args.warmup))
                if args.json:  # after each run: a run cut short still leaves the others
                    doc = {"machine": mach, "runs": runs}
                    args.json.write_text(json.dumps(doc, indent=2) + "\n")
        docs = [{"machine": mach, "runs": runs}]
    text = section(docs, command.strip())
    print(text)
    if args.write_docs:
        write_docs(ROOT / "docs" / "models.md", text, BLOCK)
        print("wrote docs/models.md")


if __name__ == "__main__":
    main()
