"""Governance commands for the ``workprint`` CLI, as Typer apps for ``cli.py`` to mount:

* ``workprint audit verify``: check the audit log's hash chain;
* ``workprint retention run`` / ``show``: enforce retention once, or print the periods;
* ``workprint account add USER --role ROLE`` / ``token`` / ``passwd`` / ``disable``;
* ``workprint consent grant|withdraw PERSON --purpose P``;
* ``workprint erase PERSON --reason TEXT``: erase a person, printing the report.

A failure is one line on stderr and exit status 1, never a traceback.
"""

from __future__ import annotations

import contextlib
import functools
import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Annotated, Any, ParamSpec, TypeVar

import typer
from sqlalchemy.engine import Engine

from workprint.core.clock import SystemClock, to_epoch_ms
from workprint.core.config import load_section, read_toml
from workprint.core.errors import WorkprintError

P = ParamSpec("P")
R = TypeVar("R")

audit_app = typer.Typer(help="Check the audit log.", no_args_is_help=True)
retention_app = typer.Typer(help="Enforce and inspect retention periods.", no_args_is_help=True)
account_app = typer.Typer(help="Portal accounts and API tokens.", no_args_is_help=True)
consent_app = typer.Typer(help="Record or withdraw consent for a person.", no_args_is_help=True)

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
PurposeOption = Annotated[
    list[str],
    typer.Option("--purpose", help="capture, training or evaluation; repeatable."),
]


def _fail(message: str) -> None:
    """One line on stderr, then exit 1: how these commands report a failure."""
    sys.stderr.write(f"error: {' '.join(message.split())}\n")
    raise typer.Exit(1)


def _one_line_errors(fn: Callable[P, R]) -> Callable[P, R]:
    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return fn(*args, **kwargs)
        except WorkprintError as exc:
            _fail(str(exc))
            raise  # pragma: no cover - _fail always raises

    return wrapper


@contextlib.contextmanager
def _engine(db: str | None, config: Path | None) -> Iterator[Engine]:
    """The migrated store, disposed of when the command is done."""
    from workprint.collector.config import CollectorConfig
    from workprint.store import migrate
    from workprint.store.engine import create_engine

    cfg = load_section(CollectorConfig, "collector", toml=read_toml(config), overrides={"db": db})
    engine = create_engine(cfg.db_url, synchronous=cfg.sqlite_synchronous)
    try:
        migrate.upgrade(engine)
        yield engine
    finally:
        engine.dispose()


def _now() -> int:
    return to_epoch_ms(SystemClock().now())


def _print_json(value: Any) -> None:
    sys.stdout.write(json.dumps(value, indent=2, sort_keys=True) + "\n")


def _purposes(names: list[str]) -> list[Any]:
    from workprint.governance.consent import Purpose

    chosen = []
    for name in names:
        try:
            chosen.append(Purpose(name))
        except ValueError:
            _fail(f"unknown purpose {name!r}; use capture, training or evaluation")
    if not chosen:
        _fail("give at least one --purpose (capture, training or evaluation)")
    return chosen


@audit_app.command("verify")
@_one_line_errors
def audit_verify(db: DbOption = None, config: ConfigOption = None) -> None:
    """Check every link of the audit log's hash chain; exit 1 if any entry was altered."""
    from workprint.governance import audit

    with _engine(db, config) as engine:
        count = audit.verify(engine)
    sys.stdout.write(f"audit log intact: {count} entries\n")


@retention_app.command("run")
@_one_line_errors
def retention_run(
    db: DbOption = None,
    config: ConfigOption = None,
    max_chunks: Annotated[
        int | None,
        typer.Option(help="Stop after this many delete transactions (the rest waits)."),
    ] = None,
) -> None:
    """Delete what has outlived its retention period, in chunks, beside live ingest."""
    from workprint.governance import retention
    from workprint.governance.config import RetentionConfig

    cfg = load_section(RetentionConfig, "retention", toml=read_toml(config))
    with _engine(db, config) as engine:
        report = retention.run(engine, cfg, now_ms=_now(), max_chunks=max_chunks)
    _print_json(
        {
            "deleted": report.deleted,
            "exports_expired": report.exports_expired,
            "chunks": report.chunks,
            "complete": report.complete,
        }
    )


@retention_app.command("show")
@_one_line_errors
def retention_show(db: DbOption = None, config: ConfigOption = None) -> None:
    """Print the retention period in force for each kind of record."""
    from workprint.governance import retention
    from workprint.governance.config import RetentionConfig
    from workprint.store.engine import read_tx

    cfg = load_section(RetentionConfig, "retention", toml=read_toml(config))
    with _engine(db, config) as engine, read_tx(engine) as conn:
        found = retention.settings(conn, cfg)
    _print_json({t: {"ttl_days": s.ttl_days, "source": s.source} for t, s in found.items()})


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    value: str = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    return value


