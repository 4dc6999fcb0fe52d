"""``workprint agent``: run the desktop agent, enroll it, pause, resume, ask its status.

The lead CLI mounts :data:`app` as ``workprint agent``; ``python -m workprint.capture`` runs it
on its own. Every failure is one line on stderr and exit status 1, never a traceback.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer

from workprint.capture._files import read_private, read_token_file, write_private
from workprint.capture.config import AgentConfig
from workprint.capture.errors import AgentNotEnrolled
from workprint.core.config import Secret, load_section, read_toml
from workprint.core.errors import WorkprintError

app = typer.Typer(
    name="agent",
    help="The desktop agent: records keyboard, mouse and window activity in allow-listed apps.",
    invoke_without_command=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

ConfigOption = Annotated[
    Path | None, typer.Option("--config", help="TOML settings file (its agent section).")
]
DataDirOption = Annotated[
    Path | None,
    typer.Option("--data-dir", help="Folder of the spool, token and cached policy."),
]
RuntimeDirOption = Annotated[
    Path | None, typer.Option("--runtime-dir", help="Folder of the control socket.")
]


def _fail(message: str) -> NoReturn:
    """One line on stderr, then exit 1: the only way these commands report a failure."""
    sys.stderr.write(f"error: {' '.join(message.split())}\n")
    raise typer.Exit(1)


@contextmanager
def _errors() -> Iterator[None]:
    try:
        yield
    except WorkprintError as exc:
        _fail(str(exc))
    except OSError as exc:
        _fail(exc.strerror or type(exc).__name__)


def _config(config: Path | None, **overrides: Any) -> AgentConfig:
    return load_section(AgentConfig, "agent", toml=read_toml(config), overrides=overrides)


def _collector_file(cfg: AgentConfig) -> Path:
    return cfg.agent_dir / "collector.url"


@app.callback()
def run(
    ctx: typer.Context,
    collector: Annotated[
        str | None,
        typer.Option(help="Collector URL (default: the one saved by 'workprint agent enroll')."),
    ] = None,
    token: Annotated[
        str | None,
        typer.Option(help="Device token (visible to other local users in the process list)."),
    ] = None,
    token_file: Annotated[
        Path | None,
        typer.Option(
            "--token-file",
            help="File holding the device token; must not be readable by group or others "
            "(default: the token saved by enroll).",
        ),
    ] = None,
    config: ConfigOption = None,
    data_dir: DataDirOption = None,
    runtime_dir: RuntimeDirOption = None,
    log_level: Annotated[str, typer.Option(help="DEBUG, INFO, WARNING or ERROR.")] = "WARNING",
) -> None:
    """Record keyboard, mouse and window activity in allow-listed apps, until stopped."""
    ctx.obj = {"config": config, "data_dir": data_dir, "runtime_dir": runtime_dir}
    if ctx.invoked_subcommand is not None:
        return
    with _errors():
        cfg = _config(config, data_dir=data_dir, runtime_dir=runtime_dir, collector=collector)
        url = cfg.collector or (read_private(_collector_file(cfg)) or b"").decode().strip()
        if not url:
            raise AgentNotEnrolled(
                "no collector URL: give --collector or run 'workprint agent enroll' first"
            )
        if token is not None and token_file is not None:
            _fail("give --token or --token-file, not both")
        secret = Secret(token) if token is not None else None
        secret = secret or Secret(read_token_file(token_file or cfg.token_path))
        logging.basicConfig(
            level=getattr(logging, log_level.upper(), logging.WARNING),
            format="%(asctime)s %(levelname)s %(name)s: %(message)s",
            stream=sys.stderr,
        )
        logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per request is noise
        from workprint.capture.agent import Agent

        Agent(cfg, collector_url=url, token=secret).run()


@app.command()
def enroll(
    ctx: typer.Context,
    collector: Annotated[str, typer.Option(help="Collector URL.")],
    code: Annotated[str, typer.Option(help="One-time enrollment code (WP-XXXX-XXXX-XXXX).")],
) -> None:
    """Exchange a one-time code for a device token, saved 0600 in the agent's data folder."""
    from workprint.capture.remote import enroll as exchange

    with _errors():
        cfg = _config(ctx.obj["config"], data_dir=ctx.obj["data_dir"])
        device_id, token = exchange(collector, code)
        write_private(cfg.token_path, token.encode() + b"\n")
        write_private(_collector_file(cfg), collector.strip().encode() + b"\n")
    typer.echo(f"enrolled device {device_id}; token saved to {cfg.token_path}")


def _ask(ctx: typer.Context, cmd: str) -> dict[str, Any]:
    from workprint.capture.control import request

    with _errors():
        cfg = _config(ctx.obj["config"], runtime_dir=ctx.obj["runtime_dir"])
        return request(cfg.socket_path, cmd)


@app.command()
def pause(ctx: typer.Context) -> None:
    """Pause recording (recorded as a 'pause' event) until 'workprint agent resume'."""
    _ask(ctx, "pause")
    typer.echo("recording paused")


@app.command()
def resume(ctx: typer.Context) -> None:
    """Resume recording after a pause."""
    _ask(ctx, "resume")
    typer.echo("recording resumed")


@app.command()
def status(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print the status as JSON.")] = False,
) -> None:
    """Queue depth, last upload, and the capture mode of the app in focus."""
    answer = _ask(ctx, "status")
    if as_json:
        typer.echo(json.dumps(answer, sort_keys=True))
        return
    if answer.get("recording"):
        state = f"recording ({answer.get('app')}: mode {answer.get('mode')})"
    elif answer.get("paused"):
        state = "paused"
    else:
        why = {"secure_input": "a password prompt has the keyboard", "policy": "app not allowed"}
        state = f"not recording ({why.get(str(answer.get('blocked')), answer.get('blocked'))})"
    upload = str(answer.get("upload_state"))
    if answer.get("last_error"):
        retry = answer.get("retry_in_s") or 0
        upload += f" ({answer['last_error']}" + (f", next try in {retry:.0f} s)" if retry else ")")
    typer.echo(state)
    typer.echo(f"queue: {answer.get('queue_depth')} events, {answer.get('spool_bytes')} bytes")
    typer.echo(f"last upload: {answer.get('last_upload') or 'never'}; uploader {upload}")
