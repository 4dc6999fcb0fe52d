"""The employee's own pages: timeline, policy, pause, consent, range deletion, export, erasure."""

from __future__ import annotations

import html
import io
import json

import pyarrow.parquet as pq
import sqlalchemy as sa

from tests.conftest import auth
from tests.governance import _seed
from tests.governance._seed import T0_MS
from tests.portal.conftest import Site
from workprint.collector.portal._access import CSRF_FIELD
from workprint.governance import audit, pause, policies
from workprint.governance.accounts import Role
from workprint.store.engine import read_tx
from workprint.store.schema import events


def _post(site: Site, path: str, **fields: str):
    return site.client.post(path, data={CSRF_FIELD: site.csrf(Role.EMPLOYEE), **fields})


def test_my_timeline_shows_my_events_with_placeholders_and_is_audited(site: Site) -> None:
    me = site.employee
    other = _seed.person(site.engine, "emp002")
    _seed.store(
        site.engine,
        me,
        [
            _seed.event(
                me,
                "type",
                T0_MS,
                text="mail <EMAIL_1> about <PHONE_2>",
                redactions={"EMAIL": 1, "PHONE": 1},
            ),
            _seed.event(me, "key", T0_MS + 1000),
        ],
    )
    _seed.store(site.engine, other, [_seed.event(other, "type", T0_MS, text="someone else")])
    site.sign_in(Role.EMPLOYEE)
    page = site.client.get("/portal/me/timeline")
    assert page.status_code == 200
    assert '<span class="ph">&lt;EMAIL_1&gt;<span class="vh"> (redacted)</span></span>' in page.text
    assert "EMAIL ×1" in page.text
    assert "someone else" not in page.text
    keys_only = site.client.get("/portal/me/timeline?kind=key")
    assert "mail" not in keys_only.text and "Enter" in keys_only.text
    later = site.client.get("/portal/me/timeline?from=2026-01-06")
    assert "No events match." in later.text
    with read_tx(site.engine) as conn:
        reads = audit.search(conn, action=audit.READ, subject="emp001")
    assert len(reads) == 3 and reads[0].details == {
        "view": "timeline",
        "kind": None,
        "rows": 0,
        "filtered": True,
    }
    assert "someone else" not in json.dumps([e.details for e in reads])


def test_the_timeline_pages_through_older_events(site: Site) -> None:
    _seed.store(site.engine, site.employee, _seed.spread(site.employee, 130))
    site.sign_in(Role.EMPLOYEE)
    first = site.client.get("/portal/me/timeline")
    assert "130 events" not in first.text and "100 events" in first.text
    link = first.text.split('href="/portal/me/timeline?')[-1].split('"')[0].replace("&amp;", "&")
    second = site.client.get(f"/portal/me/timeline?{link}")
    assert "30 events" in second.text and "Older events" not in second.text


def test_what_is_recorded_lists_the_policy(site: Site) -> None:
    policies.allow(site.engine, "https://crm.example.test", "redacted", actor="po")
    site.sign_in(Role.EMPLOYEE)
    page = site.client.get("/portal/me/policy")
    assert "https://crm.example.test" in page.text and "placeholders" in page.text


def test_pause_and_resume(site: Site) -> None:
    site.sign_in(Role.EMPLOYEE)
    assert _post(site, "/portal/me/capture", action="pause").status_code == 303
    with read_tx(site.engine) as conn:
        assert pause.is_paused(conn, "emp001")
    assert "Capture is paused." in site.client.get("/portal/me/capture").text
    _post(site, "/portal/me/capture", action="resume")
    with read_tx(site.engine) as conn:
        assert not pause.is_paused(conn, "emp001")
        assert audit.search(conn, action="capture.") == []  # nobody learns when people pause


