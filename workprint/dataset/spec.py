"""The dataset spec: what to build, as a TOML file read into one frozen :class:`DatasetSpec`.

```toml
name = "crm-next-action"
seed = 7
min_steps = 2
include_kinds = ["click", "type", "select", "key", "navigate", "submit"]

[splits.ratios]              # shares of people, in this order
train = 0.8
val = 0.1
test = 0.1

[splits]
held_out_origins = ["https://wiki.example.internal"]

[episodes]
idle_gap_s = 300

[export]
chat_history = 5
```

Unknown settings are errors (a typo must not silently build something else). The spec is
kept in the manifest and in the store's registry as canonical JSON, and its SHA-256
(:func:`spec_hash`) names it.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
import tomllib
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import msgspec

from workprint.core.events import Kind
from workprint.dataset.episodes import ACTION_KINDS, EpisodeRules
from workprint.dataset.errors import SpecInvalid
from workprint.dataset.splits import SplitSpec

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,127}$")
_STREAMS = ("desktop", "web", "agent")


@dataclass(frozen=True, slots=True)
class ExportSpec:
    """What is written besides the Parquet tables (the ``[export]`` table of a spec)."""

    chat: bool = True
    """Write chat fine-tuning JSONL (``chat-<split>.jsonl``)."""
    trajectories: bool = True
    """Write one JSON line per episode with its steps (``trajectories-<split>.jsonl``)."""
    chat_history: int = 5
    """Previous actions shown in a chat prompt (the most recent ones)."""
    chat_max_elements: int = 60
    """Elements listed in a chat prompt (the target is always among them)."""
    shard_rows: int = 100_000
    """Rows per Parquet file before a new shard begins."""
    row_group_rows: int = 2_000
    """Rows per Parquet row group (the unit held in memory while writing)."""
    compression: Literal["zstd", "snappy", "none"] = "zstd"
    """Parquet compression codec."""

    def __post_init__(self) -> None:
        if self.chat_history < 0 or self.chat_max_elements < 1:
            raise SpecInvalid("export.chat_history must be >= 0, chat_max_elements >= 1")
        if self.row_group_rows < 1 or self.shard_rows < self.row_group_rows:
            raise SpecInvalid("export.row_group_rows must be >= 1 and <= export.shard_rows")


@dataclass(frozen=True, slots=True)
class DatasetSpec:
    """Everything that decides a dataset's content (with the store and the key)."""

    name: str = "workprint"
    """Name of the dataset (letters, digits, ``_ . -``)."""
    seed: int = 0
    """Seed of the split assignment."""
    min_steps: int = 1
    """Episodes with fewer steps are left out."""
    include_kinds: tuple[str, ...] = tuple(sorted(k.value for k in ACTION_KINDS))
    """Event kinds that become steps."""
    include_streams: tuple[str, ...] = ("desktop", "web")
    """Streams read from the store (``agent`` runs are not human demonstrations)."""
    followed_navigations: bool = False
    """Keep a navigation that followed from the person's own action (transition ``link`` or
    ``form``: the page changed because of the click or submit before it) as a step of its
    own. By default it is left out: the action that caused it is the step, as in Mind2Web."""
    key_clicks: bool = False
    """Keep the click a browser makes by itself when a key activates a control (Enter in a
    form's text field clicks its submit button; Enter or Space on a focused button clicks
    it) as a step of its own. By default it is left out: the key is the step (see
    :func:`workprint.dataset.steps.is_key_click`)."""
    end_steps: bool = True
    """Close every task the person ended as done with a step ``END`` (no target, no
    value): what a model needs to learn that a task is finished."""
    labelled_only: bool = False
    """Leave out episodes without a task label (``task_start``): a model conditioned on the
    task learns nothing from them."""
    splits: SplitSpec = field(default_factory=SplitSpec)
    episodes: EpisodeRules = field(default_factory=EpisodeRules)
    export: ExportSpec = field(default_factory=ExportSpec)

    def __post_init__(self) -> None:
        if not _NAME.match(self.name):
            raise SpecInvalid("name must be 1-128 letters, digits or _ . - characters")
        if self.min_steps < 1:
            raise SpecInvalid("min_steps must be at least 1")
        allowed = {k.value for k in ACTION_KINDS}
        for kind in self.include_kinds:
            if kind not in allowed:
                raise SpecInvalid(
                    f"include_kinds: {kind!r} is not an action kind ({', '.join(sorted(allowed))})"
                )
        if not self.include_kinds:
            raise SpecInvalid("include_kinds must name at least one kind")
        for stream in self.include_streams:
            if stream not in _STREAMS:
                raise SpecInvalid(f"include_streams: {stream!r} is not one of {_STREAMS}")

    @property
    def kinds(self) -> frozenset[Kind]:
        return frozenset(Kind(k) for k in self.include_kinds)


