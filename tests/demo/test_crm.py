"""Nexus CRM end to end in-process (TestClient over a seeded SQLite file), plus one real
browser run: sign-in, CSRF, rate limit, forms with validation, stage moves, activities,
search, password change, cards kept as last four digits, and deterministic seeding."""

from __future__ import annotations

import logging
import re
import shutil
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from tests.demo.conftest import SEED, csrf_of, sign_in
from workprint.core.clock import FakeClock
from workprint.demo.crm import schema, state
from workprint.demo.crm.config import CrmConfig
from workprint.demo.crm.seed import DEMO_PASSWORD, seed_database, usernames
from workprint.demo.crm.server import running_crm

CARD = "4242 4242 4242 4242"
GOOD_CONTACT = {
    "first_name": "Jane",
    "last_name": "Customer",
    "email": "jane.customer@example.org",
    "phone": "+44 20 7946 0958",
    "title": "Head of Procurement",
    "company_id": "3",
}


def test_sign_in_and_out(client: TestClient) -> None:
    r = client.get("/deals?stage=won")
    assert r.status_code == 303
    assert r.headers["location"] == "/login?next=/deals%3Fstage%3Dwon"
    cookie = r.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    page = client.get(r.headers["location"])
    assert 'value="/deals?stage=won"' in page.text
    r = client.post(
        "/login",
        data={
            "username": "Alice",
            "password": DEMO_PASSWORD,
            "next": "/deals?stage=won",
            "csrf_token": csrf_of(page.text),
        },
    )
    assert (r.status_code, r.headers["location"]) == (303, "/deals?stage=won")
    home = client.get("/")
    assert home.status_code == 200 and home.headers["cache-control"] == "no-store"
    assert "Alice " in home.text
    r = client.post("/logout", data={"csrf_token": csrf_of(home.text)})
    assert (r.status_code, r.headers["location"]) == (303, "/login")
    assert "You are signed out." in client.get("/login").text
    assert client.get("/").status_code == 303


@pytest.mark.parametrize(
    ("username", "password"),
    [("alice", "wrong-password"), ("nobody", DEMO_PASSWORD), ("", "")],
    ids=["wrong-password", "unknown-user", "empty"],
)
def test_wrong_credentials_are_refused(client: TestClient, username: str, password: str) -> None:
    page = client.get("/login")
    r = client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": csrf_of(page.text)},
    )
    assert r.status_code == 400
    assert "Wrong username or password." in r.text
    assert 'aria-invalid="true"' in r.text
    assert client.get("/").status_code == 303


def test_next_cannot_leave_the_site(client: TestClient) -> None:
    page = client.get("/login?next=//evil.example/x")
    r = client.post(
        "/login",
        data={
            "username": "bob",
            "password": DEMO_PASSWORD,
            "next": "//evil.example/x",
            "csrf_token": csrf_of(page.text),
        },
    )
    assert r.headers["location"] == "/"


def test_sign_in_rate_limit(client: TestClient, clock: FakeClock) -> None:
    def attempt(username: str, password: str) -> int:
        page = client.get("/login")
        data = {"username": username, "password": password, "csrf_token": csrf_of(page.text)}
        return client.post("/login", data=data).status_code

    assert [attempt("carol", f"guess-{n}") for n in range(5)] == [400] * 5
    page = client.get("/login")
    data = {"username": "carol", "password": DEMO_PASSWORD, "csrf_token": csrf_of(page.text)}
    r = client.post("/login", data=data)
    assert r.status_code == 429
    assert int(r.headers["retry-after"]) == 60
    assert attempt("dave", DEMO_PASSWORD) == 303  # the limit is per username
    client.cookies.clear()
    clock.advance(59)
    assert attempt("carol", DEMO_PASSWORD) == 429
    clock.advance(2)
    assert attempt("carol", DEMO_PASSWORD) == 303


