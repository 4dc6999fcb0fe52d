"""Tables for the CRM's pure form checks: cards (Luhn, brand, expiry, code), emails, phones,
amounts, deals, activities and passwords."""

from __future__ import annotations

from datetime import date

import pytest

from workprint.demo.crm import _forms as f

TODAY = date(2026, 1, 5)
CARD_FORM = {
    "cardholder": "A. Person",
    "card_number": "4242 4242 4242 4242",
    "card_expiry": "12/30",
    "card_cvc": "123",
}


@pytest.mark.parametrize(
    ("number", "ok", "brand"),
    [
        ("4242424242424242", True, "visa"),
        ("4111111111111111", True, "visa"),
        ("5555555555554444", True, "mastercard"),
        ("2223003122003222", True, "mastercard"),
        ("378282246310005", True, "amex"),
        ("6011111111111117", True, "discover"),
        ("4242424242424241", False, "visa"),
        ("1234567812345678", False, "card"),
    ],
    ids=[
        "visa",
        "visa-2",
        "mastercard",
        "mastercard-2-series",
        "amex",
        "discover",
        "visa-bad-check",
        "unknown-bad-check",
    ],
)
def test_luhn_and_brand(number: str, ok: bool, brand: str) -> None:
    assert f.luhn_ok(number) is ok
    assert f.card_brand(number) == brand


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"card_number": "4242"}, "card_number"),
        ({"card_number": "4242-4242-4242-4241"}, "card_number"),
        ({"card_number": "4242 4242 4242 abcd"}, "card_number"),
        ({"card_expiry": "13/30"}, "card_expiry"),
        ({"card_expiry": "12/25"}, "card_expiry"),
        ({"card_expiry": "1230"}, "card_expiry"),
        ({"card_cvc": "12"}, "card_cvc"),
        ({"card_number": "3782 822463 10005", "card_cvc": "123"}, "card_cvc"),
        ({"cardholder": ""}, "cardholder"),
    ],
    ids=[
        "too-short",
        "bad-check",
        "letters",
        "month-13",
        "expired",
        "no-slash",
        "short-cvc",
        "amex-needs-4",
        "no-holder",
    ],
)
def test_card_errors(change: dict[str, str], field: str) -> None:
    card, errors = f.check_card({**CARD_FORM, **change}, TODAY)
    assert card is None and list(errors) == [field]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({}, f.CardInput("A. Person", "visa", "4242", 12, 2030)),
        ({"card_expiry": "01 / 2026"}, f.CardInput("A. Person", "visa", "4242", 1, 2026)),
        (
            {"card_number": "3782-822463-10005", "card_cvc": "1234"},
            f.CardInput("A. Person", "amex", "0005", 12, 2030),
        ),
    ],
    ids=["visa", "this-month-long-year", "amex-dashes"],
)
def test_card_kept_values(change: dict[str, str], expected: f.CardInput) -> None:
    assert f.check_card({**CARD_FORM, **change}, TODAY) == (expected, {})


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("a@b.co", True),
        ("first.last+tag@sub.example.org", True),
        ("no-at.example", False),
        ("a@b", False),
        ("a b@c.com", False),
        ("a@-b.com", False),
        ("x" * 250 + "@b.com", False),
    ],
    ids=["short", "plus-and-subdomain", "no-at", "no-dot", "space", "leading-hyphen", "too-long"],
)
def test_email(value: str, ok: bool) -> None:
    assert f.valid_email(value) is ok


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("+1 415 555 0100", True),
        ("(0161) 4960231", True),
        ("+49(0)4155 30322", True),
        ("410-831-3279x3052", True),
        ("12", False),
        ("call me", False),
        ("+1 415 555 0100 999 99", False),
    ],
    ids=[
        "us-international",
        "uk-national",
        "de-trunk",
        "extension",
        "too-short",
        "words",
        "too-long",
    ],
)
def test_phone(value: str, ok: bool) -> None:
    assert f.valid_phone(value) is ok


@pytest.mark.parametrize(
    ("raw", "cents"),
    [
        ("12500", 1_250_000),
        ("12,500.50", 1_250_050),
        ("$99", 9_900),
        ("-5", None),
        ("ten", None),
        ("nan", None),
        ("", None),
    ],
    ids=["whole", "grouped-decimal", "dollar-sign", "negative", "word", "nan", "empty"],
)
def test_amount(raw: str, cents: int | None) -> None:
    assert f.parse_amount(raw) == cents


def test_deal_form() -> None:
    form = {
        "name": " Big  deal ",
        "company_id": "1",
        "contact_id": "",
        "owner_id": "2",
        "stage": "proposal",
        "amount": "1000",
        "close_date": "2026-02-01",
    }
    deal, errors = f.check_deal(form, {1}, {5}, {2})
    assert errors == {}
    assert deal == f.DealInput("Big deal", 1, None, 2, "proposal", 100_000, "2026-02-01")
    bad = {**form, "company_id": "9", "stage": "closed", "close_date": "soon", "contact_id": "x"}
    _deal, errors = f.check_deal(bad, {1}, {5}, {2})
    assert set(errors) == {"company_id", "stage", "close_date", "contact_id"}


def test_activity_needs_a_contact_or_a_deal() -> None:
    form = {"kind": "call", "subject": "Intro", "occurred_on": "2026-01-05"}
    assert f.check_activity(form, {1}, {2})[1] == {
        "contact_id": "Choose the contact or the deal this activity belongs to."
    }
    activity, errors = f.check_activity({**form, "deal_id": "2"}, {1}, {2})
    assert errors == {} and activity == f.ActivityInput("call", "Intro", "2026-01-05", "", None, 2)


@pytest.mark.parametrize(
    ("form", "current_ok", "fields"),
    [
        (
            {
                "current_password": "old-password",
                "new_password": "new-password-1",
                "confirm_password": "new-password-1",
            },
            True,
            set(),
        ),
        (
            {
                "current_password": "x",
                "new_password": "new-password-1",
                "confirm_password": "new-password-1",
            },
            False,
            {"current_password"},
        ),
        (
            {
                "current_password": "old-password",
                "new_password": "old-password",
                "confirm_password": "old-password",
            },
            True,
            {"new_password"},
        ),
        (
            {
                "current_password": "old-password",
                "new_password": "short",
                "confirm_password": "shorter",
            },
            True,
            {"new_password", "confirm_password"},
        ),
    ],
    ids=["ok", "wrong-current", "unchanged", "short-and-mismatched"],
)
def test_password_change_rules(form: dict[str, str], current_ok: bool, fields: set[str]) -> None:
    assert set(f.check_new_password(form, current_ok)) == fields
