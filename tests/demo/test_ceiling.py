"""The Bayes ceiling of the simulated team's steps: every family's paths add up to certainty,
a family worked out by hand gives the same ceiling, a look down the page is never the
likelier next step, and the oracle scores recorded steps as the tree says (off the tree it
counts a step right, so that the score stays an upper bound)."""

from __future__ import annotations

from pathlib import Path

import pytest

from workprint.dataset.format import StepRow, TargetRow
from workprint.demo import ceiling as cl
from workprint.demo import team
from workprint.demo._human import QUICK, Pace

ALL = (*team.FAMILIES, *team.CHORES)


@pytest.mark.parametrize("family", ALL)
@pytest.mark.parametrize("abandon", [False, True])
def test_every_path_has_its_chance_and_they_add_up(family: str, abandon: bool) -> None:
    found = cl.paths(family, abandon=abandon)  # raises unless the chances add up to 1
    assert all(p.probability > 0 for p in found)
    assert len({p.notes for p in found}) <= len(found)
    done = [p for p in found if p.outcome == "done"]
    assert bool(done) is not (abandon and family in team.FAMILIES)
    assert all(p.notes[-1] == cl.END for p in done)


def test_the_password_chore_by_hand() -> None:
    # Menu, Settings, the current password: sure. The new and the confirmation: Tab 60% (or a
    # click). Send: the button 60% (or Enter). END: sure. 4 + 3 x 0.6 right of 7.
    c = cl.ceiling("change_password")
    assert c.steps == pytest.approx(7.0)
    assert c.right == pytest.approx(4 + 3 * 0.6)
    assert c.rate == pytest.approx(5.8 / 7)


@pytest.mark.parametrize("pace", [QUICK, Pace()], ids=["quick", "full"])
@pytest.mark.parametrize("family", ALL)
def test_a_look_down_the_page_is_never_the_likelier_next_step(family: str, pace: Pace) -> None:
    tree = cl.Tree.of(cl.paths(family, pace=pace))
    for prefix in tree.next:
        best = tree.best(prefix)
        assert best is not None and best[0] != cl.SCROLL


def test_a_task_text_names_its_family(tmp_path: Path) -> None:
    plan = team.plan_tasks(3, ["alice", "bob", "carol", "dave"], 6, crm_db=None)
    tasks = [t for ts in plan.values() for t in ts]
    assert {t.family for t in tasks} == set(ALL)
    assert all(cl.family_of(t.text) == t.family for t in tasks)
    assert cl.family_of("Buy milk") is None and cl.family_of(None) is None


@pytest.mark.parametrize(
    ("role", "name", "selector", "want"),
    [
        ("textbox", "Phone", "#phone", "#phone"),
        ("textbox", None, None, "textbox:"),
        ("link", "Contacts", "body > header > nav > a", "link:Contacts"),
        ("link", "Negotiation", "#main > nav > a", "link:<stage>"),
        ("link", "<PERSON_12> <PERSON_7>", "#main > table a", "link:<record>"),
        ("link", "Kelly Ltd – Pilot", "#main > table a", "link:<record>"),
        ("button", "B <PERSON_3> <PERSON_9>", "details > summary", "button:<account>"),
        ("button", "<PERSON_9195>", "#main > form > button", "button:Apply"),
        ("button", "Save contact", "#main > form > button", "button:Save contact"),
    ],
)
def test_a_step_is_told_by_what_does_not_change_between_tasks(
    role: str, name: str | None, selector: str | None, want: str
) -> None:
    assert cl.descriptor(role, name, selector) == want


def _step(
    episode: str, i: int, task: str, op: str, target: TargetRow | None, value: str | None
) -> StepRow:
    return StepRow(
        episode_id=episode, step_index=i, person="p", event_id=f"{episode}-{i}", t_ms=i,
        task=task, stream="web", app=None, url=None, obs_kind="web", obs_event_id=None,
        obs_app=None, obs_url=None, obs_title=None, obs_elements=[], previous_actions=[],
        op=op, target_eid=None, target_match="none", target=target, value=value,
        action_repr=op,
    )  # fmt: skip


def _episode(
    episode: str, task: str, actions: list[tuple[str, TargetRow | None, str | None]]
) -> list[StepRow]:
    return [_step(episode, i, task, *a) for i, a in enumerate(actions)]


_ROTATE = "Your Nexus CRM password is due for rotation: change it in Settings."
_MENU = TargetRow(tag="summary", role="button", name="D <PERSON_1> <PERSON_2>")
_SETTINGS = TargetRow(tag="a", role="link", name="Settings", selector="header a")
_SECRET = TargetRow(tag="input", role="textbox")
_SEND = TargetRow(tag="button", role="button", name="Change password", selector="form > button")


def test_the_oracle_scores_recorded_steps_by_the_tree() -> None:
    steps = _episode(
        "e1",
        _ROTATE,
        [
            ("CLICK", _MENU, None),
            ("CLICK", _SETTINGS, None),
            ("SCROLL", None, "0,-240"),  # a miss, and not part of what the oracle has seen
            ("CLICK", _SECRET, None),
            ("CLICK", _SECRET, None),  # the less likely click: a miss
            ("KEY", _SECRET, "Tab"),
            ("KEY", _SECRET, "Enter"),  # the less likely Enter: a miss
            ("END", None, None),
        ],
    )
    other = _episode("e2", "Water the plants", [("CLICK", _SETTINGS, None)])
    judged = cl.oracle_on_steps([*other, *steps])
    assert [j.episode_id for j in judged] == ["e2"] + ["e1"] * 8
    assert [j.right for j in judged[1:]] == [True, True, False, True, False, True, False, True]
    assert not any(j.credited for j in judged[1:])
    assert judged[0].right and judged[0].credited and judged[0].family is None


def test_off_the_tree_every_step_after_counts_right() -> None:
    steps = _episode(
        "e1",
        _ROTATE,
        [
            ("CLICK", _MENU, None),
            ("CLICK", _SEND, None),  # no path sends before Settings: off the tree
            ("KEY", _SECRET, "Enter"),
        ],
    )
    judged = cl.oracle_on_steps(steps)
    assert [(j.right, j.credited) for j in judged] == [(True, False), (True, True), (True, True)]


def test_an_even_coin_is_decided_by_name_not_by_rounding() -> None:
    found = [
        cl.Path(("CLICK link:Contacts",), 0.1 + 0.2, "done"),
        cl.Path(("CLICK #global-search",), 0.3, "done"),
    ]
    assert cl.Tree.of(found).best(()) == ("CLICK link:Contacts", pytest.approx(0.5))


def test_the_oracle_beside_other_systems() -> None:
    steps = _episode(
        "e1",
        _ROTATE,
        [("CLICK", _MENU, None), ("CLICK", _SETTINGS, None), ("SCROLL", None, "0,-240")],
    )
    doc = cl.versus(steps, {"model": [True, False, True]})
    assert doc["steps"] == 3 and doc["episodes"] == doc["covered"] == 1
    assert doc["step_sr"] == {"oracle": pytest.approx(2 / 3), "model": pytest.approx(2 / 3)}
    assert doc["by_family"]["change_password"]["steps"] == 3
    assert doc["kinds"]["certain"]["steps"] == 2 and doc["scrolls"] == 1
    with pytest.raises(ValueError, match="one result per step"):
        cl.versus(steps, {"model": [True]})
