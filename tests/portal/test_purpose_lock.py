"""The purpose lock: no route of the collector or the portal shows anyone's activity counts or
timing to anyone but that person, and aggregates never cover fewer than 10 people.

Thirteen people are seeded, each with a distinctive number of events at distinctive times.
The walker fetches every GET route of the collector app and of the mounted portal, as
nobody, as every role, and (for the collector's device routes) with a device token, and
fails if an answer holds another person's event or session ids, the time of any of their
events, or their person id in the same table row or JSON object as their event count.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any

from fastapi.routing import APIRoute
from starlette.routing import Mount, Route

from tests.conftest import auth
from tests.governance import _seed
from tests.governance._seed import T0_MS
from tests.portal._routes import _approved_export
from tests.portal.conftest import USERS, Site
from workprint.core.clock import from_epoch_ms
from workprint.governance import rights
from workprint.governance.accounts import Role
from workprint.store.engine import read_tx
from workprint.store.schema import events

COUNTS = (109, 113, 127, 131, 137, 139, 149, 151, 157, 163, 167, 173, 179)
_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}")
_EPOCH_MS = re.compile(r"\b1[67]\d{11}\b")
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}")


class Activity:
    """What would identify one person's activity in an answer."""

    def __init__(self, person: str, count: int) -> None:
        self.person = person
        self.count = count
        self.ids: set[str] = set()
        self.times: set[str] = set()

    def add(self, row: Any) -> None:
        self.ids.update((row.event_id, row.session_id))
        at = from_epoch_ms(row.occurred_at_ms)
        self.times.update(
            {
                str(row.occurred_at_ms),
                at.strftime("%Y-%m-%d %H:%M:%S"),
                at.strftime("%Y-%m-%dT%H:%M:%S"),
            }
        )


def _seed_team(site: Site) -> dict[str, Activity]:
    people = {USERS[Role.EMPLOYEE]: site.employee}
    for i in range(1, len(COUNTS)):
        people[f"emp{100 + i}"] = _seed.person(site.engine, f"emp{100 + i}")
    for i, (person, who) in enumerate(people.items()):
        start = T0_MS + i * 3_600_000 + i * 7_000
        _seed.store(site.engine, who, _seed.spread(who, COUNTS[i], start_ms=start, step_ms=61_001))
    # Someone else deleted a range (its receipt is theirs alone), someone left (erased).
    rights.delete_range(
        site.engine,
        "emp101",
        T0_MS,
        T0_MS + 5_400_000,
        actor="emp101",
        reason=None,
        now_ms=site.now(),
    )
    leaver = _seed.person(site.engine, "leaver")
    _seed.store(site.engine, leaver, _seed.spread(leaver, 3))
    rights.erase_person(site.engine, "leaver", actor="olivia", reason="left", now_ms=site.now())
    found: dict[str, Activity] = {}
    with read_tx(site.engine) as conn:
        for row in conn.execute(events.select()):
            if row.person_id not in found:
                found[row.person_id] = Activity(row.person_id, 0)
            found[row.person_id].add(row)
            found[row.person_id].count += 1
    return found


def _routes(site: Site, export_id: str) -> list[str]:
    params = {"export_id": export_id}
    paths: list[str] = []

    def walk(routes: list[Any], prefix: str) -> None:
        for route in routes:
            if isinstance(route, Mount):
                walk(list(route.app.routes), prefix + route.path)  # type: ignore[attr-defined]
            elif isinstance(route, APIRoute | Route) and "GET" in (route.methods or ()):
                names = re.findall(r"{(\w+)}", route.path)
                missing = [n for n in names if n not in params]
                assert not missing, f"the walker cannot fill {missing} of {route.path}"
                paths.append(prefix + route.path.format(**params))

    walk(list(site.app.routes), "")
    return sorted(paths)


def _rows(text: str) -> list[str]:
    """Units that belong together: HTML table rows, or JSON objects."""
    try:
        doc = json.loads(text)
    except ValueError:
        return re.split(r"<tr[ >]", text)
    units: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            units.append(
                json.dumps({k: v for k, v in value.items() if not isinstance(v, dict | list)})
            )
            for v in value.values():
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)

    walk(doc)
    return units


