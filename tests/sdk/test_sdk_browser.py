"""The browser SDK in real Chromium against a real collector: every kind arrives with its
target, secrets never leave the page, pausing stops capture, an offline period and a collector
restart lose nothing, and origins the policy does not list produce nothing at all."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

import pytest

from tests.sdk.conftest import Tab, World
from workprint.collector.admin import revoke
from workprint.store.events import list_gaps

pytestmark = pytest.mark.e2e

PASSWORD = "Sup3r-S3cret!pw"
CARD = "4111111111111111"
EMAIL = "jane.roe@example.com"
NEVER = [
    PASSWORD,
    CARD,
    "4111 1111",
    "blocked input value",
    "BLOCKED-REGION-TEXT",
    "hidden-csrf-token-value",
    "private-query",
    "typed while paused",
    EMAIL,
]
WAIT_MS = 30_000  # generous: CI machines may be busy


def _ready(tab: Tab, mode: str) -> None:
    tab.page.wait_for_function(
        "mode => window.Workprint && Workprint.state().mode === mode", arg=mode, timeout=WAIT_MS
    )


def _flush(tab: Tab) -> dict[str, Any]:
    result: dict[str, Any] = tab.page.evaluate("() => Workprint.flush()")
    return result


def _by_kind(events: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [e for e in events if e["kind"] == kind]


def _selector(event: dict[str, Any]) -> str | None:
    target = event.get("target") or {}
    selector: str | None = target.get("selector")
    return selector


def _recording_form(sdk_world: World, open_tab: Any) -> tuple[Any, Tab]:
    """A newly enrolled device's tab on the test form, recording (its badge shows it)."""
    device = sdk_world.enroll()
    tab: Tab = open_tab(device.token, sdk_world.redacted.origin)
    tab.page.goto(f"{sdk_world.redacted.origin}/form.html")
    _ready(tab, "redacted")
    badge = tab.page.get_by_role("status").filter(has_text="Recording on: redacted")
    badge.wait_for(timeout=WAIT_MS)
    return device, tab


def _act_on_form(tab: Tab) -> None:
    page = tab.page
    page.fill("#full-name", "Jane Roe")
    page.press("#full-name", "Tab")
    page.fill("#email", EMAIL)
    page.press("#email", "Tab")
    page.fill("#password", PASSWORD)
    page.press("#password", "Enter")
    page.fill("#card", CARD)
    page.press("#card", "Tab")
    page.select_option("#stage", label="Qualified")
    page.fill("#blocked-input", "blocked input value")
    page.press("#blocked-input", "Tab")
    page.focus("#full-name")
    page.keyboard.press("Control+s")
    page.dblclick("#heading")
    page.click("#notes", button="right")
    page.click("#save")
    page.click("#open-deal")
    page.click("#details-link")
    page.mouse.move(300, 300)
    page.mouse.wheel(0, 800)
    page.wait_for_function("() => window.scrollY > 0", timeout=WAIT_MS)
    page.evaluate("() => document.dispatchEvent(new Event('visibilitychange'))")
    page.evaluate(
        "label => { const id = Workprint.taskStart(label); Workprint.taskEnd(id, 'done'); }",
        f"Create a contact for {EMAIL}",
    )


def _pause_and_type(tab: Tab) -> None:
    page = tab.page
    page.get_by_role("button", name="Pause recording").click()
    assert page.evaluate("() => Workprint.isPaused()") is True
    page.fill("#full-name", "typed while paused")
    page.press("#full-name", "Tab")
    page.click("#save")
    page.get_by_role("button", name="Resume recording").click()
    assert page.evaluate("() => Workprint.isPaused()") is False


