"""The ``workprint`` command line (Typer + Rich).

Every failure is one line on stderr naming the problem and what to do, and a non-zero exit;
never a traceback. This module and ``create_app`` are the only places that configure logging.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from typer.exceptions import TyperException

from workprint.capture._cli import app as agent_app
from workprint.collector.portal import _cli as gov
from workprint.core.config import load_section, read_toml
from workprint.core.errors import WorkprintError
from workprint.dataset._cli import app as dataset_app
from workprint.demo._run_task_cli import run_task_command
from workprint.train._cli import eval_command, train_command

app = typer.Typer(
    name="workprint",
    help="Consent-first capture of computer work, turned into training data for AI.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
events_app = typer.Typer(help="Inspect stored events.", no_args_is_help=True)
db_app = typer.Typer(help="Manage the database schema.", no_args_is_help=True)
policy_app = typer.Typer(help="Check and change the capture policy.", no_args_is_help=True)
app.add_typer(policy_app, name="policy")
app.add_typer(events_app, name="events")
app.add_typer(db_app, name="db")
app.add_typer(dataset_app, name="dataset")
app.add_typer(gov.audit_app, name="audit")
app.add_typer(gov.retention_app, name="retention")
app.add_typer(gov.account_app, name="account")
app.add_typer(gov.consent_app, name="consent")
app.command("erase")(gov.erase)
app.command("train")(train_command)
app.command("eval")(eval_command)
app.command("run-task")(run_task_command)
app.add_typer(agent_app, name="agent")

out = Console(soft_wrap=True)


def _fail(message: str, code: int) -> None:
    """One line on stderr, then exit: the only way the CLI reports a failure."""
    sys.stderr.write(f"error: {' '.join(message.split())}\n")
    sys.exit(code)


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


def _setup_logging(level: str = "INFO") -> None:
    logging.basicConfig(
        level=getattr(logging, level, logging.INFO),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )


def _collector_config(db: str | None, config: Path | None, **overrides: Any) -> Any:
    from workprint.collector.config import CollectorConfig

    return load_section(
        CollectorConfig, "collector", toml=read_toml(config), overrides={"db": db, **overrides}
    )


def _engine(db: str | None, config: Path | None = None, *, migrate: bool = True) -> Any:
    from workprint.store import migrate as migrations
    from workprint.store.engine import create_engine

    cfg = _collector_config(db, config)
    engine = create_engine(cfg.db_url, synchronous=cfg.sqlite_synchronous)
    if migrate:
        migrations.upgrade(engine)
    else:
        migrations.require_current(engine)
    return engine


@app.command()
def serve(
    db: DbOption = None,
    host: Annotated[str | None, typer.Option(help="Address to listen on.")] = None,
    port: Annotated[int | None, typer.Option(help="TCP port.")] = None,
    workers: Annotated[int, typer.Option(help="Worker processes (one per core).")] = 1,
    config: ConfigOption = None,
) -> None:
    """Run the collector (HTTP ingest service)."""
    from workprint.store import migrate as migrations
    from workprint.store.engine import create_engine

    cfg = _collector_config(db, config, host=host, port=port)
    _setup_logging(cfg.log_level)
    if cfg.auto_migrate:
        engine = create_engine(cfg.db_url)
        migrations.upgrade(engine)
        engine.dispose()
    if workers > 1:
        env = {
            "WORKPRINT_COLLECTOR__DB": cfg.db_url,
            "WORKPRINT_COLLECTOR__AUTO_MIGRATE": "false",
        }
        if config is not None:
            env["WORKPRINT_CONFIG"] = str(config)
        if cfg.ingest_threads == 0:
            # Several workers already keep the cores busy: one thread each (see the setting).
            env["WORKPRINT_COLLECTOR__INGEST_THREADS"] = "1"
        from workprint.collector.server import probe, supervise

        probe(cfg.host, cfg.port)  # a taken port is one line here, before the exec
        supervise(cfg.host, cfg.port, workers, env, cfg.log_level)
        return
    import uvicorn

    from workprint.collector.app import create_app
    from workprint.collector.portal import PortalConfig
    from workprint.governance.config import RetentionConfig

    toml = read_toml(config)
    app_ = create_app(
        cfg,
        portal=load_section(PortalConfig, "portal", toml=toml),
        retention=load_section(RetentionConfig, "retention", toml=toml),
    )
    uvicorn.run(app_, host=cfg.host, port=cfg.port, access_log=False, log_config=None)


@app.command()
def enroll(
    person: Annotated[str, typer.Argument(help="Person id (an employee id, not a name).")],
    consent: Annotated[
        bool, typer.Option("--consent", help="Record capture consent under the current notice.")
    ] = False,
    purpose: Annotated[
        list[str] | None,
        typer.Option(
            "--purpose",
            help="Also grant this purpose (training, evaluation); repeatable. Implies --consent.",
        ),
    ] = None,
    code: Annotated[
        bool,
        typer.Option(
            "--code",
            help="Print a one-time enrollment code (for the browser extension) instead of a "
            "device token.",
        ),
    ] = False,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Enroll a device for PERSON; prints {"device_id", "token"} as JSON (or {"code"})."""
    from workprint.collector.admin import create_code
    from workprint.collector.admin import enroll as do_enroll
    from workprint.governance.consent import Purpose

    purposes: list[Purpose] = []
    extra = purpose or []
    if consent or extra:
        purposes.append(Purpose.CAPTURE)
    for name in extra:
        try:
            purposes.append(Purpose(name))
        except ValueError:
            raise typer.BadParameter(
                f"unknown purpose {name!r}; use capture, training or evaluation",
                param_hint="--purpose",
            ) from None
    if code:
        one_time = create_code(_engine(db, config), person, purposes=purposes, actor="cli")
        out.print_json(json.dumps({"code": one_time}))
        return
    result = do_enroll(_engine(db, config), person, purposes=purposes, actor="cli")
    out.print_json(
        json.dumps(
            {"device_id": result.device_id, "token": result.token, "grants": list(result.grants)}
        )
    )