def _leaks(text: str, others: list[Activity]) -> list[str]:
    found: list[str] = []
    ids, times = set(_UUID.findall(text)), set(_TIME.findall(text)) | set(_EPOCH_MS.findall(text))
    rows = _rows(text)
    for other in others:
        if ids & other.ids:
            found.append(f"event or session ids of {other.person}")
        if times & other.times:
            found.append(f"times of {other.person}'s events")
        count = re.compile(rf"\b{other.count}\b")
        if any(other.person in row and count.search(row) for row in rows):
            found.append(f"{other.person}'s event count")
    return found


def test_no_route_shows_anyone_elses_activity(site: Site) -> None:
    activity = _seed_team(site)
    assert "leaver" not in activity and activity["emp101"].count < COUNTS[1]
    export_id = _approved_export(site)
    paths = _routes(site, export_id)
    assert "/portal/me/timeline" in paths and "/metrics" in paths and "/v1/device" in paths
    problems: list[str] = []
    own_seen = False
    for role in (None, *Role):
        site.sign_in(role)
        me = USERS[Role.EMPLOYEE] if role is Role.EMPLOYEE else None
        others = [a for p, a in activity.items() if p != me]
        for path in paths:
            headers = auth(site.employee) if path.startswith("/v1/") else None
            response = site.client.get(path, headers=headers)
            if response.headers.get("content-type", "").startswith(("text/", "application/json")):
                text = response.text
            else:
                continue  # downloads: the employee's own export (Parquet), a dataset zip
            for leak in _leaks(text, others):
                problems.append(f"{path} as {role or 'nobody'}: {leak}")
            if me and path == "/portal/me/timeline":
                own_seen = bool(set(_TIME.findall(text)) & activity[me].times)
    assert problems == []
    assert own_seen, "the employee must see their own timeline (or the walker proves nothing)"


def test_the_aggregate_endpoint_suppresses_groups_under_ten_people(site: Site) -> None:
    for i in range(9):
        who = _seed.person(site.engine, f"mail{i}")
        _seed.store(site.engine, who, _seed.spread(who, 2, app="mail"))
    for i in range(10):
        who = _seed.person(site.engine, f"crm{i}")
        _seed.store(site.engine, who, _seed.spread(who, 2, app="crm"))
    site.sign_in(Role.RESEARCHER)
    body = site.client.get("/portal/api/aggregates?view=apps&month=2026-01").json()
    assert body["k"] == 10
    assert [(g["key"], g["people"]) for g in body["groups"]] == [("crm", 10)]
    assert body["suppressed"] == 1
    page = site.client.get("/portal/aggregates?view=apps&month=2026-01").text
    assert "mail" not in page.replace("e-mail", "") and "1 group with fewer than 10" in page
    for bad in ("view=people", "view=apps&month=2026-01-05", "view=hours"):
        refused = site.client.get(f"/portal/api/aggregates?{bad}")
        assert refused.status_code == 400 and refused.json()["code"] == "aggregate_refused"


def test_the_walker_catches_a_leak() -> None:
    """A check that cannot fail proves nothing: feed the detector a leaky answer."""
    other = Activity("emp105", 137)
    at = datetime(2026, 1, 5, 14, 0, 35)
    other.times.add(at.strftime("%Y-%m-%d %H:%M:%S"))
    other.ids.add("0190a6f2-1c2b-7d3e-8f4a-5b6c7d8e9f00")
    assert _leaks("<tr><td>emp105</td><td>137</td></tr>", [other]) == ["emp105's event count"]
    assert _leaks('{"rows": [{"person": "emp105", "events": 137}]}', [other])
    assert _leaks("<td>2026-01-05 14:00:35</td>", [other])
    assert _leaks("0190a6f2-1c2b-7d3e-8f4a-5b6c7d8e9f00", [other])
    assert _leaks("<tr><td>emp105</td></tr><tr><td>137</td></tr>", [other]) == []
