"""The capture policy: validation with line numbers, and the mode decision table."""

from __future__ import annotations

import pytest

from workprint.privacy.errors import PolicyInvalid
from workprint.privacy.policy import default_policy, normalise_origin, parse, with_rule

POLICY = """\
version = 3
default_mode = "off"

[[apps]]
match = "code"
mode = "redacted"

[[apps]]
match = "gnome-terminal*"
mode = "metadata"

[[origins]]
origin = "https://crm.example.internal"
mode = "redacted"
allow_query = ["page"]

[[origins]]
origin = "http://127.0.0.1:8788"
mode = "full"

[[titles]]
pattern = "(?i)password|private browsing"
mode = "off"

[[titles]]
pattern = "(?i)payroll"
mode = "metadata"

[fields]
"context.window_title" = "drop"
"""


@pytest.mark.parametrize(
    ("context", "expected"),
    [
        pytest.param({}, "off", id="nothing-known"),
        pytest.param({"app": "Code"}, "redacted", id="app-case-insensitive"),
        pytest.param({"app": "gnome-terminal-server"}, "metadata", id="app-glob"),
        pytest.param({"app": "slack"}, "off", id="app-not-listed"),
        pytest.param(
            {"url": "https://CRM.example.internal:443/deals?x=1"},
            "redacted",
            id="origin-normalised",
        ),
        pytest.param(
            {"url": "https://crm.example.internal.evil.test/"}, "off", id="lookalike-origin"
        ),
        pytest.param(
            {"url": "http://127.0.0.1:8788/x", "app": "slack"}, "full", id="origin-beats-app"
        ),
        pytest.param(
            {"url": "http://127.0.0.1:8788/x", "title": "Change password"}, "off", id="title-lowers"
        ),
        pytest.param({"app": "code", "title": "payroll.xlsx"}, "metadata", id="title-lowers-2"),
        pytest.param(
            {"app": "gnome-terminal", "title": "payroll"}, "metadata", id="title-never-raises"
        ),
        pytest.param({"url": "not a url"}, "off", id="garbage-url"),
    ],
)
def test_mode_for(context: dict[str, str], expected: str) -> None:
    assert parse(POLICY).mode_for(**context) == expected


def test_query_allow_list_and_fields() -> None:
    policy = parse(POLICY)
    assert policy.allowed_query("https://crm.example.internal/deals") == frozenset({"page"})
    assert policy.allowed_query("http://127.0.0.1:8788/") == frozenset()
    assert policy.field_rule("context.window_title") == "drop"
    assert policy.allowed_origins() == ["https://crm.example.internal", "http://127.0.0.1:8788"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param(
            "version = 1\n[[origins]]\norigin = 'https://a'\nmode = 'fulll'\n",
            "line 4",
            id="bad-mode",
        ),
        pytest.param("version = 1\nbogus = 2\n", "line 2", id="unknown-key"),
        pytest.param("version = 0\n", "line 1", id="version-zero"),
        pytest.param(
            "version = 1\n[[titles]]\npattern = '('\nmode = 'off'\n", "line 3", id="bad-regex"
        ),
        pytest.param(
            "version = 1\n[[origins]]\norigin = 'crm'\nmode = 'off'\n", "line 3", id="bad-origin"
        ),
        pytest.param(
            "version = 1\n[fields]\n'payload.secret' = 'keep'\n",
            "unknown field",
            id="unknown-field",
        ),
        pytest.param("version = [\n", "not valid TOML", id="not-toml"),
    ],
)
def test_invalid_policies_name_the_line(text: str, message: str) -> None:
    with pytest.raises(PolicyInvalid) as info:
        parse(text, name="p.toml")
    assert message in str(info.value)
    assert str(info.value).startswith("p.toml")


def test_default_policy_captures_nothing() -> None:
    policy = default_policy()
    assert policy.mode_for(app="code", url="https://anything.test/") == "off"


def test_with_rule_bumps_version_and_replaces() -> None:
    first = with_rule(default_policy(), "https://crm.example.internal/", "redacted")
    second = with_rule(first, "https://crm.example.internal", "metadata")
    assert (first.version, second.version) == (2, 3)
    assert second.mode_for(url="https://crm.example.internal/x") == "metadata"
    assert len(second.document.origins) == 1
    assert parse(second.source).document == second.document
    assert with_rule(second, "code", "redacted").mode_for(app="code") == "redacted"


def test_normalise_origin() -> None:
    assert normalise_origin("HTTPS://Example.com:443/path") == "https://example.com"
    assert normalise_origin("http://example.com:8080") == "http://example.com:8080"
