"""Steps: observation, previous actions and action, from episodes (pure)."""

from __future__ import annotations

import pytest

from tests.dataset._factory import URL, element, event, observe, timed
from workprint.core import events as ev
from workprint.dataset.episodes import ACTION_KINDS, Episode, EpisodeRules, cut_episodes
from workprint.dataset.steps import Observer, action_repr, episode_steps, match_target

ELEMENTS = [
    element(0, name="Save", selector="#save"),
    element(1, name="Note", role="textbox", tag="textarea", selector="#note"),
    element(2, name="Save", role="link", tag="a", selector="#save-link"),
    element(3, name="Stage", role="combobox", tag="select", selector=None, bbox=None),
]


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        (None, (None, "absent")),
        (ev.Target(selector="#note"), (1, "selector")),
        (ev.Target(selector="#gone", eid=3), (3, "eid")),
        (ev.Target(selector="#gone", eid=99, bbox=(205.0, 2.0, 80.0, 30.0)), (2, "bbox")),
        (ev.Target(bbox=(900.0, 900.0, 10.0, 10.0), name="Stage"), (3, "name")),
        (ev.Target(name="Save"), (None, "none")),
        (ev.Target(name="Save", role="link"), (2, "name")),
        (ev.Target(x=10, y=20, button="left"), (None, "point")),
        (ev.Target(name="Nothing like it"), (None, "none")),
    ],
    ids=[
        "absent",
        "selector",
        "eid_when_selector_misses",
        "bbox_overlap",
        "unique_name",
        "ambiguous_name",
        "name_narrowed_by_role",
        "desktop_point",
        "no_match",
    ],
)
def test_match_target(target: ev.Target | None, expected: tuple[int | None, str]) -> None:
    assert match_target(target, ELEMENTS) == expected


def test_match_without_a_snapshot_is_none() -> None:
    assert match_target(ev.Target(selector="#note"), []) == (None, "none")


@pytest.mark.parametrize(
    ("op", "eid", "target", "value", "expected"),
    [
        ("CLICK", 17, None, None, "CLICK [17]"),
        ("TYPE", 4, None, 'say "hi"', 'TYPE [4] "say \\"hi\\""'),
        ("SELECT", 5, None, "Won", 'SELECT [5] "Won"'),
        ("KEY", None, None, "ctrl+s", 'KEY "ctrl+s"'),
        ("NAVIGATE", None, ev.Target(tag="a"), "https://x.test/a", 'NAVIGATE "https://x.test/a"'),
        ("SCROLL", None, None, "0,120", "SCROLL 0,120"),
        ("DRAG", None, None, "1,2->3,4", "DRAG (1,2)->(3,4)"),
        ("CLICK", None, ev.Target(x=412, y=300), None, "CLICK (412,300)"),
        ("CLICK", None, ev.Target(role="button", name="Save"), None, 'CLICK <button "Save">'),
        ("SUBMIT", None, None, None, "SUBMIT"),
    ],
    ids=[
        "click",
        "type_quoted",
        "select",
        "key",
        "navigate",
        "scroll",
        "drag",
        "point",
        "unmatched_target",
        "bare",
    ],
)
def test_action_repr(
    op: str, eid: int | None, target: ev.Target | None, value: str | None, expected: str
) -> None:
    assert action_repr(op, eid, target, value) == expected


def _steps(timeline: list, observer: Observer | None = None) -> list:  # type: ignore[type-arg]
    episode = Episode(events=tuple(timeline))
    return episode_steps(
        episode,
        episode_id="ep_x",
        person="p_x",
        observer=observer or Observer(),
        include=frozenset(ACTION_KINDS),
    )


def test_steps_carry_observation_history_and_action() -> None:
    steps = _steps(
        [
            observe(0, ELEMENTS),
            timed("click", 100, target=ev.Target(selector="#note", name="Note")),
            timed(
                "type",
                200,
                target=ev.Target(selector="#note"),
                payload=ev.TypePayload(text="call back <EMAIL_1>"),
            ),
            timed("navigate", 300, url="https://crm.example.test/contacts"),
            timed(
                "click",
                400,
                url="https://crm.example.test/contacts",
                target=ev.Target(role="button", name="Save", selector="#save"),
            ),
        ]
    )
    assert [s.action_repr for s in steps] == [
        "CLICK [1]",
        'TYPE [1] "call back <EMAIL_1>"',
        'NAVIGATE "https://crm.example.test/contacts"',
        'CLICK <button "Save">',
    ]
    assert [s.previous_actions for s in steps] == [
        [],
        ["CLICK [1]"],
        ["CLICK [1]", 'TYPE [1] "call back <EMAIL_1>"'],
        [
            "CLICK [1]",
            'TYPE [1] "call back <EMAIL_1>"',
            'NAVIGATE "https://crm.example.test/contacts"',
        ],
    ]
    first = steps[0]
    assert (first.obs_kind, first.target_match, first.step_index, first.t_ms) == (
        "elements",
        "selector",
        0,
        100,
    )
    assert [e.eid for e in first.obs_elements] == [0, 1, 2, 3]
    assert first.obs_event_id is not None and first.value is None
    # After navigating, the old page's snapshot is no observation of the new page.
    assert (steps[3].obs_kind, steps[3].obs_elements, steps[3].target_eid) == ("page", [], None)