@pytest.mark.parametrize(
    "token",
    [None, "", "0" * 64, "stale"],
    ids=["missing", "empty", "forged", "another-session"],
)
def test_csrf_token_is_checked(
    client: TestClient, alice: str, crm_db: Path, token: str | None
) -> None:
    if token == "stale":
        with TestClient(client.app) as other:
            token = csrf_of(other.get("/login").text)
    data = dict(GOOD_CONTACT)
    if token is not None:
        data["csrf_token"] = token
    r = client.post("/contacts", data=data)
    assert r.status_code == 403
    assert "This form has expired" in r.text
    assert state.find_contact(crm_db, email=GOOD_CONTACT["email"]) is None


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"first_name": "  "}, "first_name", "First name is required."),
        ({"last_name": ""}, "last_name", "Last name is required."),
        ({"email": ""}, "email", "Email is required."),
        ({"email": "jane@"}, "email", "Enter an email address"),
        ({"phone": "12"}, "phone", "Enter a phone number"),
        ({"phone": "call me maybe"}, "phone", "Enter a phone number"),
        ({"company_id": "99999"}, "company_id", "Choose a company from the list."),
        ({"email": "PLACEHOLDER"}, "email", "Another contact already has this email address."),
    ],
    ids=[
        "no-first-name",
        "no-last-name",
        "no-email",
        "bad-email",
        "short-phone",
        "words-phone",
        "unknown-company",
        "duplicate-email",
    ],
)
def test_contact_form_validation_then_success(
    client: TestClient, alice: str, crm_db: Path, change: dict[str, str], field: str, message: str
) -> None:
    if change.get("email") == "PLACEHOLDER":
        existing = client.get("/contacts/1").text
        change = {"email": re.search(r'href="mailto:([^"]+)"', existing).group(1).upper()}
    r = client.post("/contacts", data={**GOOD_CONTACT, **change, "csrf_token": alice})
    assert r.status_code == 422
    assert message in r.text
    field_tag = re.search(rf'<(?:input|select)[^>]* name="{field}"[^>]*>', r.text).group(0)
    assert 'aria-invalid="true"' in field_tag
    assert f'aria-describedby="{field}-error' in field_tag or f"{field}-error" in field_tag
    assert f'id="{field}-error"' in r.text
    assert 'value="Head of Procurement"' in r.text  # what was typed is kept
    r = client.post("/contacts", data={**GOOD_CONTACT, "csrf_token": alice})
    assert r.status_code == 303
    contact_id = int(r.headers["location"].rsplit("/", 1)[1])
    found = state.find_contact(crm_db, email="JANE.customer@example.org")
    assert found is not None and found.id == contact_id and found.owner == "alice"
    assert state.find_contact(crm_db, name="jane  customer") == found
    assert "Contact created." in client.get(r.headers["location"]).text


def test_edit_and_delete_contact(client: TestClient, alice: str, crm_db: Path) -> None:
    before = state.snapshot(crm_db)
    form = client.get("/contacts/5/edit").text
    values = dict(re.findall(r'<input id="\w+" name="(\w+)" type="\w+" value="([^"]*)"', form))
    r = client.post("/contacts/5/edit", data={**values, "title": "COO", "csrf_token": alice})
    assert r.status_code == 303
    assert state.diff(before, state.snapshot(crm_db)) == {
        "contacts": {"added": [], "removed": [], "changed": [5]}
    }
    email = state.snapshot(crm_db)["contacts"][5][3]
    assert client.get("/contacts/5/delete").status_code == 200  # the confirmation page
    r = client.post("/contacts/5/delete", data={"csrf_token": alice})
    assert (r.status_code, r.headers["location"]) == (303, "/contacts")
    assert state.find_contact(crm_db, email=email) is None
    assert client.get("/contacts/5").status_code == 404


def test_move_deal_stage(client: TestClient, alice: str, crm_db: Path, clock: FakeClock) -> None:
    deal = client.get("/deals/4").text
    name = re.search(r"<h1>([^<]+)</h1>", deal).group(1).replace("&amp;", "&")
    start = state.deal_stage(crm_db, name)
    target = "negotiation" if start != "negotiation" else "won"
    assert '<select id="stage" name="stage"' in deal
    r = client.post("/deals/4/stage", data={"stage": target, "csrf_token": alice})
    assert (r.status_code, r.headers["location"]) == (303, "/deals/4")
    assert state.deal_stage(crm_db, name) == target
    last = state.stage_changes(crm_db, name)[-1]
    assert (last.from_stage, last.to_stage, last.user) == (start, target, "alice")
    assert f"Deal moved to {target}." in client.get("/deals/4").text
    assert name in client.get(f"/deals?stage={target}").text
    r = client.post("/deals/4/stage", data={"stage": "closed", "csrf_token": alice})
    assert r.status_code == 422 and "Choose a stage from the list." in r.text


