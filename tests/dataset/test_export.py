"""Exports: Hugging Face ``datasets`` loads the Parquet tables offline; chat prompts."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from tests.dataset._store import KEY, add_person, allow_demo
from workprint.dataset.build import build_dataset
from workprint.dataset.export import (
    NO_TASK,
    element_line,
    hf_data_files,
    render_elements,
    user_prompt,
)
from workprint.dataset.format import ElementRow, StepRow
from workprint.dataset.spec import DatasetSpec
from workprint.dataset.splits import SplitSpec
from workprint.store import migrate
from workprint.store.engine import create_engine


@pytest.fixture
def sqlite_engine(sqlite_url: str) -> Iterator[Engine]:
    engine = create_engine(sqlite_url)
    migrate.upgrade(engine)
    yield engine
    engine.dispose()


def test_hugging_face_datasets_loads_the_steps_offline(
    sqlite_engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for env in ("HF_DATASETS_OFFLINE", "HF_HUB_OFFLINE"):
        monkeypatch.setenv(env, "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf-home"))
    allow_demo(sqlite_engine)
    for i, person in enumerate(("ana", "ben", "cat")):
        add_person(sqlite_engine, person, seed=i + 1, count=60)
    spec = DatasetSpec(splits=SplitSpec(ratios=(("train", 0.5), ("test", 0.5))))
    manifest = build_dataset(sqlite_engine, tmp_path / "d", spec, key=KEY)
    import datasets

    monkeypatch.setattr(datasets.config, "HF_DATASETS_OFFLINE", True)
    monkeypatch.setattr(datasets.config, "HF_HUB_OFFLINE", True)
    files = hf_data_files(tmp_path / "d")
    loaded = datasets.load_dataset(
        "parquet", data_files=files, cache_dir=str(tmp_path / "hf-cache")
    )
    assert set(loaded) == {s for s, e in manifest.splits.items() if e.steps}
    for split, table in loaded.items():
        assert table.num_rows == manifest.splits[split].steps
        first = table[0]
        assert first["op"] and first["action_repr"].startswith(first["op"])
        assert isinstance(first["obs_elements"], list)
    episodes = datasets.load_dataset(
        "parquet",
        data_files=hf_data_files(tmp_path / "d", "episodes"),
        cache_dir=str(tmp_path / "hf-cache"),
    )
    assert sum(t.num_rows for t in episodes.values()) == manifest.counts["episodes"]


ELEMENTS = [ElementRow(eid=i, role="button", name=f"B{i}") for i in range(5)]


def test_the_target_is_always_among_the_listed_elements() -> None:
    lines = render_elements(ELEMENTS, target_eid=4, limit=2)
    assert lines == ['[0] button "B0"', '[4] button "B4"', "(3 more elements not shown)"]
    assert render_elements(ELEMENTS, target_eid=None, limit=10)[-1] == '[4] button "B4"'


@pytest.mark.parametrize(
    ("element", "line"),
    [
        (
            ElementRow(eid=3, role="textbox", name="Note", value="hi"),
            '[3] textbox "Note" value="hi"',
        ),
        (ElementRow(eid=1, tag="select", options=["A", "B"]), '[1] select options="A|B"'),
        (ElementRow(eid=2, text="Go", disabled=True), '[2] element "Go" disabled'),
    ],
    ids=["value", "options", "text_and_disabled"],
)
def test_element_line(element: ElementRow, line: str) -> None:
    assert element_line(element) == line


def _step(**kw: object) -> StepRow:
    base: dict[str, object] = dict(
        episode_id="e",
        step_index=2,
        person="p",
        event_id="x",
        t_ms=0,
        task=None,
        stream="web",
        app="chromium",
        url="https://crm.test/deals",
        obs_kind="elements",
        obs_event_id="o",
        obs_app="chromium",
        obs_url="https://crm.test/deals",
        obs_title="Deals",
        obs_elements=ELEMENTS[:2],
        previous_actions=["CLICK [0]", "CLICK [1]", 'TYPE [1] "a"'],
        op="CLICK",
        target_eid=1,
        target_match="eid",
        target=None,
        value=None,
        action_repr="CLICK [1]",
    )
    base.update(kw)
    return StepRow(**base)  # type: ignore[arg-type]


def test_user_prompt() -> None:
    assert user_prompt(_step(), history=2, max_elements=10) == "\n".join(
        [
            f"Task: {NO_TASK}",
            "Where: chromium https://crm.test/deals",
            "Title: Deals",
            "Elements:",
            '[0] button "B0"',
            '[1] button "B1"',
            "Previous actions:",
            "CLICK [1]",
            'TYPE [1] "a"',
            "Next action?",
        ]
    )
    bare = user_prompt(
        _step(
            task="Close the deal",
            obs_kind="page",
            obs_elements=[],
            previous_actions=[],
            obs_title=None,
        ),
        history=0,
        max_elements=10,
    )
    assert bare.splitlines()[0] == "Task: Close the deal"
    assert "Elements: (none observed)" in bare and "(none)" in bare
