"""Typed, layered configuration, resolved once at the edge (CLI or ``create_app``).

Each stage declares a frozen dataclass with a docstring per field (collected into
``docs/settings.md``). :func:`load_section` fills one from, in order of precedence:

1. explicit overrides (CLI flags),
2. the environment, ``WORKPRINT_<SECTION>__<FIELD>`` (upper case),
3. the TOML file's ``[section]`` table,
4. the dataclass default, which is always the privacy-safe choice.

Values are cast to the field's type; a bad value is a :class:`ConfigError` naming the setting,
never echoing a secret. Credentials use :class:`Secret`, whose ``repr`` is masked.
"""

from __future__ import annotations

import ast
import dataclasses
import inspect
import itertools
import os
import tomllib
import types
import typing
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal, TypeVar, get_args, get_origin

from workprint.core.errors import ConfigError

T = TypeVar("T")


class Secret:
    """A credential: compares and reveals on request, never prints."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('**********')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


def default_data_dir() -> Path:
    """Where the embedded database and spools live: ``$XDG_DATA_HOME/workprint``."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "workprint"


def read_toml(path: Path | None) -> dict[str, Any]:
    """The parsed TOML file, or an empty mapping when no file is given."""
    if path is None:
        return {}
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError as exc:
        raise ConfigError(f"config file not found: {path}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {path} is not valid TOML: {exc}") from exc


def _cast(name: str, hint: Any, raw: Any) -> Any:
    origin = get_origin(hint)
    if origin in (types.UnionType, typing.Union):
        args = [a for a in get_args(hint) if a is not type(None)]
        if raw is None or (isinstance(raw, str) and raw.lower() in ("", "none", "null")):
            return None
        return _cast(name, args[0], raw)
    if origin is Literal:
        allowed = get_args(hint)
        if raw not in allowed:
            raise ConfigError(f"setting {name} must be one of {', '.join(map(str, allowed))}")
        return raw
    if hint is Secret:
        return raw if isinstance(raw, Secret) else Secret(str(raw))
    if hint is bool:
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().lower()
        if text in ("1", "true", "yes", "on"):
            return True
        if text in ("0", "false", "no", "off"):
            return False
        raise ConfigError(f"setting {name} must be true or false")
    if hint in (int, float):
        try:
            return hint(raw)
        except (TypeError, ValueError) as exc:
            raise ConfigError(f"setting {name} must be a number") from exc
    if hint is Path:
        return Path(str(raw)).expanduser()
    if hint is str:
        return str(raw)
    if origin is tuple:
        items = (
            ast.literal_eval(raw) if isinstance(raw, str) and raw.startswith(("(", "[")) else raw
        )
        if isinstance(items, str):
            items = [p.strip() for p in items.split(",") if p.strip()]
        return tuple(_cast(name, get_args(hint)[0], i) for i in items)
    return raw


def load_section(
    cls: type[T],
    section: str,
    *,
    toml: Mapping[str, Any] | None = None,
    env: Mapping[str, str] | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> T:
    """Build the frozen config dataclass ``cls`` for ``section`` from the layered sources."""
    if not dataclasses.is_dataclass(cls):
        raise TypeError(f"{cls!r} is not a dataclass")
    env = os.environ if env is None else env
    table = dict((toml or {}).get(section, {}))
    hints = typing.get_type_hints(cls)
    known = {f.name for f in dataclasses.fields(cls)}
    unknown = set(table) - known
    if unknown:
        raise ConfigError(f"unknown setting {section}.{sorted(unknown)[0]}")
    values: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        name = f"{section}.{f.name}"
        env_key = f"WORKPRINT_{section.upper()}__{f.name.upper()}"
        if overrides and overrides.get(f.name) is not None:
            values[f.name] = _cast(name, hints[f.name], overrides[f.name])
        elif env_key in env:
            values[f.name] = _cast(name, hints[f.name], env[env_key])
        elif f.name in table:
            values[f.name] = _cast(name, hints[f.name], table[f.name])
    try:
        return cls(**values)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"invalid [{section}] settings: {exc}") from exc


def field_docs(cls: type[Any]) -> dict[str, str]:
    """The docstring written under each field of a config dataclass (for the settings docs)."""
    source = inspect.getsource(cls)
    tree = ast.parse(source)
    docs: dict[str, str] = {}
    body = tree.body[0].body if isinstance(tree.body[0], ast.ClassDef) else []
    for node, nxt in itertools.pairwise(body):
        if (
            isinstance(node, ast.AnnAssign)
            and isinstance(node.target, ast.Name)
            and isinstance(nxt, ast.Expr)
            and isinstance(nxt.value, ast.Constant)
            and isinstance(nxt.value.value, str)
        ):
            docs[node.target.id] = inspect.cleandoc(nxt.value.value)
    return docs