@events_app.command("count")
def events_count(db: DbOption = None, config: ConfigOption = None) -> None:
    """Print how many events (and quarantined events) are stored."""
    from workprint.store.events import count_events, count_quarantined

    engine = _engine(db, config, migrate=False)
    out.print_json(
        json.dumps({"events": count_events(engine), "quarantined": count_quarantined(engine)})
    )


@events_app.command("dump")
def events_dump(
    db: DbOption = None,
    config: ConfigOption = None,
    limit: Annotated[int | None, typer.Option(help="Stop after this many events.")] = None,
) -> None:
    """Write stored events as JSON lines (wire format v1) to stdout."""
    import msgspec

    from workprint.store.events import iter_event_rows
    from workprint.store.rows import row_to_wire

    engine = _engine(db, config, migrate=False)
    write = sys.stdout.buffer.write
    for n, row in enumerate(iter_event_rows(engine), start=1):
        write(msgspec.json.encode(row_to_wire(row)) + b"\n")
        if limit is not None and n >= limit:
            break
    sys.stdout.flush()


@db_app.command("upgrade")
def db_upgrade(db: DbOption = None, config: ConfigOption = None) -> None:
    """Apply pending schema migrations."""
    from workprint.store import migrate as migrations
    from workprint.store.engine import create_engine

    cfg = _collector_config(db, config)
    engine = create_engine(cfg.db_url)
    before = migrations.current_revision(engine)
    after = migrations.upgrade(engine)
    out.print(f"schema {before or 'empty'} -> {after}")


@policy_app.command("check")
def policy_check(
    file: Annotated[Path, typer.Argument(help="Policy TOML file.")],
) -> None:
    """Validate a policy file; errors name the line."""
    from workprint.privacy.policy import parse

    policy = parse(_read_text(file), name=str(file))
    out.print(f"{file}: valid policy version {policy.version}")


