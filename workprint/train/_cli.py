"""``workprint train`` and ``workprint eval``: the training stage's commands.

``workprint/cli.py`` mounts the two functions as top-level commands::

    app.command("train")(train_command)
    app.command("eval")(eval_command)

(:data:`app` holds the same two commands, for tests and for ``python -m``). Every failure is
one line ``error: ...`` on stderr and exit status 1, never a traceback.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.table import Table

from workprint.core.errors import WorkprintError

app = typer.Typer(help="Train and evaluate next-action models.", no_args_is_help=True)
out = Console(soft_wrap=True)

DatasetOption = Annotated[
    Path, typer.Option("--dataset", help="Dataset folder (with manifest.json).")
]
DeviceOption = Annotated[
    str | None,
    typer.Option("--device", help="cpu, cuda, or auto (CUDA when available). Default: cpu."),
]


def _fail(message: str) -> NoReturn:
    """One line on stderr, then exit 1: the only way these commands report a failure."""
    sys.stderr.write(f"error: {' '.join(message.split())}\n")
    raise typer.Exit(1)


@contextlib.contextmanager
def _errors() -> Iterator[None]:
    try:
        yield
    except WorkprintError as exc:
        _fail(str(exc))


def _check_device(device: str | None) -> None:
    if device is not None and device not in ("cpu", "cuda", "auto"):
        raise typer.BadParameter("must be cpu, cuda or auto", param_hint="--device")


def _print_table(doc: dict[str, Any], folder: Path) -> None:
    from workprint.train.metrics import METRICS
    from workprint.train.report import LABELS, metrics_rows

    table = Table(title=f"held-out people ({doc['split']}): {doc['people']} people")
    table.add_column("system")
    for m in METRICS:
        table.add_column(LABELS[m], justify="right")
    for row in metrics_rows(doc):
        table.add_row(*row)
    out.print(table)
    if "model_vs_markov_step_sr" in doc:
        out.print(f"model step success / Markov: {doc['model_vs_markov_step_sr']:.2f}x")
    out.print(f"report: {folder / 'report.html'}", markup=False, highlight=False)


def train_command(
    dataset: DatasetOption,
    out_dir: Annotated[
        Path, typer.Option("--out", help="Folder for the model, its card and its report.")
    ],
    config: Annotated[
        Path | None, typer.Option("--config", help="TOML file with [train] and [model] tables.")
    ] = None,
    seed: Annotated[int | None, typer.Option("--seed", help="Seed (default: setting).")] = None,
    device: DeviceOption = None,
    resume: Annotated[
        bool, typer.Option("--resume", help="Continue from the checkpoint in --out.")
    ] = False,
    init_from: Annotated[
        Path | None,
        typer.Option(
            "--init-from",
            help="Start from the weights of the model in this folder (same model settings); "
            "its data joins the new model's lineage.",
        ),
    ] = None,
) -> None:
    """Train a next-action model on a dataset's training people, then evaluate it on its
    held-out people against the baselines (model.pt, metrics.json, report.html,
    MODEL_CARD.md, lineage.json)."""
    _check_device(device)
    with _errors():
        from workprint.train.card import write_card
        from workprint.train.checkpoint import load_trained
        from workprint.train.config import load_config
        from workprint.train.evaluate import evaluate
        from workprint.train.loop import train
        from workprint.train.report import write_report

        tcfg, mcfg = load_config(config, overrides={"seed": seed, "device": device})
        result = train(
            dataset,
            out_dir,
            train_config=tcfg,
            model_config=mcfg,
            resume=resume,
            progress=sys.stderr.isatty(),
            init_from=init_from,
        )
        out.print(
            f"trained {result.steps} steps in {result.seconds:.0f} s on {result.device}",
            highlight=False,
        )
        ev = evaluate(
            dataset,
            out_dir,
            split=tcfg.eval_split,
            resamples=tcfg.bootstrap,
            seed=tcfg.seed,
            device=tcfg.device,
        )
        doc = write_report(out_dir, ev)
        write_card(out_dir, load_trained(out_dir), doc, dataset)
    _print_table(doc, out_dir)


def eval_command(
    model: Annotated[Path, typer.Option("--model", help="Folder of a trained model.")],
    dataset: DatasetOption,
    out_dir: Annotated[
        Path, typer.Option("--out", help="Folder for metrics.json and report.html.")
    ],
    split: Annotated[str, typer.Option("--split", help="Held-out split.")] = "test",
    device: DeviceOption = None,
) -> None:
    """Evaluate a trained model and the baselines on a dataset's held-out people
    (metrics.json, report.html)."""
    _check_device(device)
    with _errors():
        from workprint.train.evaluate import evaluate
        from workprint.train.report import write_report

        ev = evaluate(dataset, model, split=split, device=device or "cpu")
        doc = write_report(out_dir, ev)
    _print_table(doc, out_dir)


app.command("train")(train_command)
app.command("eval")(eval_command)
