"""Generates the reference pages from the code: ``python -m workprint._docgen``.

* ``docs/cli.md``: every command and option (from the Typer app),
* ``docs/settings.md``: every setting with its default, environment variable and docstring,
* ``docs/errors.md``: every error ``code`` with its HTTP status and meaning.

``tests/test_docs.py`` fails when a committed page differs from what this writes.
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import pkgutil
import sys
from pathlib import Path
from typing import Any

import typer
from typer.main import get_command

import workprint
from workprint.core.config import field_docs
from workprint.core.errors import WorkprintError

DOCS = Path(__file__).resolve().parents[1] / "docs"

SETTINGS_SECTIONS: list[tuple[str, str]] = [
    ("collector", "workprint.collector.config:CollectorConfig"),
    ("dataset", "workprint.dataset.config:DatasetConfig"),
    ("portal", "workprint.collector.portal.config:PortalConfig"),
    ("retention", "workprint.governance.config:RetentionConfig"),
    ("train", "workprint.train.config:TrainConfig"),
    ("model", "workprint.train.model:ModelConfig"),
    ("agent", "workprint.capture.config:AgentConfig"),
]


def _load(path: str) -> type:
    module, name = path.split(":")
    return getattr(importlib.import_module(module), name)  # type: ignore[no-any-return]


def cli_reference() -> str:
    from workprint.cli import app

    root = get_command(app)
    lines = [
        "# Command-line reference",
        "",
        "Generated from the code by `python -m workprint._docgen`; do not edit.",
        "",
    ]

    def walk(cmd: Any, prefix: str) -> None:
        commands = getattr(cmd, "commands", None)
        if commands is not None:
            for name in sorted(commands):
                walk(commands[name], f"{prefix} {name}")
            return
        lines.append(f"## `{prefix}`")
        lines.append("")
        lines.append(inspect.cleandoc(cmd.help or "").split("\n\n")[0])
        lines.append("")
        for p in cmd.params:
            if p.name == "help":
                continue
            is_option = getattr(p, "param_type_name", "") == "option"
            names = (
                ", ".join(f"`{o}`" for o in p.opts) if is_option else f"`{(p.name or '').upper()}`"
            )
            help_text = " ".join((getattr(p, "help", None) or "").split())
            lines.append(f"- {names}: {help_text}")
        lines.append("")

    walk(root, "workprint")
    return "\n".join(lines).rstrip() + "\n"


def settings_reference() -> str:
    lines = [
        "# Settings reference",
        "",
        "Generated from the code by `python -m workprint._docgen`; do not edit.",
        "",
        "Each setting resolves, in order: a command-line flag where one exists, the "
        "environment variable, the `[section]` table of the TOML file given with "
        "`--config`, then the default (always the privacy-safe choice).",
        "",
    ]
    for section, path in SETTINGS_SECTIONS:
        cls = _load(path)
        docs = field_docs(cls)
        lines += [
            f"## `[{section}]`",
            "",
            "| setting | default | environment | meaning |",
            "|---|---|---|---|",
        ]
        for f in dataclasses.fields(cls):
            default = f.default if f.default is not dataclasses.MISSING else ""
            meaning = " ".join(docs.get(f.name, "").split())
            env = f"`WORKPRINT_{section.upper()}__{f.name.upper()}`"
            lines.append(f"| `{f.name}` | `{default!r}` | {env} | {meaning} |")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _import_all() -> None:
    for info in pkgutil.walk_packages(workprint.__path__, "workprint."):
        if info.name.startswith("workprint.store.migrations") or info.name.endswith("__main__"):
            continue
        try:
            importlib.import_module(info.name)
        except ImportError:  # an optional extra is not installed
            continue


def _subclasses(cls: type[WorkprintError]) -> list[type[WorkprintError]]:
    out: list[type[WorkprintError]] = []
    for sub in cls.__subclasses__():
        out.append(sub)
        out.extend(_subclasses(sub))
    return out


def error_codes() -> dict[str, tuple[str, str]]:
    """code -> (where it appears, meaning)."""
    _import_all()
    from workprint.collector.app import API_CODES
    from workprint.collector.errors import CollectorError
    from workprint.collector.ingest import QUARANTINE_CODES

    codes: dict[str, tuple[str, str]] = {}
    # In module order, so a code shared by two stages reads the same whatever was imported first.
    found: set[type[WorkprintError]] = {WorkprintError, *_subclasses(WorkprintError)}
    classes = sorted(
        found,
        key=lambda c: (c.__module__, c.__qualname__),
    )
    for cls in classes:
        status = getattr(cls, "status", None) if issubclass(cls, CollectorError) else None
        where = f"HTTP {status}" if status else "CLI and library"
        retry = " Retryable." if getattr(cls, "retryable", False) else ""
        doc = " ".join(inspect.cleandoc(cls.__doc__ or "").split())
        if cls.code in codes:
            old_where, old_doc = codes[cls.code]
            if where not in old_where:
                codes[cls.code] = (f"{old_where}; {where}", old_doc or doc + retry)
        else:
            codes[cls.code] = (where, doc + retry)
    for code, meaning in QUARANTINE_CODES.items():
        codes[code] = ("quarantine (per event, in a 200 answer)", meaning)
    for code, meaning in API_CODES.items():
        codes.setdefault(code, ("HTTP", meaning))
    return dict(sorted(codes.items()))


def errors_reference() -> str:
    lines = [
        "# Error codes",
        "",
        "Generated from the code by `python -m workprint._docgen`; do not edit.",
        "",
        'The API answers every error with `{"code": ..., "detail": ...}`; the CLI '
        "prints one line `error: ...` and exits non-zero (75 when a retry may help). "
        "Messages carry ids, never captured values.",
        "",
        "| code | where | meaning |",
        "|---|---|---|",
    ]
    for code, (where, meaning) in error_codes().items():
        lines.append(f"| `{code}` | {where} | {meaning} |")
    return "\n".join(lines) + "\n"


PAGES = {
    "cli.md": cli_reference,
    "settings.md": settings_reference,
    "errors.md": errors_reference,
}


def main() -> None:
    for name, render in PAGES.items():
        (DOCS / name).write_text(render())
        sys.stdout.write(f"wrote docs/{name}\n")


if __name__ == "__main__":
    typer.run(main)