def test_same_as_snapshots_resolve_to_the_earlier_elements() -> None:
    first = observe(0, ELEMENTS)
    again = timed("observe", 50, payload=ev.ObservePayload(same_as=first.event.event_id))
    steps = _steps([first, again, timed("click", 100, target=ev.Target(selector="#save"))])
    assert steps[0].obs_event_id == again.event.event_id
    assert steps[0].target_eid == 0 and len(steps[0].obs_elements) == 4


def test_unknown_same_as_gives_no_observation() -> None:
    lost = timed("observe", 0, payload=ev.ObservePayload(same_as=event("observe").event_id))
    steps = _steps([observe(0, ELEMENTS), lost, timed("click", 1, target=ev.Target(eid=1))])
    assert steps[0].obs_kind == "page"


def test_snapshot_of_another_tab_is_not_the_observation() -> None:
    steps = _steps([observe(0, ELEMENTS, tab=2), timed("click", 1, target=ev.Target(eid=1))])
    assert steps[0].obs_kind == "page"


def test_desktop_steps_observe_the_window() -> None:
    steps = _steps(
        [
            observe(0, ELEMENTS),
            timed(
                "click",
                1,
                stream="desktop",
                app="code",
                url=None,
                title="main.py - code",
                target=ev.Target(x=5, y=6, button="left"),
            ),
        ]
    )
    step = steps[0]
    assert (step.obs_kind, step.obs_app, step.obs_title, step.action_repr) == (
        "window",
        "code",
        "main.py - code",
        "CLICK (5,6)",
    )
    assert step.target is not None and (step.target.x, step.target.y) == (5, 6)


def test_snapshot_carries_into_the_next_episode_on_the_same_page() -> None:
    timeline = [
        observe(0, ELEMENTS),
        timed("click", 1, target=ev.Target(eid=1)),
        timed("click", 10 * 60_000, target=ev.Target(eid=2)),
    ]
    episodes = list(cut_episodes(timeline, EpisodeRules()))
    assert len(episodes) == 2
    observer = Observer()
    first = episode_steps(
        episodes[0], episode_id="a", person="p", observer=observer, include=frozenset(ACTION_KINDS)
    )
    second = episode_steps(
        episodes[1], episode_id="b", person="p", observer=observer, include=frozenset(ACTION_KINDS)
    )
    assert first[0].target_eid == 1
    assert (second[0].obs_kind, second[0].target_eid, second[0].previous_actions) == (
        "elements",
        2,
        [],
    )


@pytest.mark.parametrize(
    ("kind", "payload", "value"),
    [
        ("type", ev.TypePayload(text="abc"), "abc"),
        ("select", ev.SelectPayload(value="Won"), "Won"),
        ("key", ev.KeyPayload(keys="shift+Tab"), "shift+Tab"),
        ("scroll", ev.ScrollPayload(dx=0, dy=-240), "0,-240"),
        ("drag", ev.DragPayload(from_x=1, from_y=2, to_x=3, to_y=4), "1,2->3,4"),
        ("navigate", ev.NavigatePayload(transition="typed"), URL),
        ("submit", None, None),
    ],
    ids=["type", "select", "key", "scroll", "drag", "navigate", "submit"],
)
def test_values(kind: str, payload: object, value: str | None) -> None:
    (step,) = _steps([timed(kind, 0, payload=payload)])
    assert (step.op, step.value) == (kind.upper(), value)


def test_only_included_kinds_become_steps() -> None:
    episode = Episode(events=(timed("click", 0), timed("scroll", 1), timed("focus", 2)))
    steps = episode_steps(
        episode, episode_id="e", person="p", observer=Observer(), include=frozenset({ev.Kind.CLICK})
    )
    assert [s.op for s in steps] == ["CLICK"]


