"""``workprint dataset ...``: build, show, status and rebuild, as a Typer sub-app.

Mounted by ``workprint/cli.py`` with ``app.add_typer(dataset_app, name="dataset")``. Every
failure is one line ``error: ...`` on stderr and exit status 1, never a traceback. The
pseudonym key comes from the ``[dataset]`` settings (``WORKPRINT_DATASET__PSEUDONYM_KEY``),
never from a flag, so it stays out of shell history and process lists.
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

from workprint.core.config import load_section, read_toml
from workprint.core.errors import WorkprintError

app = typer.Typer(
    help="Build training datasets from stored events, inspect them, keep their lineage.",
    no_args_is_help=True,
)
out = Console(soft_wrap=True)

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="Database URL (sqlite:///PATH or postgresql://HOST/DB). "
        "Default: the embedded SQLite file under the data directory.",
    ),
]
ConfigOption = Annotated[
    Path | None, typer.Option("--config", help="TOML settings file.", exists=False)
]
EngineOption = Annotated[
    str | None,
    typer.Option("--engine", help="Where steps are built: local or ray (default: setting)."),
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


@contextlib.contextmanager
def _engine(db: str | None, config: Path | None) -> Iterator[Any]:
    """The store named by ``--db`` (or the settings), at the current schema; disposed after."""
    from workprint.collector.config import CollectorConfig
    from workprint.store import migrate
    from workprint.store.engine import create_engine

    cfg = load_section(CollectorConfig, "collector", toml=read_toml(config), overrides={"db": db})
    engine = create_engine(cfg.db_url)
    try:
        migrate.require_current(engine)
        yield engine
    finally:
        engine.dispose()


def _settings(
    config: Path | None, engine_kind: str | None, engine: Any
) -> tuple[bytes, str, str | None]:
    from workprint.dataset.config import DatasetConfig, key_bytes
    from workprint.store.keys import server_key

    cfg = load_section(
        DatasetConfig, "dataset", toml=read_toml(config), overrides={"engine": engine_kind}
    )
    key = key_bytes(cfg, lambda: server_key(engine, PSEUDONYM_KEY_NAME))
    return key, cfg.engine, cfg.ray_address or None


PSEUDONYM_KEY_NAME = "dataset.pseudonym"


def _report(manifest: Any, where: Path) -> None:
    counts = manifest.counts
    out.print(
        f"built {manifest.version_id} in {where}: {counts['people']} people, "
        f"{counts['episodes']} episodes, {counts['steps']} steps",
        markup=False,
        highlight=False,
    )


@app.command("build")
def build(
    out_dir: Annotated[Path, typer.Option("--out", help="New folder for the dataset version.")],
    spec: Annotated[
        Path | None, typer.Option("--spec", help="Dataset spec (TOML); default: all defaults.")
    ] = None,
    engine_kind: EngineOption = None,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Build a dataset version from people with a live training grant."""
    from workprint.dataset.build import build_dataset
    from workprint.dataset.spec import DatasetSpec, load_spec

    with _errors():
        dataset_spec = load_spec(spec) if spec is not None else DatasetSpec()
        with _engine(db, config) as engine:
            key, kind, address = _settings(config, engine_kind, engine)
            manifest = build_dataset(
                engine,
                out_dir,
                dataset_spec,
                key=key,
                engine_kind="ray" if kind == "ray" else "local",
                ray_address=address,
            )
    _report(manifest, out_dir)


@app.command("show")
def show(
    folder: Annotated[Path, typer.Argument(help="A dataset folder.")],
    samples: Annotated[int, typer.Option(help="Sample steps to print.")] = 3,
) -> None:
    """Summarise a dataset folder (files checked against its manifest)."""
    from workprint.dataset.show import summarize

    with _errors():
        text = summarize(folder, samples=samples)
    sys.stdout.write(text)


@app.command("status")
def status(db: DbOption = None, config: ConfigOption = None) -> None:
    """Mark versions with erased or withdrawn members stale; list every version."""
    from workprint.dataset.lineage import check_status

    with _errors(), _engine(db, config) as engine:
        known = check_status(engine)
    table = Table(title="dataset versions")
    for column in ("version", "name", "status", "reason", "members", "superseded by", "folder"):
        table.add_column(column)
    for v in known:
        table.add_row(
            v.version_id,
            v.name,
            v.status,
            v.stale_reason or "",
            str(v.members),
            v.superseded_by or "",
            v.out_dir,
        )
    out.print(table)


@app.command("rebuild")
def rebuild(
    out_dir: Annotated[Path, typer.Option("--out", help="New folder for the rebuilt version.")],
    version: Annotated[
        str | None, typer.Option("--version", help="Version to rebuild (default: newest stale).")
    ] = None,
    engine_kind: EngineOption = None,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Rebuild a stale version without its erased or withdrawn members."""
    from workprint.dataset.lineage import rebuild as do_rebuild

    with _errors(), _engine(db, config) as engine:
        key, kind, address = _settings(config, engine_kind, engine)
        manifest = do_rebuild(
            engine,
            out_dir,
            key=key,
            version_id=version,
            engine_kind="ray" if kind == "ray" else "local",
            ray_address=address,
        )
    _report(manifest, out_dir)
