"""The desktop session's decisions that need no X display: it says why it cannot run and
then touches nothing, keeps a device while it is active and consented, and never grants
capture again to a person who withdrew it. (The session itself: tests/e2e/test_demo_desktop.py.)"""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa
from rich.console import Console
from sqlalchemy.engine import Engine

from workprint.collector.admin import revoke
from workprint.demo import _xdesktop
from workprint.demo.desktop import _device, desktop_session
from workprint.demo.errors import DemoError
from workprint.governance import consent, policies
from workprint.governance.consent import Purpose
from workprint.store.engine import write_tx
from workprint.store.schema import devices


def _count_devices(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(devices)).scalar_one())


def test_without_the_x_programs_it_says_why_in_one_line_and_touches_nothing(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = shutil.which
    monkeypatch.setattr(
        _xdesktop.shutil, "which", lambda name: None if name in ("Xvfb", "xedit") else real(name)
    )
    out = io.StringIO()
    before = policies.load_active(engine).version
    folder = tmp_path / "desktop"
    result = desktop_session("http://127.0.0.1:9", engine, folder, console=Console(file=out))
    assert result is None
    assert out.getvalue() == "desktop session skipped (not installed: Xvfb, xedit)\n"
    assert policies.load_active(engine).version == before
    assert _count_devices(engine) == 0
    assert not folder.exists()


def test_a_device_is_kept_while_active_and_a_new_one_enrolled_after_revocation(
    engine: Engine, tmp_path: Path
) -> None:
    folder = tmp_path / "agent"
    device, token = _device(engine, "dana", folder)
    (folder / "agent-data").mkdir()
    assert (folder / "token").read_text().strip() == token
    assert (folder / "token").stat().st_mode & 0o077 == 0
    assert _device(engine, "dana", folder) == (device, token)
    assert (folder / "agent-data").exists()  # the same device's spool is kept
    revoke(engine, device)
    again, new_token = _device(engine, "dana", folder)
    assert again != device and new_token != token
    assert not (folder / "agent-data").exists()  # never another device's spool
    with engine.connect() as conn:
        assert len(consent.live_grants(conn, "dana", Purpose.CAPTURE)) == 1  # not granted twice


def test_a_person_who_withdrew_consent_is_not_recorded(engine: Engine, tmp_path: Path) -> None:
    _device(engine, "erin", tmp_path / "agent")
    with write_tx(engine) as conn:
        consent.withdraw(conn, "erin", Purpose.CAPTURE, 1, "erin")
    out = io.StringIO()
    folder = tmp_path / "desktop"
    result = desktop_session(
        "http://127.0.0.1:9", engine, folder, person="erin", console=Console(file=out)
    )
    assert result is None
    assert "withdrew consent" in out.getvalue()
    assert _count_devices(engine) == 1
    with engine.connect() as conn:
        assert consent.live_grants(conn, "erin", Purpose.CAPTURE) == []


def test_it_sends_only_to_a_collector_on_loopback(engine: Engine, tmp_path: Path) -> None:
    with pytest.raises(DemoError, match="only to a collector on"):
        desktop_session("http://192.0.2.7:8080", engine, tmp_path / "desktop")
    assert _count_devices(engine) == 0
