"""Every CRM page renders for a signed-in person, is behind sign-in, is not cached, and
labels each of its form controls; the SDK script is embedded when configured."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from tests.demo.conftest import sign_in
from workprint.demo.crm import state
from workprint.demo.crm.app import create_crm_app
from workprint.demo.crm.config import CrmConfig

PAGES = [
    "/",
    "/companies",
    "/companies?industry=Software&q=a",
    "/companies/1",
    "/companies/1/edit",
    "/companies/new",
    "/contacts",
    "/contacts?q=a&company=3&page=2",
    "/contacts/1",
    "/contacts/1/edit",
    "/contacts/new?company=2",
    "/contacts/1/delete",
    "/deals",
    "/deals?stage=proposal&owner=bob",
    "/deals/board?owner=alice",
    "/deals/1",
    "/deals/new?company=2",
    "/activities",
    "/activities?kind=call&user=bob",
    "/activities/new?deal=1",
    "/search?q=ag",
    "/search",
    "/settings",
    "/billing",
]


class _Controls(HTMLParser):
    """Collects form controls, the ids that labels point at, and controls inside labels."""

    def __init__(self) -> None:
        super().__init__()
        self.controls: list[dict[str, str | None]] = []
        self.label_for: set[str] = set()
        self.wrapped: int = 0
        self._in_label = 0
        self.has_skip_link = False
        self.has_main = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "label":
            self._in_label += 1
            if a.get("for"):
                self.label_for.add(a["for"] or "")
        elif tag == "a" and a.get("href") == "#main" and a.get("class") == "skip-link":
            self.has_skip_link = True
        elif tag == "main" and a.get("id") == "main":
            self.has_main = True
        elif tag in {"input", "select", "textarea"}:
            kind = a.get("type", "text")
            if kind in {"hidden", "submit", "button"} or "hidden" in a:
                return
            if self._in_label:
                self.wrapped += 1
                return
            self.controls.append(a)

    def handle_endtag(self, tag: str) -> None:
        if tag == "label":
            self._in_label -= 1


@pytest.mark.parametrize("path", PAGES, ids=PAGES)
def test_page_renders_with_labelled_controls(client: TestClient, alice: str, path: str) -> None:
    r = client.get(path)
    assert r.status_code == 200
    assert r.headers["cache-control"] == "no-store"
    assert r.headers["x-frame-options"] == "DENY"
    parsed = _Controls()
    parsed.feed(r.text)
    assert parsed.has_skip_link and parsed.has_main
    unlabelled = [c.get("name") for c in parsed.controls if c.get("id") not in parsed.label_for]
    assert unlabelled == []
    assert "data-testid" not in r.text


@pytest.mark.parametrize("path", PAGES, ids=PAGES)
def test_page_needs_sign_in(client: TestClient, path: str) -> None:
    r = client.get(path)
    assert r.status_code == 303
    assert r.headers["location"].startswith("/login")


@pytest.mark.parametrize(
    "path",
    ["/contacts/99999", "/deals/abc", "/companies/0/edit", "/no-such-page"],
    ids=["missing-contact", "bad-id", "missing-company", "unknown-path"],
)
def test_missing_pages_answer_404(client: TestClient, alice: str, path: str) -> None:
    r = client.get(path)
    assert r.status_code == 404
    assert "Not found" in r.text and "Traceback" not in r.text


def test_sdk_is_embedded_when_configured(crm_db: Path) -> None:
    config = CrmConfig(
        db_path=crm_db,
        embed_sdk="http://127.0.0.1:8787/sdk/workprint.js",
        sdk_endpoint="http://127.0.0.1:8787/v1",
    )
    app = create_crm_app(config)
    with TestClient(app, follow_redirects=False) as client:
        tag = (
            '<script src="http://127.0.0.1:8787/sdk/workprint.js" '
            'data-endpoint="http://127.0.0.1:8787/v1" defer></script>'
        )
        assert tag in client.get("/login").text
        sign_in(client)
        assert tag in client.get("/deals").text
    app.state.crm.engine.dispose()


def test_no_sdk_by_default(client: TestClient) -> None:
    assert "data-endpoint" not in client.get("/login").text


def test_static_files_are_served(client: TestClient) -> None:
    css = client.get("/static/app.css")
    assert css.status_code == 200 and ":focus-visible" in css.text
    assert client.get("/static/app.js").status_code == 200


def test_company_deal_note_and_profile_forms(client: TestClient, alice: str, crm_db: Path) -> None:
    company = {
        "name": "Acme Tools",
        "industry": "Retail",
        "size": "11-50",
        "website": "https://acme-tools.example",
        "city": "Leeds",
        "country": "UK",
        "csrf_token": alice,
    }
    taken = state.snapshot(crm_db)["companies"][1][1]
    r = client.post("/companies", data={**company, "name": taken.upper()})
    assert r.status_code == 422 and "already exists" in r.text
    r = client.post("/companies", data={**company, "industry": "Bakery", "website": "acme"})
    assert r.status_code == 422
    assert "Choose an industry from the list." in r.text and "Website must start" in r.text
    r = client.post("/companies", data=company)
    assert r.status_code == 303
    company_id = r.headers["location"].rsplit("/", 1)[1]
    assert "Acme Tools" in client.get("/companies?industry=Retail").text

    deal = {
        "name": "Acme Tools – Pilot",
        "company_id": company_id,
        "contact_id": "",
        "owner_id": "2",
        "stage": "lead",
        "amount": "12,500",
        "close_date": "2026-03-31",
        "csrf_token": alice,
    }
    r = client.post("/deals", data={**deal, "amount": "lots"})
    assert r.status_code == 422 and "Amount must be a number" in r.text
    r = client.post("/deals", data=deal)
    assert r.status_code == 303
    found = state.find_deal(crm_db, "Acme Tools – Pilot")
    assert found is not None and (found.owner, found.amount_cents) == ("bob", 1_250_000)
    assert [c.to_stage for c in state.stage_changes(crm_db, found.name)] == ["lead"]

    r = client.post(f"/deals/{found.id}/notes", data={"body": "  ", "csrf_token": alice})
    assert r.status_code == 422 and "Write something" in r.text
    r = client.post(f"/deals/{found.id}/notes", data={"body": "Call back", "csrf_token": alice})
    assert r.status_code == 303
    assert state.notes_on(crm_db, deal_name=found.name) == ["Call back"]

    profile = {
        "full_name": "Alice Example",
        "email": "alice@example.org",
        "title": "Lead",
        "csrf_token": alice,
    }
    r = client.post("/settings/profile", data={**profile, "email": "nope"})
    assert r.status_code == 422 and 'value="Alice Example"' in r.text
    assert client.post("/settings/profile", data=profile).status_code == 303
    assert "Alice Example" in client.get("/settings").text