def test_every_kind_arrives_with_its_target_and_nothing_secret_leaves(
    sdk_world: World, open_tab: Any
) -> None:
    device, tab = _recording_form(sdk_world, open_tab)
    _act_on_form(tab)
    _pause_and_type(tab)
    result = _flush(tab)
    assert result["queued"] == 0

    events = sdk_world.events(device.device_id)
    kinds = Counter(e["kind"] for e in events)
    expected = {
        "navigate", "observe", "click", "double_click", "right_click", "type", "key", "scroll",
        "select", "submit", "focus", "task_start", "task_end", "pause", "resume",
    }  # fmt: skip
    assert expected <= set(kinds), f"missing kinds: {expected - set(kinds)}"
    assert sdk_world.quarantined(device.device_id) == []
    assert [e["seq"] for e in events] == list(range(1, len(events) + 1))
    assert all(e["privacy"]["mode"] == "redacted" for e in events)
    assert all(e["consent"]["grant_id"] == device.grants[0] for e in events)

    typed = {_selector(e): e for e in _by_kind(events, "type")}
    assert "#password" not in typed and "#card" not in typed and "#blocked-input" not in typed
    email = typed["#email"]
    assert re.fullmatch(r"<EMAIL_\d+>", email["payload"]["text"])
    assert email["target"]["role"] == "textbox"
    assert email["target"]["name"] == "Email"
    assert email["target"]["attrs"]["type"] == "email"
    assert email["privacy"]["redactions"].get("EMAIL", 0) >= 1

    (select,) = _by_kind(events, "select")
    assert select["payload"] == {"value": "Qualified", "index": 1}
    assert (_selector(select), select["target"]["role"]) == ("#stage", "combobox")

    clicks = [e for e in _by_kind(events, "click") if _selector(e) == "#save"]
    assert clicks and clicks[0]["target"]["name"] == "Save contact"
    assert clicks[0]["target"]["role"] == "button"
    assert "eid" in clicks[0]["target"], "the target names its element in the snapshot"
    assert _selector(_by_kind(events, "submit")[0]) == "#contact-form"
    assert _selector(_by_kind(events, "double_click")[0]) == "#heading"
    assert _selector(_by_kind(events, "right_click")[0]) == "#notes"
    keys = {e["payload"]["keys"] for e in _by_kind(events, "key")}
    assert {"Tab", "ctrl+s", "Enter"} <= keys
    assert any(e["payload"]["dy"] > 0 for e in _by_kind(events, "scroll"))
    assert _by_kind(events, "focus")[0]["payload"] == {"scope": "tab"}

    navigations = _by_kind(events, "navigate")
    assert navigations[0]["context"]["url"] == f"{sdk_world.redacted.origin}/form.html"
    pushed = [n for n in navigations if n["payload"].get("transition") == "history"]
    assert pushed[0]["context"]["url"] == f"{sdk_world.redacted.origin}/deals/42?stage=won"
    assert pushed[0]["payload"]["from_url"] == f"{sdk_world.redacted.origin}/form.html"
    assert any(n["payload"].get("transition") == "link" for n in navigations)

    snapshot = next(e for e in _by_kind(events, "observe") if e["payload"].get("elements"))
    elements = {el.get("selector"): el for el in snapshot["payload"]["elements"]}
    assert elements["#email"]["role"] == "textbox"
    assert "value" not in elements["#password"]
    assert "#blocked-input" not in elements
    assert snapshot["payload"]["viewport"] == [1000, 700]

    (start,) = _by_kind(events, "task_start")
    assert re.fullmatch(r"Create a contact for <EMAIL_\d+>", start["payload"]["label"])
    (end,) = _by_kind(events, "task_end")
    assert end["payload"]["task_id"] == start["payload"]["task_id"]
    assert end["payload"].get("outcome", "done") == "done"  # the default is not stored

    (pause,) = _by_kind(events, "pause")
    (resume,) = _by_kind(events, "resume")
    assert pause["payload"].get("reason", "user") == "user"
    assert resume["seq"] == pause["seq"] + 1, "nothing is captured while paused"

    stored = sdk_world.store_bytes()
    sent = tab.bodies()
    for value in NEVER:
        assert value.encode() not in stored, "a never-captured value reached the store"
        assert value.encode() not in sent, "a never-captured value left the page"


def test_offline_period_and_collector_restart_lose_nothing(sdk_world: World, open_tab: Any) -> None:
    device = sdk_world.enroll()
    tab: Tab = open_tab(device.token, sdk_world.redacted.origin)
    page = tab.page
    page.goto(f"{sdk_world.redacted.origin}/form.html")
    _ready(tab, "redacted")
    counters = page.locator("button.counter")
    counters.nth(0).click()
    assert _flush(tab)["queued"] == 0

    tab.context.set_offline(True)
    for i in range(3):
        counters.nth(i).click()
    offline = _flush(tab)
    assert offline["queued"] >= 3
    assert page.evaluate("() => Workprint.state().lastError") is not None
    # The collector goes down before the network comes back: were it still up, the SDK's
    # retry could deliver the offline queue first, and the count below would race it.
    sdk_world.collector.kill()
    tab.context.set_offline(False)
    try:
        counters.nth(1).click()
        assert _flush(tab)["queued"] >= 4
        page.reload()  # the page reloads while the collector is down: the queue is in IndexedDB
        _ready(tab, "redacted")
        counters.nth(2).click()
    finally:
        sdk_world.collector.start()
    assert _flush(tab)["queued"] == 0

    events = sdk_world.events(device.device_id)
    assert [e["seq"] for e in events] == list(range(1, len(events) + 1))
    print(
        [
            (e["seq"], e["kind"], (e.get("target") or {}).get("name"), e["payload"])
            for e in events
            if e["kind"] != "observe"
        ]
    )
    counted = [e for e in _by_kind(events, "click") if e["target"]["name"].startswith("Count ")]
    assert len(counted) == 6
    assert len(_by_kind(events, "navigate")) == 2
    assert len({e["session_id"] for e in events}) == 1, "a reload keeps the tab session"
    assert list_gaps(sdk_world.engine, device.device_id) == []
    assert sdk_world.quarantined(device.device_id) == []


