"""Docs stay honest: generated references are current, README commands are the real ones."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from workprint import _docgen

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("page", sorted(_docgen.PAGES))
def test_generated_reference_is_current(page: str) -> None:
    """Regenerate with `python -m workprint._docgen` when this fails."""
    committed = (ROOT / "docs" / page).read_text()
    assert committed == _docgen.PAGES[page](), f"docs/{page} is stale"


def test_every_error_code_has_a_meaning() -> None:
    for code, (_where, meaning) in _docgen.error_codes().items():
        assert meaning.strip(), f"error code {code} has no documented meaning"


def test_readme_first_two_commands_are_the_demo_and_the_tests() -> None:
    readme = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```(?:bash|sh)\n(.*?)```", readme, re.S)
    commands = [
        line
        for block in blocks
        for line in block.splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert commands[0] == "./scripts/demo"
    assert commands[1] == "./scripts/test"
    ci = (ROOT / ".ci" / "run").read_text()
    assert "./scripts/test" in ci


def test_docs_pages_open_with_a_runnable_example() -> None:
    for page in sorted((ROOT / "docs").glob("*.md")):
        text = page.read_text()
        if "Generated from the code" in text:
            continue
        assert "```" in text.split("\n## ")[0], (
            f"{page.name} has no example before its first section"
        )