# ------------------------------------------------------------------------------ reading


def _value(hint: Any, raw: Any, where: str) -> Any:
    origin = typing.get_origin(hint)
    if dataclasses.is_dataclass(hint):
        if not isinstance(raw, Mapping):
            raise SpecInvalid(f"{where} must be a table")
        return _build(hint, raw, f"{where}.")  # type: ignore[arg-type]
    if origin is Literal:
        if raw not in typing.get_args(hint):
            choices = ", ".join(map(str, typing.get_args(hint)))
            raise SpecInvalid(f"{where} must be one of {choices}")
        return raw
    if hint is bool:
        if not isinstance(raw, bool):
            raise SpecInvalid(f"{where} must be true or false")
        return raw
    if hint is int:
        if isinstance(raw, bool) or not isinstance(raw, int):
            raise SpecInvalid(f"{where} must be an integer")
        return raw
    if hint is float:
        if isinstance(raw, bool) or not isinstance(raw, int | float):
            raise SpecInvalid(f"{where} must be a number")
        return float(raw)
    if hint is str:
        if not isinstance(raw, str):
            raise SpecInvalid(f"{where} must be a string")
        return raw
    if origin is tuple:
        args = typing.get_args(hint)
        if args == (tuple[str, float], Ellipsis):  # split ratios: a table, or [name, share]s
            pairs = list(raw.items()) if isinstance(raw, Mapping) else raw
            if not isinstance(pairs, list) or not all(
                isinstance(p, list | tuple) and len(p) == 2 for p in pairs
            ):
                raise SpecInvalid(f"{where} must be a table of split = share")
            return tuple(
                (_value(str, n, f"{where}.{n}"), _value(float, s, f"{where}.{n}")) for n, s in pairs
            )
        if not isinstance(raw, list | tuple):
            raise SpecInvalid(f"{where} must be a list")
        return tuple(_value(args[0], item, where) for item in raw)
    raise SpecInvalid(f"{where} has a type this reader does not know")  # pragma: no cover


def _build(cls: type[Any], table: Mapping[str, Any], where: str) -> Any:
    names = {f.name for f in dataclasses.fields(cls)}
    unknown = sorted(set(table) - names)
    if unknown:
        raise SpecInvalid(f"unknown setting {where}{unknown[0]}")
    hints = typing.get_type_hints(cls)
    values = {name: _value(hints[name], raw, f"{where}{name}") for name, raw in table.items()}
    try:
        return cls(**values)
    except (TypeError, ValueError) as exc:  # pragma: no cover - types checked above
        raise SpecInvalid(f"invalid spec {where.rstrip('.') or 'settings'}: {exc}") from exc


def spec_from_dict(data: Mapping[str, Any]) -> DatasetSpec:
    """A spec from its TOML or canonical JSON form."""
    spec: DatasetSpec = _build(DatasetSpec, data, "")
    return spec


def parse_spec(text: str, *, name: str = "spec") -> DatasetSpec:
    """A spec from TOML text; errors name the setting."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SpecInvalid(f"{name} is not valid TOML: {exc}") from exc
    try:
        return spec_from_dict(data)
    except SpecInvalid as exc:
        raise SpecInvalid(f"{name}: {exc.message}") from None


def load_spec(path: Path) -> DatasetSpec:
    """A spec from a TOML file."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SpecInvalid(f"spec file not found: {path}") from None
    except UnicodeDecodeError:
        raise SpecInvalid(f"spec file {path} is not UTF-8 text") from None
    return parse_spec(text, name=str(path))


def spec_to_dict(spec: DatasetSpec) -> dict[str, Any]:
    """The canonical JSON-ready form (ratios as ``[name, share]`` pairs, order kept)."""

    def plain(value: Any) -> Any:
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
        if isinstance(value, tuple | list):
            return [plain(v) for v in value]
        return value

    out: dict[str, Any] = plain(spec)
    return out


_canonical = msgspec.json.Encoder(order="sorted")


def spec_json(spec: DatasetSpec) -> str:
    """Canonical JSON text of a spec (sorted keys)."""
    return _canonical.encode(spec_to_dict(spec)).decode()


def spec_hash(spec: DatasetSpec) -> str:
    """SHA-256 (hex) of the canonical JSON of a spec."""
    return hashlib.sha256(spec_json(spec).encode()).hexdigest()