def test_metadata_origin_keeps_no_text(sdk_world: World, open_tab: Any) -> None:
    device = sdk_world.enroll()
    tab: Tab = open_tab(device.token, sdk_world.metadata.origin)
    tab.page.goto(f"{sdk_world.metadata.origin}/form.html?stage=won")
    _ready(tab, "metadata")
    tab.page.fill("#email", EMAIL)
    tab.page.press("#email", "Tab")
    tab.page.click("#save")
    assert _flush(tab)["queued"] == 0
    events = sdk_world.events(device.device_id)
    assert {"navigate", "type", "click", "submit"} <= {e["kind"] for e in events}
    for event in events:
        assert event["privacy"]["mode"] == "metadata"
        assert event["context"] == {"app": "sdk-test", "url": sdk_world.metadata.origin}
        target = event.get("target") or {}
        assert not {"name", "text", "selector"} & set(target)
    (typed,) = _by_kind(events, "type")
    assert typed["payload"]["text"] == ""
    assert typed["target"]["attrs"] == {"type": "email"}
    assert b"New contact" not in tab.bodies()
    assert EMAIL.encode() not in sdk_world.store_bytes()


def test_an_origin_the_policy_does_not_list_produces_nothing(
    sdk_world: World, open_tab: Any
) -> None:
    device = sdk_world.enroll()
    tab: Tab = open_tab(device.token, sdk_world.unlisted.origin)
    page = tab.page
    page.goto(f"{sdk_world.unlisted.origin}/form.html")
    page.wait_for_function("() => window.Workprint !== undefined", timeout=WAIT_MS)
    page.fill("#email", EMAIL)
    page.press("#email", "Tab")
    page.click("#save")
    page.click("#open-deal")
    assert _flush(tab) == {"sent": 0, "queued": 0}
    assert page.evaluate("() => Workprint.state().mode") == "off"
    assert page.locator("workprint-indicator").count() == 0
    assert tab.posted_to("/v1/ingest") == []
    assert sdk_world.events(device.device_id) == []


def test_loading_the_sdk_twice_records_once(sdk_world: World, open_tab: Any) -> None:
    device = sdk_world.enroll()
    tab: Tab = open_tab(device.token, sdk_world.redacted.origin, copies=2)
    tab.page.goto(f"{sdk_world.redacted.origin}/form.html")
    _ready(tab, "redacted")
    tab.page.click("#save")
    assert _flush(tab)["queued"] == 0
    events = sdk_world.events(device.device_id)
    assert [_selector(e) for e in _by_kind(events, "click")] == ["#save"]
    assert len(_by_kind(events, "navigate")) == 1
    assert tab.page.locator("workprint-indicator").count() == 1


def test_an_origin_switched_off_stops_recording(sdk_world: World, open_tab: Any) -> None:
    device = sdk_world.enroll()
    origin = sdk_world.switched.origin
    tab: Tab = open_tab(device.token, origin, policyRefreshMs=1000)
    tab.page.goto(f"{origin}/form.html")
    _ready(tab, "redacted")
    tab.page.click("#save")
    assert _flush(tab)["queued"] == 0
    before = len(sdk_world.events(device.device_id))
    origins = sdk_world.origins()
    del origins[origin]
    sdk_world.apply_policy(origins)
    _ready(tab, "off")  # the collector stops answering the origin; the SDK notices
    assert tab.page.evaluate("() => Workprint.state().lastError.code") == "origin_forbidden"
    queued = _flush(tab)["queued"]  # captured before the switch; the collector refuses them now
    tab.page.click("#save")
    tab.page.fill("#email", EMAIL)
    tab.page.press("#email", "Tab")
    assert _flush(tab)["queued"] == queued, "nothing new is captured"
    assert len(sdk_world.events(device.device_id)) == before
    assert tab.page.locator("workprint-indicator").count() == 0