def test_followed_navigations_are_the_actions_effect_not_a_step() -> None:
    def nav(at: int, transition: str) -> object:
        return timed("navigate", at, payload=ev.NavigatePayload(transition=transition))  # type: ignore[arg-type]

    timeline = [
        observe(0, ELEMENTS),
        timed("click", 10, target=ev.Target(selector="#save-link")),
        nav(20, "link"),
        timed("submit", 30, target=ev.Target(selector="#save")),
        nav(40, "form"),
        nav(50, "typed"),
        nav(60, "back_forward"),
    ]
    default = [s.op for s in _steps(timeline)]
    assert default == ["CLICK", "SUBMIT", "NAVIGATE", "NAVIGATE"]
    episode = Episode(events=tuple(timeline))  # type: ignore[arg-type]
    kept = episode_steps(
        episode,
        episode_id="ep_x",
        person="p_x",
        observer=Observer(),
        include=frozenset(ACTION_KINDS),
        followed_navigations=True,
    )
    assert [s.op for s in kept].count("NAVIGATE") == 4


def test_a_click_the_browser_made_for_a_key_is_the_keys_effect() -> None:
    def key(at: int, keys: str, **kw: object) -> object:
        return timed(
            "key", at, target=ev.Target(selector="#note"), payload=ev.KeyPayload(keys=keys), **kw
        )  # type: ignore[arg-type]

    def click(at: int, **kw: object) -> object:
        return timed("click", at, target=ev.Target(selector="#save"), **kw)  # type: ignore[arg-type]

    timeline = [
        observe(0, ELEMENTS),
        key(10, "Enter"),
        click(14),  # implicit submission: the browser's own click
        key(1000, "Space"),
        click(1003),  # a focused button activated by Space
        key(2000, "Enter"),
        click(2400),  # a hand's click, 400 ms later: an action
        key(3000, "Tab"),
        click(3002),  # Tab activates nothing
        key(4000, "Enter", tab=1),
        click(4001, tab=2),  # another tab: not this key's click
        key(5000, "Enter", stream="desktop", app="xterm", url=None, tab=None),
        click(5001, stream="desktop", app="xterm", url=None, tab=None),
    ]
    default = [(s.op, s.value) for s in _steps(timeline)]
    assert default == [
        ("KEY", "Enter"),
        ("KEY", "Space"),
        ("KEY", "Enter"),
        ("CLICK", None),
        ("KEY", "Tab"),
        ("CLICK", None),
        ("KEY", "Enter"),
        ("CLICK", None),
        ("KEY", "Enter"),
        ("CLICK", None),
    ]
    kept = episode_steps(
        Episode(events=tuple(timeline)),  # type: ignore[arg-type]
        episode_id="ep_x",
        person="p_x",
        observer=Observer(),
        include=frozenset(ACTION_KINDS),
        key_clicks=True,
    )
    assert [s.op for s in kept].count("CLICK") == 6


def _ended(outcome: str | None, *, end_step: bool = True) -> list:  # type: ignore[type-arg]
    after = [element(7, name="Deal saved", role="link", tag="a", selector="#deal")]
    episode = Episode(
        events=(
            observe(0, ELEMENTS),
            timed("click", 10, target=ev.Target(selector="#save")),
            observe(20, after, url=URL + "/deal/4"),
        ),
        task="Save the deal",
        outcome=outcome,
        end_reason="task_end",
    )
    return episode_steps(
        episode,
        episode_id="ep_x",
        person="p_x",
        observer=Observer(),
        include=frozenset(ACTION_KINDS),
        end_step=end_step,
    )


def test_a_task_ended_as_done_closes_with_an_end_step_on_the_page_it_led_to() -> None:
    steps = _ended("done")
    assert [s.op for s in steps] == ["CLICK", "END"]
    end = steps[-1]
    assert end.step_index == 1 and end.previous_actions == [steps[0].action_repr]
    assert end.target is None and end.target_eid is None and end.value is None
    assert end.target_match == "absent" and end.action_repr == "END"
    # The observation is the page the click led to, not the one it happened on.
    assert end.obs_url == URL + "/deal/4" and [e.eid for e in end.obs_elements] == [7]
    assert end.t_ms == 20 and end.task == "Save the deal"


@pytest.mark.parametrize("outcome", ["abandoned", "failed", None])
def test_no_end_step_for_a_task_not_done(outcome: str | None) -> None:
    assert [s.op for s in _ended(outcome)] == ["CLICK"]


def test_end_steps_can_be_switched_off() -> None:
    assert [s.op for s in _ended("done", end_step=False)] == ["CLICK"]
