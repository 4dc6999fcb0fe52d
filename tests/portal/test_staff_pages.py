"""The privacy officer's, administrator's and researcher's pages."""

from __future__ import annotations

import html
import io
import re
import zipfile

from tests.conftest import auth
from tests.governance import _seed
from tests.portal._routes import NOTICE, dataset_dir
from tests.portal.conftest import Site
from workprint.collector.portal._access import CSRF_FIELD
from workprint.governance import audit, policies
from workprint.governance.accounts import Role
from workprint.store.engine import read_tx

OFFICER, ADMIN, RESEARCHER = Role.PRIVACY_OFFICER, Role.ADMIN, Role.RESEARCHER


def _post(site: Site, role: Role, path: str, **fields: str):
    return site.client.post(path, data={CSRF_FIELD: site.csrf(role), **fields})


def test_policy_editor_validates_diffs_and_applies(site: Site) -> None:
    site.sign_in(OFFICER)
    broken = _post(
        site, OFFICER, "/portal/po/policy/preview", document='version = 3\ndefault_mode = "loud"\n'
    )
    assert broken.status_code == 400 and "line 2" in html.unescape(broken.text)
    stale = _post(site, OFFICER, "/portal/po/policy/preview", document="version = 1\n")
    assert stale.status_code == 400 and "not above the active version" in stale.text
    proposed = (
        'version = 7\n\n[[origins]]\norigin = "https://crm.example.test"\nmode = "redacted"\n'
    )
    preview = _post(
        site, OFFICER, "/portal/po/policy/preview", document=proposed, reason="pilot the CRM"
    )
    assert preview.status_code == 200
    assert '<code class="add">+origin = &#34;https://crm.example.test&#34;</code>' in preview.text
    assert "Apply this version" in preview.text
    applied = _post(
        site, OFFICER, "/portal/po/policy/apply", document=proposed, reason="pilot the CRM"
    )
    assert applied.status_code == 303
    assert policies.load_active(site.engine).version == 7
    with read_tx(site.engine) as conn:
        entry = audit.search(conn, action="policy.apply")[0]
    assert (entry.actor, entry.reason) == ("olivia", "pilot the CRM")


def test_a_new_notice_reaches_the_people(site: Site) -> None:
    site.sign_in(OFFICER)
    assert (
        _post(site, OFFICER, "/portal/po/notice", version="2027-v2", text=NOTICE).status_code == 303
    )
    overview = site.client.get("/portal/po/consent").text
    assert "2027-v2" in overview and "fewer than 10" in overview
    assert "emp001" not in overview
    site.sign_in(Role.EMPLOYEE)
    mine = site.client.get("/portal/me/consent").text
    assert "version 2027-v2" in mine and "Consent under the new notice" in mine


def test_erase_a_person_on_request(site: Site) -> None:
    victim = _seed.person(site.engine, "emp050")
    _seed.store(site.engine, victim, _seed.spread(victim, 3))
    site.sign_in(OFFICER)
    mismatch = _post(
        site,
        OFFICER,
        "/portal/po/erase",
        person_id="emp050",
        confirm="emp05",
        reason="asked by letter",
    )
    assert mismatch.status_code == 400
    done = _post(
        site,
        OFFICER,
        "/portal/po/erase",
        person_id="emp050",
        confirm="emp050",
        reason="asked by letter",
    )
    text = html.unescape(done.text)
    assert done.status_code == 200 and '"events": 3' in text
    assert "<td>emp050</td>" in text and "events: 3" in text
    unknown = _post(
        site,
        OFFICER,
        "/portal/po/erase",
        person_id="ghost",
        confirm="ghost",
        reason="asked by letter",
    )
    assert unknown.status_code == 400 and "unknown_person" in unknown.text


def test_audit_search_is_itself_audited(site: Site) -> None:
    site.sign_in(OFFICER)
    page = site.client.get("/portal/po/audit?action=device.&subject=emp001")
    assert page.status_code == 200 and "device.enroll" in page.text
    assert "consent.grant" not in page.text
    api = site.client.get("/portal/api/audit?action=audit.search")
    assert [e["details"]["view"] for e in api.json()["entries"]] == ["audit"]


def test_retention_settings(site: Site) -> None:
    site.sign_in(OFFICER)
    assert (
        _post(site, OFFICER, "/portal/po/retention", target="events", ttl_days="45").status_code
        == 303
    )
    page = site.client.get("/portal/po/retention").text
    assert re.search(r'name="ttl_days" min="1" max="3650" value="45"', page)
    too_long = _post(site, OFFICER, "/portal/po/retention", target="events", ttl_days="5000")
    assert too_long.status_code == 400


def test_dataset_export_is_requested_approved_downloaded_and_ends_when_stale(site: Site) -> None:
    folder = dataset_dir(site)
    site.sign_in(RESEARCHER)
    datasets = site.client.get("/portal/research/datasets").text
    assert "tasks-v1" in datasets and "p0" not in datasets and "p1" not in datasets
    assert (
        _post(
            site,
            RESEARCHER,
            "/portal/research/exports",
            version_id="v1",
            purpose="train the next-action model",
        ).status_code
        == 303
    )
    site.sign_in(OFFICER)
    pending = site.client.get("/portal/po/exports").text
    export_id = re.search(r"/portal/po/exports/(exp_\w+)", pending)
    assert export_id is not None and "train the next-action model" in pending
    assert (
        _post(
            site, OFFICER, f"/portal/po/exports/{export_id.group(1)}", decision="approve"
        ).status_code
        == 303
    )
    site.sign_in(RESEARCHER)
    listed = site.client.get("/portal/research/datasets").text
    link = f"/portal/research/exports/{export_id.group(1)}/download"
    assert link in listed
    download = site.client.get(link)
    assert download.status_code == 200
    names = zipfile.ZipFile(io.BytesIO(download.content)).namelist()
    assert sorted(names) == ["manifest.json", "train.parquet"] and folder
    # A member is erased: the version is stale and can no longer leave the store.
    _seed.person(site.engine, "p0")
    from workprint.governance import rights

    rights.erase_person(site.engine, "p0", actor="olivia", reason="leaver", now_ms=site.now())
    refused = site.client.get(link)
    assert refused.status_code == 400 and "export_unavailable" in refused.text


def test_revoking_a_device(site: Site) -> None:
    site.sign_in(ADMIN)
    page = site.client.get("/portal/admin/devices").text
    assert site.employee.device_id in page and "last seen" not in page.lower().replace(
        "when a device was last seen", ""
    )
    path = f"/portal/admin/devices/{site.employee.device_id}/revoke"
    assert _post(site, ADMIN, path).status_code == 303
    assert site.client.get("/v1/device", headers=auth(site.employee)).status_code == 410
    assert _post(site, ADMIN, path).status_code == 404


def test_an_enrollment_code_grants_no_consent(site: Site) -> None:
    site.sign_in(ADMIN)
    made = _post(site, ADMIN, "/portal/admin/codes", person_id="emp077")
    code = re.search(r'<p class="code">(WP-[A-Z0-9-]+)</p>', made.text)
    assert made.status_code == 200 and code is not None
    enrolled = site.client.post("/v1/enroll", json={"code": code.group(1)})
    assert enrolled.status_code == 200
    token = enrolled.json()["token"]
    assert (
        site.client.get("/v1/device", headers={"Authorization": f"Bearer {token}"}).status_code
        == 403
    )
    assert "open" not in site.client.get("/portal/admin/codes").text.split("<tbody>")[1]
