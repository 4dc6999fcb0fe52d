"""The dataset spec: TOML in, one frozen value out, errors naming the setting."""

from __future__ import annotations

from pathlib import Path

import msgspec
import pytest

from workprint.dataset import spec as spec_module
from workprint.dataset.errors import SpecInvalid
from workprint.dataset.spec import (
    DatasetSpec,
    load_spec,
    parse_spec,
    spec_from_dict,
    spec_hash,
    spec_json,
)


def _docstring_example() -> str:
    doc = spec_module.__doc__ or ""
    return doc.split("```toml\n", 1)[1].split("```", 1)[0]


def test_the_documented_example_parses() -> None:
    spec = parse_spec(_docstring_example())
    assert spec.name == "crm-next-action"
    assert spec.splits.ratios == (("train", 0.8), ("val", 0.1), ("test", 0.1))
    assert spec.splits.held_out_origins == ("https://wiki.example.internal",)
    assert spec.episodes.idle_gap_s == 300.0 and spec.export.chat_history == 5
    assert "select" in spec.include_kinds and "scroll" not in spec.include_kinds


def test_the_spec_in_the_docs_parses() -> None:
    page = (Path(__file__).resolve().parents[2] / "docs" / "datasets.md").read_text()
    (block,) = [b.split("```", 1)[0] for b in page.split("```toml\n")[1:]]
    spec = parse_spec(block, name="docs/datasets.md")
    assert spec.export.compression == "zstd" and spec.splits.held_out_apps == ()


def test_defaults_and_an_empty_file_agree() -> None:
    assert parse_spec("") == DatasetSpec()


def test_canonical_json_round_trips_and_names_the_spec() -> None:
    spec = parse_spec(_docstring_example())
    again = spec_from_dict(msgspec.json.decode(spec_json(spec)))
    assert again == spec
    assert spec_hash(again) == spec_hash(spec)
    assert spec_hash(spec) != spec_hash(DatasetSpec())


def test_ratio_order_is_part_of_the_spec() -> None:
    a = parse_spec("[splits.ratios]\ntrain = 0.5\ntest = 0.5\n")
    b = parse_spec("[splits.ratios]\ntest = 0.5\ntrain = 0.5\n")
    assert spec_hash(a) != spec_hash(b)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("nmae = 'x'", "unknown setting nmae"),
        ("[episodes]\nidle_gap = 3", "unknown setting episodes.idle_gap"),
        ("seed = 'seven'", "seed must be an integer"),
        ("seed = true", "seed must be an integer"),
        ("min_steps = 0", "min_steps must be at least 1"),
        ("include_kinds = ['focus']", "not an action kind"),
        ("include_streams = ['phone']", "include_streams"),
        ("[export]\ncompression = 'lz4'", "export.compression must be one of"),
        ("[export]\nchat = 'yes'", "export.chat must be true or false"),
        ("[splits.ratios]\ntrain = 0.9", "sum to 1"),
        ("episodes = 3", "episodes must be a table"),
        ("name = 'a b'", "name must be"),
        ("this is = not toml", "not valid TOML"),
    ],
    ids=[
        "unknown_top",
        "unknown_nested",
        "wrong_type",
        "bool_is_not_int",
        "min_steps",
        "kind",
        "stream",
        "literal",
        "bool",
        "ratios",
        "not_a_table",
        "name",
        "toml",
    ],
)
def test_invalid_specs_name_the_setting(text: str, message: str) -> None:
    with pytest.raises(SpecInvalid, match=message) as info:
        parse_spec(text, name="crm.toml")
    assert str(info.value).startswith("crm.toml")
    assert info.value.code == "dataset_spec_invalid"


def test_load_spec_reports_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(SpecInvalid, match="not found"):
        load_spec(tmp_path / "nope.toml")
    (tmp_path / "ok.toml").write_text("name = 'ok'\n")
    assert load_spec(tmp_path / "ok.toml").name == "ok"