@policy_app.command("apply")
def policy_apply(
    file: Annotated[Path, typer.Argument(help="Policy TOML file.")],
    db: DbOption = None,
    config: ConfigOption = None,
    reason: Annotated[str | None, typer.Option(help="Why (kept in the audit log).")] = None,
) -> None:
    """Make a policy file the active version (its version must be above the active one)."""
    from workprint.governance import policies
    from workprint.privacy.policy import parse

    policy = parse(_read_text(file), name=str(file))
    policies.apply(_engine(db, config), policy, actor="cli", reason=reason)
    out.print(f"policy version {policy.version} is active")


@policy_app.command("allow")
def policy_allow(
    target: Annotated[str, typer.Argument(help="An origin (https://host[:port]) or app class.")],
    mode: Annotated[str, typer.Option(help="off, metadata, redacted or full.")] = "redacted",
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Capture TARGET in MODE, as a new policy version."""
    from workprint.governance import policies
    from workprint.privacy.policy import MODES

    if mode not in MODES:
        raise typer.BadParameter(f"mode must be one of {', '.join(MODES)}", param_hint="--mode")
    policy = policies.allow(_engine(db, config), target, mode, actor="cli")
    out.print(f"policy version {policy.version}: {target} -> {mode}")


@policy_app.command("show")
def policy_show(db: DbOption = None, config: ConfigOption = None) -> None:
    """Print the active policy document."""
    from workprint.governance import policies

    sys.stdout.write(policies.load_active(_engine(db, config, migrate=False)).source)


@app.command()
def redact(
    text: Annotated[str | None, typer.Argument(help="One string to redact.")] = None,
    jsonl: Annotated[
        bool,
        typer.Option(
            "--jsonl",
            help='Read lines {"id", "text"} on stdin; write {"id", "text", '
            '"spans"} with spans as offsets into the original text.',
        ),
    ] = False,
    names: Annotated[
        Path | None, typer.Option("--names", help="File of person names to redact, one a line.")
    ] = None,
) -> None:
    """Redact personal data and secrets from text with the default detectors."""
    import msgspec

    from workprint.privacy.detectors import default_detectors, find_all
    from workprint.privacy.redact import Vault, redact_text

    directory = [n.strip() for n in _read_text(names).splitlines() if n.strip()] if names else []
    detectors = default_detectors(directory)
    vault = Vault(b"cli-" + os.urandom(16))
    if not jsonl:
        if text is None:
            raise typer.BadParameter("give TEXT, or --jsonl to read lines from stdin")
        from collections import Counter

        out.print(redact_text(text, detectors, vault, Counter()), markup=False, highlight=False)
        return
    from collections import Counter

    write = sys.stdout.buffer.write
    for number, line in enumerate(sys.stdin.buffer, start=1):
        if not line.strip():
            continue
        try:
            item = msgspec.json.decode(line)
            ident, value = item["id"], item["text"]
            if not isinstance(value, str):
                raise TypeError
        except (msgspec.DecodeError, KeyError, TypeError):
            raise typer.BadParameter(
                f'stdin line {number} is not {{"id": ..., "text": "..."}}'
            ) from None
        spans = find_all(value, detectors)
        redacted = redact_text(value, detectors, vault, Counter())
        write(
            msgspec.json.encode(
                {
                    "id": ident,
                    "text": redacted,
                    "spans": [
                        {"start": sp.start, "end": sp.end, "entity": sp.entity} for sp in spans
                    ],
                }
            )
            + b"\n"
        )
    sys.stdout.flush()


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise typer.BadParameter(f"no such file: {path}") from None
    except UnicodeDecodeError:
        raise typer.BadParameter(f"{path} is not UTF-8 text") from None


@app.command()
def doctor(db: DbOption = None) -> None:
    """Check the environment and say what is missing."""
    from workprint._doctor import run_checks

    ok = run_checks(out, db)
    raise typer.Exit(0 if ok else 1)


demo_app = typer.Typer(
    help="Run the whole loop on this machine, or one of its parts.", invoke_without_command=True
)
app.add_typer(demo_app, name="demo")


@demo_app.callback()
def demo(
    ctx: typer.Context,
    db: DbOption = None,
    tasks: Annotated[
        int | None, typer.Option(help="Tasks per simulated person (default: by mode).")
    ] = None,
    people: Annotated[int, typer.Option(help="Simulated people (at least 12).")] = 12,
    quick: Annotated[
        bool, typer.Option("--quick", help="A short run (under five minutes on two cores).")
    ] = False,
    headed: Annotated[bool, typer.Option("--headed", help="Show the browser windows.")] = False,
    folder: Annotated[
        Path | None,
        typer.Option("--out", help="Folder for the run's files (default: the data dir)."),
    ] = None,
    capture_only: Annotated[
        bool,
        typer.Option("--capture-only", help="Stop after the capture: no dataset, model, report."),
    ] = False,
) -> None:
    """Run the whole loop on this machine: collector, Nexus CRM, a simulated team working in
    Chromium through the SDK, a dataset, a trained next-action model evaluated against the
    baselines, the model as an agent in the live CRM, and OUT/report/index.html."""
    if ctx.invoked_subcommand is not None:
        return
    if people < 12:
        raise typer.BadParameter("the demo team has at least 12 people", param_hint="--people")
    _setup_logging("WARNING")
    job: Callable[..., object]
    if capture_only:
        from workprint.demo.run import run_demo

        job = run_demo
    else:  # imports the training stack (PyTorch): only when it will run
        from workprint.demo.pipeline import run_all

        job = run_all
    job(
        out,
        db=db,
        people=people,
        tasks_per_person=tasks,
        quick=quick,
        out=folder,
        headless=not headed,
    )


@demo_app.command("crm")
def demo_crm(
    host: Annotated[str, typer.Option(help="Address to listen on (loopback by default).")] = (
        "127.0.0.1"
    ),
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8800,
    data: Annotated[
        Path | None,
        typer.Option(help="The CRM's SQLite file (default: under the data directory)."),
    ] = None,
    seed: Annotated[int, typer.Option(help="Seed of the generated companies, people, deals.")] = 7,
    embed_sdk: Annotated[
        str | None,
        typer.Option(help="URL of the Workprint SDK to include in every page (script tag)."),
    ] = None,
    collector: Annotated[
        str | None, typer.Option(help="Collector URL the embedded SDK sends to.")
    ] = None,
) -> None:
    """Start Nexus CRM, the demo internal tool, seeded with deterministic data."""
    from workprint.core.config import default_data_dir
    from workprint.demo.crm.config import CrmConfig
    from workprint.demo.crm.server import run_crm

    path = data or default_data_dir() / "demo" / "crm.db"
    path.parent.mkdir(parents=True, exist_ok=True)
    _setup_logging("INFO")
    out.print(f"Nexus CRM on http://{host}:{port}/ (data: {path})")
    run_crm(
        CrmConfig(db_path=path, seed=seed, embed_sdk=embed_sdk, sdk_endpoint=collector),
        host=host,
        port=port,
    )


def main() -> None:
    """Entry point: runs the CLI, turning every error into one line and an exit code."""
    try:
        rc = app(standalone_mode=False)
    except WorkprintError as exc:
        _fail(str(exc), 75 if getattr(exc, "retryable", False) else 2)
    except typer.Abort:
        _fail("aborted", 130)
    except TyperException as exc:
        _fail(exc.format_message(), exc.exit_code)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        sys.exit(130)
    except OSError as exc:
        _fail(exc.strerror or type(exc).__name__, 1)
    sys.exit(rc if isinstance(rc, int) else 0)


if __name__ == "__main__":
    main()
