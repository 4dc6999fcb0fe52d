"""The governance commands, mounted the way ``workprint/cli.py`` mounts them."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa
import typer
from typer.testing import CliRunner

from workprint.collector.portal import _cli
from workprint.governance import accounts
from workprint.governance.accounts import HashParams, Passwords
from workprint.store.engine import create_engine, read_tx, write_tx
from workprint.store.schema import audit_log

app = typer.Typer()
app.add_typer(_cli.audit_app, name="audit")
app.add_typer(_cli.retention_app, name="retention")
app.add_typer(_cli.account_app, name="account")
app.add_typer(_cli.consent_app, name="consent")
app.command("erase")(_cli.erase)

CHEAP = [
    "WORKPRINT_PORTAL__ARGON2_TIME_COST",
    "WORKPRINT_PORTAL__ARGON2_MEMORY_KIB",
    "WORKPRINT_PORTAL__ARGON2_PARALLELISM",
]


@pytest.fixture
def wp(db_url: str, monkeypatch: pytest.MonkeyPatch):
    for name, value in zip(CHEAP, ("1", "8", "1"), strict=True):
        monkeypatch.setenv(name, value)
    runner = CliRunner()

    def run(*args: str, stdin: str | None = None, code: int = 0):
        result = runner.invoke(app, [*args, "--db", db_url], input=stdin)
        assert result.exit_code == code, (result.stdout, result.stderr)
        return result

    return run


def test_accounts_and_tokens(wp, db_url: str) -> None:
    out = wp(
        "account",
        "add",
        "olivia",
        "--role",
        "privacy_officer",
        "--password-stdin",
        stdin="a long enough passphrase\n",
    )
    assert "account olivia added (privacy_officer)" in out.stdout
    wp(
        "account",
        "add",
        "emp001",
        "--role",
        "employee",
        "--password-stdin",
        stdin="another long passphrase\n",
    )
    taken = wp("account", "add", "olivia", "--role", "admin", "--no-password", code=1)
    assert taken.stderr == "error: that username is taken\n"
    bad_role = wp("account", "add", "x", "--role", "boss", "--no-password", code=1)
    assert bad_role.stderr.startswith("error: role must be one of employee")
    token = json.loads(wp("account", "token", "olivia", "--label", "nightly audit").stdout)
    engine = create_engine(db_url)
    try:
        found = accounts.token_account(engine, token["token"], 0)
        assert found is not None and found.role.value == "privacy_officer"
        with read_tx(engine) as conn:
            olivia = accounts.find(conn, "olivia")
            emp = accounts.find(conn, "emp001")
        assert olivia is not None and emp is not None and emp[0].person_id == "emp001"
        assert Passwords(HashParams(1, 8, 1)).verify(olivia[1], "a long enough passphrase")
    finally:
        engine.dispose()
    wp("account", "disable", "olivia")
    assert wp("account", "disable", "olivia", code=1).stderr == "error: no such live account\n"


def test_consent_grant_and_withdraw(wp) -> None:
    wp("account", "add", "emp001", "--role", "employee", "--no-password")
    granted = json.loads(
        wp("consent", "grant", "emp001", "--purpose", "capture", "--purpose", "training").stdout
    )
    assert len(granted["grants"]) == 2
    withdrawn = json.loads(wp("consent", "withdraw", "emp001", "--purpose", "training").stdout)
    assert withdrawn == {"withdrawn": 1}
    unknown = wp("consent", "grant", "emp001", "--purpose", "marketing", code=1)
    assert (
        unknown.stderr
        == "error: unknown purpose 'marketing'; use capture, training or evaluation\n"
    )
    nobody = wp("consent", "withdraw", "ghost", "--purpose", "capture", code=1)
    assert nobody.stderr == "error: no such person (person_id=ghost)\n"


def test_erase_prints_the_report(wp) -> None:
    wp("account", "add", "emp001", "--role", "employee", "--no-password")
    wp("erase", "emp001", "--reason", "leaver", stdin="n\n", code=1)  # declined
    report = json.loads(wp("erase", "emp001", "--reason", "leaver", "--yes").stdout)
    assert report["kind"] == "erasure" and report["removed"]["people"] == 1
    assert report["removed"]["accounts"] == 1
    again = wp("erase", "emp001", "--reason", "leaver", "--yes", code=1)
    assert again.stderr == "error: no such person (person_id=emp001)\n"


def test_audit_verify_finds_tampering(wp, db_url: str) -> None:
    wp("account", "add", "adam", "--role", "admin", "--no-password")
    wp("account", "add", "rosa", "--role", "researcher", "--no-password")
    assert wp("audit", "verify").stdout == "audit log intact: 2 entries\n"
    engine = create_engine(db_url)
    try:
        with write_tx(engine) as conn:
            conn.execute(
                audit_log.delete().where(
                    audit_log.c.seq == sa.select(sa.func.min(audit_log.c.seq)).scalar_subquery()
                )
            )
    finally:
        engine.dispose()
    broken = wp("audit", "verify", code=1)
    assert broken.stderr.startswith("error: audit log entry does not match the chain (seq=")


def test_retention_run_and_show(wp) -> None:
    shown = json.loads(wp("retention", "show").stdout)
    assert shown["events"] == {"source": "default", "ttl_days": 90}
    ran = json.loads(wp("retention", "run", "--max-chunks", "5").stdout)
    assert ran["complete"] is True and ran["deleted"]["events"] == 0
