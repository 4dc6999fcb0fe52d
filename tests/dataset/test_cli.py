"""``workprint dataset ...`` as a person runs it: results on stdout, one-line errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from tests.dataset._store import KEY, add_person, allow_demo, erase
from workprint.dataset._cli import app

ENV = {"WORKPRINT_DATASET__PSEUDONYM_KEY": KEY.hex()}


@pytest.fixture
def db(engine: Engine, db_url: str) -> str:
    allow_demo(engine)
    for i, person in enumerate(("ana", "ben", "cat")):
        add_person(engine, person, seed=i + 1, count=40)
    return db_url


def test_build_show_status_rebuild(db: str, engine: Engine, tmp_path: Path) -> None:
    runner = CliRunner(env=ENV)
    spec = tmp_path / "spec.toml"
    spec.write_text('name = "cli-test"\nmin_steps = 2\n')
    built = runner.invoke(
        app, ["build", "--db", db, "--out", str(tmp_path / "v1"), "--spec", str(spec)]
    )
    assert built.exit_code == 0, built.stderr
    assert "3 people" in built.stdout and "built ds_" in built.stdout
    shown = runner.invoke(app, ["show", str(tmp_path / "v1")])
    assert shown.exit_code == 0 and "cli-test" in shown.stdout
    erase(engine, "ben")
    status = runner.invoke(app, ["status", "--db", db])
    assert status.exit_code == 0 and "stale" in status.stdout and "erasure" in status.stdout
    rebuilt = runner.invoke(app, ["rebuild", "--db", db, "--out", str(tmp_path / "v2")])
    assert rebuilt.exit_code == 0, rebuilt.stderr
    assert "2 people" in rebuilt.stdout


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        (
            ["build", "--out", "{tmp}/x"],
            {"WORKPRINT_DATASET__PSEUDONYM_KEY": "zz"},
            "error: the pseudonym key must be hex",
        ),
        (
            ["build", "--out", "{tmp}/x"],
            {"WORKPRINT_DATASET__PSEUDONYM_KEY": "abcd"},
            "error: the pseudonym key must be at least 16 bytes",
        ),
        (
            ["build", "--out", "{tmp}", "--spec", "{tmp}/none.toml"],
            ENV,
            "error: spec file not found",
        ),
        (["build", "--out", "{tmp}"], ENV, "exists; datasets are never overwritten"),
        (["show", "{tmp}"], ENV, "has no manifest.json"),
        (["rebuild", "--out", "{tmp}/x"], ENV, "error: no dataset version is stale"),
        (
            ["build", "--out", "{tmp}/x", "--engine", "spark"],
            ENV,
            "error: setting dataset.engine must be one of local, ray",
        ),
    ],
    ids=[
        "key_not_hex",
        "key_short",
        "spec_missing",
        "output_exists",
        "not_a_dataset",
        "nothing_stale",
        "unknown_engine",
    ],
)
def test_failures_are_one_line(
    db: str, tmp_path: Path, args: list[str], env: dict[str, str], message: str
) -> None:
    argv = [a.replace("{tmp}", str(tmp_path)) for a in args]
    if argv[0] != "show":
        argv += ["--db", db]
    result = CliRunner(env={"WORKPRINT_DATASET__PSEUDONYM_KEY": None, **env}).invoke(app, argv)
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and message in result.stderr, result.stderr
    assert "Traceback" not in result.output
    assert KEY.hex() not in result.output


def test_without_a_configured_key_the_store_keeps_one(
    db: str, engine: Engine, tmp_path: Path
) -> None:
    from workprint.store.keys import server_key

    runner = CliRunner(env={"WORKPRINT_DATASET__PSEUDONYM_KEY": None})
    built = runner.invoke(app, ["build", "--db", db, "--out", str(tmp_path / "v1")])
    assert built.exit_code == 0, built.stderr
    key = server_key(engine, "dataset.pseudonym")
    assert len(key) == 32 and key.hex() not in built.output
    manifest = (tmp_path / "v1" / "manifest.json").read_bytes()
    assert key.hex().encode() not in manifest
