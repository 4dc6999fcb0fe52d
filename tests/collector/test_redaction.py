"""The collector's redactor keeps its detectors while the deny-list is unchanged."""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy.engine import Engine

from workprint.collector.redaction import CollectorRedactor
from workprint.privacy.detectors import find_all
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


def test_a_changed_directory_file_is_read_within_the_watch_interval(
    engine: Engine, tmp_path: Path
) -> None:
    """A name a directory sync writes is redacted within ``watch_s``, not ``refresh_s``."""
    migrate.upgrade(engine)
    names = tmp_path / "customers.txt"
    names.write_text("Ingrid Vale\n", encoding="utf-8")
    policy = parse(f'version = 1\n[deny_list]\nsources = ["file:{names}"]\n')
    now = [100.0]
    redactor = CollectorRedactor(
        engine,
        lambda: policy,
        key=b"k" * 32,
        refresh_s=60.0,
        watch_s=1.0,
        monotonic=lambda: now[0],
    )
    first = redactor.detectors(policy)
    names.write_text("Ingrid Vale\nOsric Lund\n", encoding="utf-8")
    now[0] += 0.5
    assert redactor.detectors(policy) is first  # not looked at again yet
    now[0] += 0.6
    second = redactor.detectors(policy)
    assert second is not first
    assert [s.entity for s in find_all("call Osric Lund today", second)] == ["PERSON"]
    # Rewritten with the same names: looked at, read, and the detectors kept.
    os.utime(names, ns=(1, 1))
    now[0] += 1.1
    assert redactor.detectors(policy) is second
    # A deleted file is a change too; its names are no longer listed.
    names.unlink()
    now[0] += 1.1
    assert redactor.detectors(policy) is not second
