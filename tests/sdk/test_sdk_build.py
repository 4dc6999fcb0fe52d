"""The browser SDK's build and its own tests: `sdk/dist/workprint.js` is what the sources
build (the committed file is never stale), the JavaScript tests pass under `node --test`, the
tables the SDK shares with the Python privacy engine are current, and versions agree."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SDK = ROOT / "sdk"
NODE = shutil.which("node")
NPM = shutil.which("npm")


@pytest.fixture(scope="session")
def node_modules() -> Path:
    """``sdk/node_modules``, installed with ``npm ci`` (the lock file) when missing."""
    if NODE is None or NPM is None:
        pytest.skip("Node.js is not installed")
    modules = SDK / "node_modules"
    if not (modules / "esbuild").exists() or not (modules / "fake-indexeddb").exists():
        subprocess.run([NPM, "ci", "--no-audit", "--no-fund"], cwd=SDK, check=True, timeout=600)
    return modules


def _run(args: list[str], timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=SDK, capture_output=True, text=True, timeout=timeout)


def test_dist_is_what_the_sources_build(node_modules: Path) -> None:
    """Rebuild with `npm run build` in sdk/ when this fails."""
    assert NPM is not None
    result = _run([NPM, "run", "--silent", "check"])
    assert result.returncode == 0, result.stderr or result.stdout


def test_javascript_tests_pass(node_modules: Path) -> None:
    assert NODE is not None
    files = sorted(str(p.relative_to(SDK)) for p in (SDK / "test").glob("*.test.mjs"))
    assert files, "no JavaScript tests found"
    result = _run([NODE, "--test", *files])
    tail = (result.stdout + result.stderr)[-4000:]
    assert result.returncode == 0, tail
    assert re.search(r"^# fail 0$", result.stdout, re.M), tail


def test_shared_tables_are_current() -> None:
    """Regenerate with `.venv/bin/python sdk/tools/gen_shared.py` when this fails."""
    result = subprocess.run(
        [sys.executable, str(SDK / "tools" / "gen_shared.py"), "--check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr


def test_versions_agree() -> None:
    package = json.loads((SDK / "package.json").read_text())
    lock = json.loads((SDK / "package-lock.json").read_text())
    source = (SDK / "src" / "version.js").read_text()
    match = re.search(r'VERSION = "([^"]+)"', source)
    assert match is not None
    assert package["version"] == lock["version"] == match.group(1)


def test_build_tools_are_pinned_exactly() -> None:
    package = json.loads((SDK / "package.json").read_text())
    for name, spec in package["devDependencies"].items():
        assert re.fullmatch(r"\d+\.\d+\.\d+", spec), f"{name} is not pinned to one version"
    assert not package.get("dependencies"), "the SDK has no runtime dependencies"