def _passwords(config: Path | None) -> Any:
    from workprint.collector.portal.config import PortalConfig
    from workprint.governance.accounts import Passwords

    return Passwords(load_section(PortalConfig, "portal", toml=read_toml(config)).hashing)


@account_app.command("add")
@_one_line_errors
def account_add(
    user: Annotated[str, typer.Argument(help="Username (lower-case letters, digits, . _ @ -).")],
    role: Annotated[str, typer.Option(help="employee, researcher, privacy_officer or admin.")],
    person: Annotated[
        str | None,
        typer.Option(help="For an employee: their person id (default: the username)."),
    ] = None,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from stdin.")
    ] = False,
    no_password: Annotated[
        bool, typer.Option("--no-password", help="API tokens only; no web sign-in.")
    ] = False,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Add a portal account with one role."""
    from workprint.governance import accounts
    from workprint.store.engine import write_tx

    chosen = accounts.parse_role(role)
    person_id = (person or user) if chosen is accounts.Role.EMPLOYEE else person
    hashed = None if no_password else _passwords(config).hash(_password(password_stdin))
    with _engine(db, config) as engine, write_tx(engine) as conn:
        made = accounts.create_account(
            conn,
            user,
            chosen,
            password_hash=hashed,
            person_id=person_id,
            at_ms=_now(),
            actor="cli",
        )
    sys.stdout.write(f"account {made.username} added ({made.role.value})\n")


@account_app.command("passwd")
@_one_line_errors
def account_passwd(
    user: Annotated[str, typer.Argument(help="Username.")],
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from stdin.")
    ] = False,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Set a new password for an account."""
    from workprint.governance import accounts
    from workprint.store.engine import write_tx

    hashed = _passwords(config).hash(_password(password_stdin))
    with _engine(db, config) as engine, write_tx(engine) as conn:
        accounts.set_password(conn, user, hashed, at_ms=_now(), actor="cli")
    sys.stdout.write(f"password of {user} changed\n")


@account_app.command("disable")
@_one_line_errors
def account_disable(
    user: Annotated[str, typer.Argument(help="Username.")],
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Disable an account; its sessions and API tokens stop working at once."""
    from workprint.governance import accounts
    from workprint.store.engine import write_tx

    with _engine(db, config) as engine, write_tx(engine) as conn:
        accounts.disable(conn, user, at_ms=_now(), actor="cli")
    sys.stdout.write(f"account {user} disabled\n")


@account_app.command("token")
@_one_line_errors
def account_token(
    user: Annotated[str, typer.Argument(help="Username the token acts for, in its role.")],
    label: Annotated[str, typer.Option(help="What the token is for.")] = "script",
    expires_days: Annotated[
        int | None, typer.Option(help="Days until the token stops working.")
    ] = 90,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Issue an API token for scripts; prints {"token_id", "token"} (shown once)."""
    from workprint.governance import accounts
    from workprint.store.engine import write_tx

    now = _now()
    expires = now + expires_days * 86_400_000 if expires_days else None
    with _engine(db, config) as engine, write_tx(engine) as conn:
        token_id, token = accounts.issue_token(
            conn, user, label, at_ms=now, expires_at_ms=expires, actor="cli"
        )
    _print_json({"token_id": token_id, "token": token})


@consent_app.command("grant")
@_one_line_errors
def consent_grant(
    person: Annotated[str, typer.Argument(help="Person id.")],
    purpose: PurposeOption,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Record the person's consent for each purpose under the current notice."""
    from workprint.governance import consent
    from workprint.store.engine import write_tx

    chosen = _purposes(purpose)
    with _engine(db, config) as engine, write_tx(engine) as conn:
        grants = [consent.grant_current(conn, person, p, _now(), "cli") for p in chosen]
    _print_json({"grants": [g.grant_id for g in grants]})


@consent_app.command("withdraw")
@_one_line_errors
def consent_withdraw(
    person: Annotated[str, typer.Argument(help="Person id.")],
    purpose: PurposeOption,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Withdraw the person's consent for each purpose (the history is kept)."""
    from workprint.governance import accounts, consent
    from workprint.store.engine import write_tx

    chosen = _purposes(purpose)
    with _engine(db, config) as engine, write_tx(engine) as conn:
        accounts.require_person(conn, person)
        withdrawn = sum(consent.withdraw(conn, person, p, _now(), "cli") for p in chosen)
    _print_json({"withdrawn": withdrawn})


@_one_line_errors
def erase(
    person: Annotated[str, typer.Argument(help="Person id.")],
    reason: Annotated[str, typer.Option(help="Why (kept in the audit log; no personal data).")],
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Erase everything kept about PERSON; prints the erasure report (JSON)."""
    from workprint.governance import rights

    if not reason.strip():
        _fail("give a --reason")
    if not yes:
        typer.confirm(f"Erase everything about {person}? This cannot be undone", abort=True)
    with _engine(db, config) as engine:
        report = rights.erase_person(
            engine, person, actor="cli", reason=reason.strip(), now_ms=_now()
        )
    _print_json(report.to_dict())
