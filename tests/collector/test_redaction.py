"""The collector's redactor keeps its detectors while the deny-list is unchanged."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import Engine

from workprint.collector.redaction import CollectorRedactor
from workprint.privacy.policy import parse
from workprint.store import migrate


def test_detectors_are_rebuilt_only_when_the_names_change(engine: Engine, tmp_path: Path) -> None:
    migrate.upgrade(engine)
    names = tmp_path / "customers.txt"
    names.write_text("Ingrid Vale\n", encoding="utf-8")
    policy = parse(f'version = 1\n[deny_list]\nsources = ["file:{names}"]\n')
    redactor = CollectorRedactor(engine, lambda: policy, key=b"k" * 32, refresh_s=0.0)
    first = redactor.detectors(policy)
    # Refreshed with the same names: the same object, so remembered results stay valid.
    assert redactor.detectors(policy) is first
    names.write_text("Ingrid Vale\nOsric Lund\n", encoding="utf-8")
    second = redactor.detectors(policy)
    assert second is not first
    assert redactor.detectors(policy) is second