def test_withdrawing_consent_in_one_click_stops_the_device(site: Site) -> None:
    device = auth(site.employee)
    assert site.client.get("/v1/device", headers=device).status_code == 200
    site.sign_in(Role.EMPLOYEE)
    page = site.client.get("/portal/me/consent")
    assert "Withdraw capture" in page.text and "Records how you use" not in page.text
    assert (
        _post(site, "/portal/me/consent", purpose="capture", action="withdraw").status_code == 303
    )
    assert site.client.get("/v1/device", headers=device).status_code == 403
    history = site.client.get("/portal/me/consent").text
    assert "Give consent for capture" in history and history.count("<td>capture</td>") == 2
    _post(site, "/portal/me/consent", purpose="capture", action="grant")
    assert site.client.get("/v1/device", headers=device).status_code == 200


def test_delete_a_time_range(site: Site) -> None:
    _seed.store(site.engine, site.employee, _seed.spread(site.employee, 10, step_ms=600_000))
    site.sign_in(Role.EMPLOYEE)
    preview = site.client.get("/portal/me/range?start=2026-01-05T09:00&end=2026-01-05T10:00")
    assert "6 events occurred in this range" in preview.text
    done = _post(site, "/portal/me/range", start="2026-01-05T09:00", end="2026-01-05T10:00")
    assert done.status_code == 200 and '"events": 6' in html.unescape(done.text)
    with read_tx(site.engine) as conn:
        left = conn.execute(sa.select(sa.func.count()).select_from(events)).scalar_one()
    assert left == 4
    bad = site.client.get("/portal/me/range?start=2026-01-05T10:00&end=2026-01-05T09:00")
    assert "the end after the start" in bad.text


def test_export_my_data(site: Site) -> None:
    _seed.store(site.engine, site.employee, _seed.spread(site.employee, 5), quarantined=1)
    site.sign_in(Role.EMPLOYEE)
    as_json = site.client.get("/portal/me/export.json")
    assert as_json.status_code == 200
    assert "attachment" in as_json.headers["content-disposition"]
    doc = as_json.json()
    assert len(doc["events"]) == 5 and len(doc["quarantine"]) == 1
    as_parquet = site.client.get("/portal/me/export.parquet")
    assert pq.read_table(io.BytesIO(as_parquet.content)).num_rows == 5
    with read_tx(site.engine) as conn:
        formats = [
            e.details["format"]
            for e in audit.search(conn, action=audit.READ)
            if e.details and e.details["view"] == "export"
        ]
    assert sorted(formats) == ["json", "parquet"]


def test_erase_everything(site: Site) -> None:
    _seed.store(site.engine, site.employee, _seed.spread(site.employee, 5))
    site.sign_in(Role.EMPLOYEE)
    refused = _post(site, "/portal/me/erase", confirm="yes please")
    assert refused.status_code == 400 and "Type ERASE" in refused.text
    erased = _post(site, "/portal/me/erase", confirm="erase")
    assert erased.status_code == 200 and "Erasure report" in erased.text
    assert '"events": 5' in html.unescape(erased.text)
    assert 'wp_portal=""' in " ".join(erased.headers.get_list("set-cookie"))
    assert site.client.get("/portal/me/timeline").status_code == 303  # the account is gone
    assert site.client.get("/v1/device", headers=auth(site.employee)).status_code == 401


def test_the_timeline_renders_every_kind_the_workload_produces(site: Site) -> None:
    from workprint.demo.workload import WorkloadSpec, generate

    spec = WorkloadSpec(device_id=site.employee.device_id, grant_id=site.employee.grants[0])
    sent = list(generate(spec, 300))
    _seed.store(site.engine, site.employee, sent)
    site.sign_in(Role.EMPLOYEE)
    kinds = {e.__struct_config__.tag for e in sent}
    assert len(kinds) >= 5
    for kind in sorted(kinds):
        page = site.client.get(f"/portal/me/timeline?kind={kind}")
        assert page.status_code == 200, kind
        assert f"<td>{kind}" in page.text