def test_log_activity(client: TestClient, alice: str, crm_db: Path) -> None:
    form = client.get("/activities/new?contact=7")
    assert 'value="2026-01-05"' in form.text  # today, from the injected clock
    email = state.snapshot(crm_db)["contacts"][7][3]
    data = {
        "kind": "meeting",
        "subject": "Quarterly review",
        "occurred_on": "2026-01-05",
        "notes": "Agreed next steps",
        "contact_id": "7",
        "csrf_token": alice,
    }
    r = client.post("/activities", data=data)
    assert (r.status_code, r.headers["location"]) == (303, "/contacts/7#activities")
    found = state.activities_for(crm_db, contact_email=email)[0]
    assert (found.kind, found.subject, found.user, found.notes) == (
        "meeting",
        "Quarterly review",
        "alice",
        "Agreed next steps",
    )
    r = client.post("/activities", data={**data, "contact_id": "", "occurred_on": "05/01"})
    assert r.status_code == 422
    assert "Choose the contact or the deal" in r.text and "must be a date" in r.text


def test_search(client: TestClient, alice: str, crm_db: Path) -> None:
    contact = state.snapshot(crm_db)["contacts"][1]
    r = client.get("/search", params={"q": contact[3].split("@")[0]})
    assert r.status_code == 200 and "/contacts/1" in r.text
    assert client.get("/search", params={"q": "%"}).text.count('<li class="empty">') == 3
    company = state.snapshot(crm_db)["companies"][2][1]
    assert "/companies/2" in client.get("/search", params={"q": company[:6]}).text
    filtered = client.get("/contacts", params={"company": "2"}).text
    assert filtered.count("/contacts/") - filtered.count("/contacts/new") >= 1


def test_password_change(client: TestClient, alice: str, crm_db: Path) -> None:
    with TestClient(client.app, follow_redirects=False) as other_device:
        sign_in(other_device)
        good = {
            "current_password": DEMO_PASSWORD,
            "new_password": "a-much-longer-one",
            "confirm_password": "a-much-longer-one",
            "csrf_token": alice,
        }
        for change, message in [
            ({"current_password": "nope"}, "The current password is not correct."),
            ({"confirm_password": "a-different-one"}, "The two new passwords do not match."),
            ({"new_password": "short", "confirm_password": "short"}, "at least 10 characters"),
        ]:
            r = client.post("/settings/password", data={**good, **change})
            assert r.status_code == 422 and message in r.text
            assert 'autocomplete="new-password"' in r.text
            assert "a-much-longer-one" not in r.text and DEMO_PASSWORD not in r.text
        r = client.post("/settings/password", data=good)
        assert (r.status_code, r.headers["location"]) == (303, "/settings")
        assert client.get("/settings").status_code == 200  # this sign-in goes on
        assert other_device.get("/settings").status_code == 303  # the other one ended
    client.cookies.clear()
    page = client.get("/login")
    for password, status in [(DEMO_PASSWORD, 400), ("a-much-longer-one", 303)]:
        data = {"username": "alice", "password": password, "csrf_token": csrf_of(page.text)}
        assert client.post("/login", data=data).status_code == status


def test_card_is_kept_as_last_four_digits_only(
    client: TestClient, alice: str, crm_db: Path
) -> None:
    bad = {
        "cardholder": "Alice Campbell",
        "card_number": "4242 4242 4242 4241",
        "card_expiry": "12/30",
        "card_cvc": "123",
        "csrf_token": alice,
    }
    r = client.post("/billing/cards", data=bad)
    assert r.status_code == 422 and "not valid" in r.text
    assert "4242 4242 4242 4241" not in r.text and 'value="123"' not in r.text
    r = client.post("/billing/cards", data={**bad, "card_number": CARD, "card_expiry": "01/25"})
    assert r.status_code == 422 and "This card has expired." in r.text
    page = client.get("/billing").text
    for field in ("cc-number", "cc-exp", "cc-csc", "cc-name"):
        assert f'autocomplete="{field}"' in page
    r = client.post("/billing/cards", data={**bad, "card_number": CARD})
    assert (r.status_code, r.headers["location"]) == (303, "/billing")
    assert state.payment_cards(crm_db) == [
        {
            "brand": "visa",
            "last4": "4242",
            "exp_month": 12,
            "exp_year": 2030,
            "cardholder": "Alice Campbell",
        }
    ]
    assert "Visa ending in 4242" in client.get("/billing").text
    stored = b"".join(
        p.read_bytes() for p in crm_db.parent.iterdir() if p.name.startswith(crm_db.name)
    )
    for form in (CARD, CARD.replace(" ", ""), "4242424242424241"):
        assert form.encode() not in stored


