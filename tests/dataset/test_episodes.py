"""Episode cutting and stream merging: tables of time lines and the episodes they give."""

from __future__ import annotations

import dataclasses

import pytest

from tests.dataset._factory import row, timed
from workprint.core import events as ev
from workprint.dataset.episodes import (
    EpisodeRules,
    TimedEvent,
    cut_episodes,
    merge_streams,
    primary,
)
from workprint.dataset.errors import SpecInvalid

RULES = EpisodeRules()
MIN = 60_000
HOUR = 60 * MIN


def _end(task_id: str = "t1", outcome: str = "done") -> ev.TaskEndPayload:
    return ev.TaskEndPayload(task_id=task_id, outcome=outcome)  # type: ignore[arg-type]


def _start(task_id: str, label: str) -> ev.TaskStartPayload:
    return ev.TaskStartPayload(task_id=task_id, label=label)


CASES: list[tuple[str, list[TimedEvent], EpisodeRules, list[tuple[str | None, str, int]]]] = [
    (
        "task_labels_make_an_episode",
        [
            timed("task_start", 0),
            timed("click", 1000),
            timed("type", 2000),
            timed("task_end", 3000, payload=_end()),
            timed("click", 4000),
        ],
        RULES,
        [("Renew the contract", "task_end", 2), (None, "end", 1)],
    ),
    (
        "idle_event_cuts",
        [timed("click", 0), timed("idle", 1000), timed("click", 2000)],
        RULES,
        [(None, "idle", 1), (None, "end", 1)],
    ),
    (
        "idle_event_kept_when_switched_off",
        [timed("click", 0), timed("idle", 1000), timed("click", 2000)],
        EpisodeRules(cut_on_idle_event=False),
        [(None, "end", 2)],
    ),
    (
        "silence_cuts",
        [timed("click", 0), timed("click", 5 * MIN + 1)],
        RULES,
        [(None, "silence", 1), (None, "end", 1)],
    ),
    (
        "silence_at_the_limit_does_not_cut",
        [timed("click", 0), timed("click", 5 * MIN)],
        RULES,
        [(None, "end", 2)],
    ),
    (
        "silence_inside_a_task_does_not_cut",
        [timed("task_start", 0), timed("click", 1), timed("click", 2 * HOUR)],
        RULES,
        [("Renew the contract", "end", 2)],
    ),
    (
        "task_without_end_times_out",
        [timed("task_start", 0), timed("click", 1), timed("click", 5 * HOUR)],
        RULES,
        [("Renew the contract", "task_timeout", 1), (None, "end", 1)],
    ),
    (
        "app_change_cuts",
        [timed("click", 0), timed("focus", 10, stream="desktop", app="code", url=None)],
        RULES,
        [(None, "app_change", 1), (None, "end", 1)],
    ),
    (
        "app_change_kept_when_switched_off",
        [timed("click", 0), timed("focus", 10, stream="desktop", app="code", url=None)],
        EpisodeRules(cut_on_app_change=False),
        [(None, "end", 2)],
    ),
    (
        "origin_change_cuts",
        [timed("click", 0), timed("navigate", 10, url="https://wiki.example.test/page")],
        RULES,
        [(None, "origin_change", 1), (None, "end", 1)],
    ),
    (
        "path_change_on_one_origin_does_not_cut",
        [timed("click", 0), timed("navigate", 10, url="https://crm.example.test/contacts")],
        RULES,
        [(None, "end", 2)],
    ),
    (
        "context_changes_inside_a_task_do_not_cut",
        [
            timed("task_start", 0),
            timed("click", 1),
            timed("navigate", 2, url="https://wiki.example.test/"),
            timed("key", 3, stream="desktop", app="code", url=None),
        ],
        RULES,
        [("Renew the contract", "end", 3)],
    ),
    (
        "pause_cuts",
        [timed("click", 0), timed("pause", 1), timed("resume", 2), timed("click", 3)],
        RULES,
        [(None, "pause", 1), (None, "end", 1)],
    ),
    (
        "gap_cuts",
        [timed("click", 0), timed("gap", 1), timed("click", 3)],
        RULES,
        [(None, "gap", 1), (None, "end", 1)],
    ),
    (
        "max_events_cuts_and_a_task_goes_on",
        [timed("task_start", 0), *(timed("click", i) for i in range(1, 6))],
        EpisodeRules(max_events=2),
        [
            ("Renew the contract", "max_events", 2),
            ("Renew the contract", "max_events", 2),
            ("Renew the contract", "end", 1),
        ],
    ),
    (
        "task_start_inside_a_task",
        [
            timed("task_start", 0, payload=_start("a", "First")),
            timed("click", 1),
            timed("task_start", 2, payload=_start("b", "Second")),
            timed("click", 3),
        ],
        RULES,
        [("First", "next_task", 1), ("Second", "end", 1)],
    ),
    (
        "task_start_after_unlabelled_work",
        [timed("click", 0), timed("task_start", 1), timed("click", 2)],
        RULES,
        [(None, "task_start", 1), ("Renew the contract", "end", 1)],
    ),
    (
        "stray_task_end_is_ignored",
        [timed("click", 0), timed("task_end", 1, payload=_end()), timed("click", 2)],
        RULES,
        [(None, "end", 2)],
    ),
    (
        "boundaries_alone_make_no_episode",
        [timed("idle", 0), timed("active", 1), timed("pause", 2), timed("resume", 3)],
        RULES,
        [],
    ),
]


