"""``workprint doctor``: what this machine has, and what is missing for each part."""

from __future__ import annotations

import importlib.util
import shutil
import sqlite3
import sys
from dataclasses import dataclass

from rich.console import Console
from rich.table import Table


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    required: bool
    detail: str
    hint: str = ""


def _module(name: str, extra: str, required: bool = False) -> Check:
    found = importlib.util.find_spec(name) is not None
    return Check(
        f"python: {name}",
        found,
        required,
        "installed" if found else "missing",
        "" if found else f"pip install 'workprint[{extra}]'",
    )


def _binary(name: str, package: str, why: str) -> Check:
    path = shutil.which(name)
    return Check(
        name,
        path is not None,
        False,
        "found" if path else f"missing ({why})",
        "" if path else f"apt-get install {package}",
    )


def checks(db: str | None) -> list[Check]:
    py_ok = sys.version_info >= (3, 11)
    sqlite_ok = sqlite3.sqlite_version_info >= (3, 35, 0)
    found = [
        Check(
            "python >= 3.11",
            py_ok,
            True,
            sys.version.split()[0],
            "" if py_ok else "install Python 3.11 or newer",
        ),
        Check(
            "sqlite >= 3.35",
            sqlite_ok,
            True,
            sqlite3.sqlite_version,
            "" if sqlite_ok else "a Python built with SQLite 3.35+ (RETURNING)",
        ),
        _module("psycopg", "postgres"),
        _module("pynput", "agent"),
        _module("pyarrow", "dataset"),
        _module("torch", "train"),
        _binary("chromium", "chromium", "browser capture tests"),
        _binary("Xvfb", "xvfb", "desktop capture tests"),
        _binary("xdotool", "xdotool", "desktop capture tests"),
    ]
    if db:
        found.append(_database(db))
    return found


def _database(url: str) -> Check:
    from workprint.core.errors import WorkprintError
    from workprint.store import migrate
    from workprint.store.engine import create_engine

    try:
        engine = create_engine(url)
        current = migrate.current_revision(engine)
        head = migrate.head_revision()
    except WorkprintError as exc:
        return Check("database", False, True, str(exc), "check the --db URL and the server")
    ok = current == head
    return Check(
        "database",
        ok,
        True,
        f"schema {current or 'empty'} (release needs {head})",
        "" if ok else "workprint db upgrade --db URL",
    )


def run_checks(console: Console, db: str | None) -> bool:
    table = Table("check", "status", "detail", "what to do")
    all_required = True
    for c in checks(db):
        status = (
            "[green]ok[/]" if c.ok else ("[red]missing[/]" if c.required else "[yellow]optional[/]")
        )
        table.add_row(c.name, status, c.detail, c.hint)
        all_required &= c.ok or not c.required
    console.print(table)
    return all_required