def test_personal_data_never_reaches_the_log(
    client: TestClient, alice: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    client.post("/contacts", data={**GOOD_CONTACT, "csrf_token": alice})
    client.post(
        "/billing/cards",
        data={
            "cardholder": "Alice Campbell",
            "card_number": CARD,
            "card_expiry": "12/30",
            "card_cvc": "123",
            "csrf_token": alice,
        },
    )
    client.post(
        "/settings/password", data={"current_password": "Hunter2-password!", "csrf_token": alice}
    )
    client.get("/search", params={"q": "jane.customer"})
    client.post("/logout", data={"csrf_token": alice})
    sign_in(client)
    # The test client logs its own request lines; the CRM's own lines are what is checked.
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("workprint"))
    assert "crm sign-in user_id=" in logged
    for secret in ("Jane", "Customer", "jane.customer", "7946", "4242", "Hunter2", DEMO_PASSWORD):
        assert secret not in logged


def test_same_seed_same_database(tmp_path: Path, seeded_template: Path) -> None:
    again = tmp_path / "again.db"
    engine = schema.open_engine(again)
    seed_database(engine, SEED, 12)
    engine.dispose()
    assert state.snapshot(again) == state.snapshot(seeded_template)
    counts = state.count_rows(again)
    assert (counts["users"], counts["companies"], counts["contacts"], counts["deals"]) == (
        12,
        40,
        150,
        80,
    )
    users = [row[1] for row in state.snapshot(again)["users"].values()]
    assert users == usernames(12) and users[:3] == ["alice", "bob", "carol"]
    small = []
    for seed in (SEED, SEED + 1):
        path = tmp_path / f"small-{seed}.db"
        engine = schema.open_engine(path)
        seed_database(engine, seed, 2)
        engine.dispose()
        small.append(state.snapshot(path))
    assert small[0]["contacts"] != small[1]["contacts"]


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip


@pytest.mark.e2e
def test_a_person_works_in_the_crm_in_a_real_browser(crm_db: Path) -> None:
    """Sign in, create a contact, move a deal in Chromium; the task checks see both."""
    sync_api = pytest.importorskip("playwright.sync_api")
    if shutil.which(CHROMIUM) is None:
        pytest.skip(f"{CHROMIUM} is not installed")
    deal_name = state.snapshot(crm_db)["deals"][4][1]
    target = "negotiation" if state.deal_stage(crm_db, deal_name) != "negotiation" else "won"
    with (
        running_crm(CrmConfig(db_path=crm_db, secret_key="e2e")) as base,
        sync_api.sync_playwright() as pw,
    ):
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.set_default_timeout(15_000)
            expect = sync_api.expect
            page.goto(f"{base}/deals/4")
            page.get_by_label("Username").fill("alice")
            page.get_by_label("Password").fill(DEMO_PASSWORD)
            page.get_by_role("button", name="Sign in").click()
            expect(page).to_have_url(f"{base}/deals/4")

            page.get_by_label("Move this deal to").select_option(target)
            page.get_by_role("button", name="Move deal").click()
            expect(page.get_by_role("status")).to_contain_text(f"Deal moved to {target}.")

            page.get_by_role("navigation", name="Main").get_by_role("link", name="Contacts").click()
            page.get_by_role("link", name="New contact").click()
            page.get_by_label("First name").fill("Jane")
            page.get_by_role("button", name="Create contact").click()
            expect(page.get_by_role("alert")).to_contain_text("Last name is required.")
            expect(page.get_by_label("Last name")).to_have_attribute("aria-invalid", "true")
            page.get_by_label("Last name").fill("Customer")
            page.get_by_label("Email").fill(GOOD_CONTACT["email"])
            page.get_by_label("Phone").fill(GOOD_CONTACT["phone"])
            page.get_by_label("Company").select_option(index=3)
            page.get_by_role("button", name="Create contact").click()
            expect(page.get_by_role("heading", level=1)).to_have_text("Jane Customer")

            page.get_by_role("link", name="Delete contact").click()  # opens the dialog
            dialog = page.get_by_role("dialog")
            expect(dialog).to_be_visible()
            dialog.get_by_role("button", name="Cancel").click()
            expect(dialog).to_be_hidden()
        finally:
            browser.close()
    assert state.deal_stage(crm_db, deal_name) == target
    assert state.stage_changes(crm_db, deal_name)[-1].user == "alice"
    contact = state.find_contact(crm_db, email=GOOD_CONTACT["email"])
    assert contact is not None and contact.owner == "alice" and contact.company is not None
