"""The Ray engine writes the same bytes as the local one (a local Ray with one CPU)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from tests.dataset._store import KEY, add_person, allow_demo, files_of
from workprint.dataset.build import build_dataset
from workprint.dataset.spec import DatasetSpec, ExportSpec
from workprint.store import migrate
from workprint.store.engine import create_engine

pytestmark = [
    pytest.mark.slow,
    # Ray Data warns about its own defaults when it makes its context (not about our use).
    pytest.mark.filterwarnings(r"ignore::DeprecationWarning:ray\..*"),
]


@pytest.fixture
def ray_local() -> Iterator[None]:
    ray = pytest.importorskip("ray")
    ray.init(
        num_cpus=1,
        include_dashboard=False,
        log_to_driver=False,
        configure_logging=False,
        ignore_reinit_error=True,
    )
    try:
        yield
    finally:
        ray.shutdown()


@pytest.fixture
def store(sqlite_url: str) -> Iterator[Engine]:
    engine = create_engine(sqlite_url)
    migrate.upgrade(engine)
    allow_demo(engine)
    for i, person in enumerate(("ana", "ben", "cat", "dan")):
        add_person(
            engine,
            person,
            seed=i + 1,
            count=60,
            desktop=person == "ben",
            task=person == "cat",
            plant=person == "dan",
        )
    yield engine
    engine.dispose()


def test_ray_and_local_engines_write_identical_bytes(
    store: Engine, tmp_path: Path, ray_local: None
) -> None:
    spec = DatasetSpec(export=ExportSpec(row_group_rows=20, shard_rows=40))
    local = build_dataset(store, tmp_path / "local", spec, key=KEY)
    remote = build_dataset(store, tmp_path / "ray", spec, key=KEY, engine_kind="ray")
    assert remote == local
    assert files_of(tmp_path / "ray") == files_of(tmp_path / "local")
    assert local.counts["steps"] > 100
