"""docs/governance.md stays honest: every route, role and setting of the portal is in it."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from workprint.collector.portal._access import ACCESS
from workprint.collector.portal.config import PortalConfig
from workprint.governance.accounts import Role
from workprint.governance.config import RetentionConfig

PAGE = (Path(__file__).resolve().parents[2] / "docs" / "governance.md").read_text()


@pytest.mark.parametrize("name", sorted(ACCESS))
def test_every_route_is_in_the_access_table_of_the_docs(name: str) -> None:
    assert f"`{name}`" in PAGE


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_every_role_is_described(role: str) -> None:
    assert f"| `{role}` |" in PAGE


@pytest.mark.parametrize(
    "setting",
    [f.name for cls in (PortalConfig, RetentionConfig) for f in dataclasses.fields(cls)],
)
def test_every_setting_is_documented(setting: str) -> None:
    assert f"`{setting}`" in PAGE