def test_a_revoked_device_stops_capture_and_keeps_the_queue(
    sdk_world: World, open_tab: Any
) -> None:
    device = sdk_world.enroll()
    tab: Tab = open_tab(device.token, sdk_world.redacted.origin)
    tab.page.goto(f"{sdk_world.redacted.origin}/form.html")
    _ready(tab, "redacted")
    assert _flush(tab)["queued"] == 0
    assert revoke(sdk_world.engine, device.device_id)
    tab.page.click("#save")
    result = _flush(tab)
    assert result["queued"] >= 1, "what the collector refused stays queued"
    state = tab.page.evaluate("() => Workprint.state()")
    assert state["lastError"] == {"status": 410, "code": "device_revoked"}
    assert state["mode"] == "off"
    assert tab.page.locator("workprint-indicator").count() == 0


def test_a_beacon_only_when_leaving_the_origin_and_nothing_is_lost(
    sdk_world: World, open_tab: Any
) -> None:
    device = sdk_world.enroll()
    # No timed flush: whatever reaches the collector before the end came by beacon.
    tab: Tab = open_tab(device.token, sdk_world.redacted.origin, flushIntervalMs=600_000)
    page = tab.page
    away = f"{sdk_world.unlisted.origin}/form.html"
    page.goto(f"{sdk_world.redacted.origin}/leave.html?away={away}")
    _ready(tab, "redacted")
    page.click("#same")  # another page of this origin: its SDK sends the queue, no beacon
    page.wait_for_url("**/form.html")
    _ready(tab, "redacted")
    page.locator("button.counter").nth(0).click()
    assert tab.posted_to("/v1/ingest/beacon") == []
    page.evaluate("away => { location.href = away; }", away)  # leaving the origin: a beacon
    page.wait_for_url(away)
    page.wait_for_timeout(500)
    # (The browser does not show beacons to the test's request listener: the store does.)
    beaconed = sdk_world.events(device.device_id)
    assert any(
        e["kind"] == "navigate" and e["context"]["url"].endswith("/form.html") for e in beaconed
    )
    # Back on the origin: the queue in IndexedDB delivers the rest, nothing twice.
    page.goto(f"{sdk_world.redacted.origin}/leave.html")
    _ready(tab, "redacted")
    assert _flush(tab)["queued"] == 0
    events = sdk_world.events(device.device_id)
    assert [e["seq"] for e in events] == list(range(1, len(events) + 1))
    clicks = Counter(_selector(e) for e in _by_kind(events, "click"))
    assert clicks == {"#same": 1, "#buttons > button:nth-of-type(1)": 1}
    assert list_gaps(sdk_world.engine, device.device_id) == []


def test_the_page_a_task_ends_on_is_observed_inside_the_task(
    sdk_world: World, open_tab: Any
) -> None:
    device = sdk_world.enroll()
    tab: Tab = open_tab(device.token, sdk_world.redacted.origin)
    tab.page.goto(f"{sdk_world.redacted.origin}/form.html")
    _ready(tab, "redacted")
    # The page changes and the task ends at once, long before the page would settle.
    tab.page.evaluate(
        """async () => {
            const id = Workprint.taskStart("Open the summary");
            const button = document.createElement("button");
            button.textContent = "Summary ready";
            document.body.prepend(button);
            await new Promise((resolve) => setTimeout(resolve, 0));
            Workprint.taskEnd(id, "done");
        }"""
    )
    _flush(tab)
    events = sdk_world.events(device.device_id)
    (end,) = _by_kind(events, "task_end")
    before = [e for e in events if e["seq"] < end["seq"] and e["kind"] == "observe"]
    names = {el.get("name") for e in before for el in e["payload"].get("elements") or []}
    assert "Summary ready" in names