@pytest.mark.parametrize(
    ("timeline", "rules", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_cutting(
    timeline: list[TimedEvent], rules: EpisodeRules, expected: list[tuple[str | None, str, int]]
) -> None:
    episodes = list(cut_episodes(timeline, rules))
    assert [(e.task, e.end_reason, len(e.events)) for e in episodes] == expected
    kept = [t for e in episodes for t in e.events]
    assert all(t.kind.value not in ("task_start", "task_end", "idle", "pause", "gap") for t in kept)


def test_outcome_comes_from_the_matching_task_end_only() -> None:
    done = list(
        cut_episodes(
            [
                timed("task_start", 0),
                timed("click", 1),
                timed("task_end", 2, payload=_end("t1", "failed")),
            ],
            RULES,
        )
    )
    other = list(
        cut_episodes(
            [timed("task_start", 0), timed("click", 1), timed("task_end", 2, payload=_end("zz"))],
            RULES,
        )
    )
    assert (done[0].outcome, done[0].task_id) == ("failed", "t1")
    assert (other[0].outcome, other[0].end_reason) == (None, "task_end")


def test_pauses_inside_a_task_are_counted_not_cut() -> None:
    episodes = list(
        cut_episodes(
            [
                timed("task_start", 0),
                timed("click", 1),
                timed("pause", 2),
                timed("resume", 3),
                timed("gap", 4),
                timed("click", 5),
            ],
            RULES,
        )
    )
    assert [(len(e.events), e.interruptions) for e in episodes] == [(2, 2)]


@pytest.mark.parametrize(
    ("desktop_kind", "web_at", "kept_desktop"),
    [("click", 100, False), ("click", 301, True), ("key", 100, True)],
    ids=["mirrored_click_dropped", "outside_window_kept", "other_kind_kept"],
)
def test_desktop_actions_mirrored_by_web_actions_are_dropped(
    desktop_kind: str, web_at: int, kept_desktop: bool
) -> None:
    desktop = timed(desktop_kind, 0, stream="desktop", device="dev_d", url=None)
    web = timed("click", web_at)
    (episode,) = cut_episodes([desktop, web], RULES)
    assert (desktop in episode.events) is kept_desktop
    assert web in episode.events


def test_merge_corrects_skew_and_interleaves_streams() -> None:
    # The desktop clock runs 5 s ahead of the server (skew = server - device = -5000).
    desktop = [
        row("click", 10_000, -5000, stream="desktop", device="dev_d", url=None, seq=1),
        row("click", 20_000, -5000, stream="desktop", device="dev_d", url=None, seq=2),
    ]
    web = [row("click", 8_000, 0, seq=1), row("click", 12_000, 0, seq=2)]
    merged = list(merge_streams([desktop, web]))
    assert [(t.at_ms, t.event.stream) for t in merged] == [
        (5_000, "desktop"),
        (8_000, "web"),
        (12_000, "web"),
        (15_000, "desktop"),
    ]


def test_merge_keeps_each_streams_recorded_order_despite_latency_jitter() -> None:
    # Two batches of one stream whose skews differ by network latency: without the clamp
    # the second event would be placed before the first.
    stream = [row("click", 1_000, 50, seq=1), row("type", 1_010, 20, seq=2)]
    merged = list(merge_streams([stream]))
    assert [t.event.seq for t in merged] == [1, 2]
    assert [t.at_ms for t in merged] == [1_050, 1_050]


def test_merge_is_lazy() -> None:
    def endless():  # type: ignore[no-untyped-def]
        at = 0
        while True:
            at += 1
            yield row("click", at)

    first = next(iter(merge_streams([endless()])))
    assert first.at_ms == 1


@pytest.mark.parametrize(
    "changes",
    [{"idle_gap_s": 0}, {"task_timeout_s": -1}, {"max_events": 1}, {"dedupe_window_ms": -5}],
    ids=["idle_gap", "task_timeout", "max_events", "dedupe"],
)
def test_rules_reject_nonsense(changes: dict[str, float]) -> None:
    with pytest.raises(SpecInvalid):
        dataclasses.replace(RULES, **changes)


@pytest.mark.parametrize(
    ("values", "expected"),
    [([], None), ([None, ""], None), (["b", "a", "b"], "b"), (["b", "a"], "a")],
    ids=["empty", "only_empty", "most_frequent", "tie_alphabetical"],
)
def test_primary(values: list[str | None], expected: str | None) -> None:
    assert primary(values) == expected
