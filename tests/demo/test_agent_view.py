"""The agent's view: task and page redacted as training data was, in one session, and the
model's values turned back into real text for the browser only."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from workprint.collector.admin import enroll
from workprint.core import events as ev
from workprint.demo._agent_view import RedactedView
from workprint.demo.workload import WORKLOAD_ORIGIN
from workprint.governance import policies
from workprint.privacy.policy import parse
from workprint.store.schema import people

URL = f"{WORKLOAD_ORIGIN}/contacts/7"


def _policy(engine: Engine, mode: str = "redacted") -> None:
    enroll(engine, "emp001")
    with engine.begin() as conn:
        conn.execute(
            people.update().where(people.c.person_id == "emp001").values(display_name="Ingrid Vale")
        )
    policies.apply(
        engine,
        parse(
            f'version = 10\n[[origins]]\norigin = "{WORKLOAD_ORIGIN}"\nmode = "{mode}"\n'
            '[deny_list]\nsources = ["store:people"]\n'
        ),
        actor="po",
    )


def _element(eid: int, name: str, **kw: object) -> ev.Element:
    return ev.Element(eid=eid, tag="a", role="link", name=name, selector=f"#e{eid}", **kw)  # type: ignore[arg-type]


def test_task_and_page_share_placeholders_and_values_are_revealed(engine: Engine) -> None:
    _policy(engine)
    view = RedactedView(engine)
    task = view.task("Ingrid Vale has a new phone number, +1 415 555 0134. Update it.", URL)
    assert task is not None
    assert "Ingrid" not in task and "555" not in task
    first, last = (w for w in task.split() if w.startswith("<PERSON_"))
    assert first != last  # each word of a name has its own placeholder
    person = f"{first} {last}"
    phone = next(w.rstrip(".") for w in task.split() if w.startswith("<PHONE_"))
    shown = view.elements(
        URL,
        [_element(0, "Ingrid Vale"), _element(1, "Edit contact"), _element(2, "Vale only")],
    )
    assert shown is not None and [e.eid for e in shown] == [0, 1, 2]
    assert shown[0].name == person
    assert shown[1].name == "Edit contact"
    assert shown[2].name == f"{last} only"  # a word of a name the run has shown, alone
    assert view.reveal(first) == "Ingrid"
    assert view.reveal(phone) == "+1 415 555 0134"
    assert view.reveal(f"Called {person} today") == "Called Ingrid Vale today"
    assert view.reveal("<PERSON_9999> stays") == "<PERSON_9999> stays"
    # A new run is a new session: nothing of the last one can be revealed by it.
    fresh = view.fresh()
    assert fresh.reveal(phone) == phone


def test_a_page_the_policy_keeps_nothing_of_is_not_shown(engine: Engine) -> None:
    _policy(engine, mode="off")
    view = RedactedView(engine)
    assert view.task("Update Ingrid Vale", URL) is None
    assert view.elements(URL, [_element(0, "Ingrid Vale")]) is None
