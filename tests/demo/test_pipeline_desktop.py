"""The demo's desktop stage: one line and the rest of the loop when it cannot run or fails,
and one more try on a fresh display when a busy machine missed a deadline."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from workprint.demo import desktop, pipeline
from workprint.demo.errors import DemoError
from workprint.demo.run import DemoResult


def _capture(tmp_path: Path) -> DemoResult:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    return DemoResult(url, tmp_path / "crm.db", {}, None, {}, tmp_path, "http://127.0.0.1:1", {})  # type: ignore[arg-type]


@pytest.fixture
def no_server(monkeypatch: pytest.MonkeyPatch) -> None:
    @contextlib.contextmanager
    def fake(*_a: Any, **_k: Any) -> Iterator[str]:
        yield "http://127.0.0.1:9"

    monkeypatch.setattr(pipeline, "running_collector", fake)
    monkeypatch.setattr(desktop, "unavailable", lambda: None)


@pytest.mark.usefixtures("no_server")
def test_a_failed_session_is_tried_once_more(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[int] = []

    def flaky(*_a: Any, **_k: Any) -> str:
        calls.append(1)
        if len(calls) == 1:
            raise DemoError("timed out after 60 s waiting for Xedit to be active")
        return "recorded"

    monkeypatch.setattr(desktop, "desktop_session", flaky)
    console = Console(record=True, width=200)
    assert pipeline._desktop(console, _capture(tmp_path)) == "recorded"
    assert len(calls) == 2 and "trying once more" in console.export_text()


@pytest.mark.usefixtures("no_server")
def test_two_failures_are_a_reason_not_a_crash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_a: Any, **_k: Any) -> str:
        raise DemoError("timed out")

    monkeypatch.setattr(desktop, "desktop_session", broken)
    assert pipeline._desktop(Console(record=True), _capture(tmp_path)) == "failed: demo_error"


def test_missing_programs_skip_the_session(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(desktop, "unavailable", lambda: "not installed: Xvfb")
    console = Console(record=True, width=200)
    assert pipeline._desktop(console, _capture(tmp_path)) == "not installed: Xvfb"
    assert "desktop session skipped" in console.export_text()