def test_a_task_marked_while_the_recorder_starts_is_recorded(
    sdk_world: World, open_tab: Any
) -> None:
    """A page that marks a task as soon as it loads (or a task that ends on the page its last
    action opened) calls the SDK before the collector has told it the page's mode: the
    markers are held and recorded once the mode is known, not dropped."""
    device = sdk_world.enroll()
    tab: Tab = open_tab(device.token, sdk_world.redacted.origin)
    page = tab.page
    held: list[Any] = []

    def hold(route: Any) -> None:  # the policy's answer waits for the test
        held.append(route)

    page.route("**/v1/policy*", hold)
    page.goto(f"{sdk_world.redacted.origin}/form.html", wait_until="domcontentloaded")
    page.wait_for_function("() => window.Workprint", timeout=WAIT_MS)
    for _ in range(300):  # bounded: 30 s
        if held:
            break
        page.wait_for_timeout(100)
    assert held, "the SDK never asked for its policy"
    task_id, mode = page.evaluate(
        """() => {
            const id = Workprint.taskStart("Check the form");
            Workprint.taskEnd(id, "done");
            return [id, Workprint.state().mode];
        }"""
    )
    assert mode == "off", "the markers were made before the recorder knew its mode"
    for route in held:
        route.continue_()
    page.unroute("**/v1/policy*")
    _ready(tab, "redacted")
    _flush(tab)
    events = sdk_world.events(device.device_id)
    starts = [e for e in _by_kind(events, "task_start") if e["payload"]["task_id"] == task_id]
    ends = [e for e in _by_kind(events, "task_end") if e["payload"]["task_id"] == task_id]
    assert len(starts) == 1 and len(ends) == 1
    assert starts[0]["seq"] < ends[0]["seq"]
    assert starts[0]["payload"]["label"] == "Check the form"


def test_a_click_made_by_a_key_is_not_a_second_action(sdk_world: World, open_tab: Any) -> None:
    """Enter in a form's field makes Chromium click its submit button (implicit submission),
    and Enter on a focused button clicks it: the key is the action, the click is not kept.
    A click of the mouse right after is."""
    device, tab = _recording_form(sdk_world, open_tab)
    page = tab.page
    page.fill("#full-name", "Jane Roe")
    page.press("#full-name", "Enter")
    page.focus("#save")
    page.keyboard.press("Enter")
    page.click("#save")
    _flush(tab)
    events = sdk_world.events(device.device_id)
    actions = [
        (e["kind"], _selector(e), (e.get("payload") or {}).get("keys"))
        for e in events
        if e["kind"] in ("click", "key", "submit")
    ]
    assert actions == [
        ("key", "#full-name", "Enter"),
        ("submit", "#contact-form", None),
        ("key", "#save", "Enter"),
        ("submit", "#contact-form", None),
        ("click", "#save", None),
        ("submit", "#contact-form", None),
    ], actions


def test_an_edit_is_observed_on_the_page_as_the_person_found_it(
    sdk_world: World, open_tab: Any
) -> None:
    """A field or select that appears and is edited before the page settles gets its
    snapshot taken for the action: with the value it had before the edit, not after it."""
    device, tab = _recording_form(sdk_world, open_tab)
    page = tab.page
    _flush(tab)
    page.evaluate(
        """() => {
            const form = document.getElementById("contact-form");
            form.insertAdjacentHTML("beforeend",
              '<label>Phase <select id="phase"><option>Lead</option>' +
              '<option selected>Qualified</option><option>Won</option></select></label>' +
              '<label>Subject <input id="subject" value="Old subject"></label>');
        }"""
    )
    page.select_option("#phase", label="Won")
    page.fill("#subject", "New subject")
    page.press("#subject", "Tab")
    _flush(tab)
    events = sdk_world.events(device.device_id)
    for selector, kind, before, after in (
        ("#phase", "select", "Qualified", "Won"),
        ("#subject", "type", "Old subject", "New subject"),
    ):
        action = next(e for e in events if e["kind"] == kind and _selector(e) == selector)
        observed = [
            e for e in events
            if e["kind"] == "observe" and e["seq"] < action["seq"] and e["payload"].get("elements")
        ]  # fmt: skip
        latest = {el.get("selector"): el for el in observed[-1]["payload"]["elements"]}
        assert latest[selector].get("value") == before, (selector, after, latest[selector])


def test_a_snapshot_lists_what_the_page_announces(sdk_world: World, open_tab: Any) -> None:
    """Status and alert regions ("Contact saved") are listed with their text: a record's page
    after a change must not look like the same page before it. The SDK's own badge is not."""
    _device, tab = _recording_form(sdk_world, open_tab)
    page = tab.page
    page.evaluate(
        """() => document.body.insertAdjacentHTML("afterbegin",
            '<div class="flash" role="status">Contact saved</div>' +
            '<p role="alert">Email is required</p>')"""
    )
    elements = page.evaluate("() => Workprint.snapshot()")
    announced = {
        e.get("role"): e.get("text") for e in elements if e.get("role") in ("status", "alert")
    }
    assert announced == {"status": "Contact saved", "alert": "Email is required"}
