"""Validation of every form the CRM accepts: pure functions from posted fields to values.

Each ``check_*`` takes the posted fields (and the ids that may be referred to) and returns
``(value, errors)``: the typed value when every field is valid, else ``None`` and a message
per field name. Messages name the rule, never repeat what was typed.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Final

from workprint.demo.crm import schema as s

Errors = dict[str, str]
_EMAIL: Final = re.compile(
    r"^[^@\s<>\"]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)+$"
)
_PHONE: Final = re.compile(r"(\+?[0-9().\-\s/]+?)\s*(?:(?:x|ext\.?)\s*\d{1,6})?", re.I)
_EXPIRY: Final = re.compile(r"^\s*(\d{1,2})\s*/\s*(\d{2}|\d{4})\s*$")
MIN_PASSWORD: Final = 10
PASSWORD_FIELDS: Final = ("current_password", "new_password", "confirm_password")


@dataclass(frozen=True, slots=True)
class CompanyInput:
    name: str
    industry: str
    size: str
    website: str
    city: str
    country: str


@dataclass(frozen=True, slots=True)
class ContactInput:
    first_name: str
    last_name: str
    email: str
    phone: str
    title: str
    company_id: int | None


@dataclass(frozen=True, slots=True)
class DealInput:
    name: str
    company_id: int
    contact_id: int | None
    owner_id: int
    stage: str
    amount_cents: int
    close_date: str


@dataclass(frozen=True, slots=True)
class ActivityInput:
    kind: str
    subject: str
    occurred_on: str
    notes: str
    contact_id: int | None
    deal_id: int | None


@dataclass(frozen=True, slots=True)
class ProfileInput:
    full_name: str
    email: str
    title: str


@dataclass(frozen=True, slots=True)
class CardInput:
    """What is kept of a card: never the number or the security code."""

    cardholder: str
    brand: str
    last4: str
    exp_month: int
    exp_year: int


def _a(label: str) -> str:
    word = label.lower()
    return f"an {word}" if word[:1] in "aeiou" else f"a {word}"


def _text(form: Mapping[str, str], name: str, errors: Errors, *, label: str,
          required: bool = False, max_len: int = 120) -> str:  # fmt: skip
    value = " ".join(form.get(name, "").split())
    if required and not value:
        errors[name] = f"{label} is required."
    elif len(value) > max_len:
        errors[name] = f"{label} must be at most {max_len} characters."
    return value


def _choice(form: Mapping[str, str], name: str, options: Collection[str], errors: Errors,
            *, label: str) -> str:  # fmt: skip
    value = form.get(name, "")
    if value not in options:
        errors[name] = f"Choose {_a(label)} from the list."
    return value


def _ref(form: Mapping[str, str], name: str, ids: Collection[int], errors: Errors,
         *, label: str, required: bool = False) -> int | None:  # fmt: skip
    raw = form.get(name, "").strip()
    if not raw:
        if required:
            errors[name] = f"Choose {_a(label)}."
        return None
    if not raw.isdigit() or int(raw) not in ids:
        errors[name] = f"Choose {_a(label)} from the list."
        return None
    return int(raw)


def _date(form: Mapping[str, str], name: str, errors: Errors, *, label: str) -> str:
    raw = form.get(name, "").strip()
    if not raw:
        errors[name] = f"{label} is required."
        return raw
    try:
        return date.fromisoformat(raw).isoformat()
    except ValueError:
        errors[name] = f"{label} must be a date (YYYY-MM-DD)."
        return raw


def valid_email(value: str) -> bool:
    """A plausible address: one @, a dotted domain, at most 254 characters."""
    return len(value) <= 254 and _EMAIL.fullmatch(value) is not None


def valid_phone(value: str) -> bool:
    """Digits with the usual separators, 7 to 15 of them (E.164's most), plus an extension."""
    match = _PHONE.fullmatch(value.strip())
    if match is None:
        return False
    number: str = match.group(1)
    digits = sum(ch.isdigit() for ch in number)
    return 7 <= digits <= 15


def check_company(form: Mapping[str, str]) -> tuple[CompanyInput | None, Errors]:
    errors: Errors = {}
    name = _text(form, "name", errors, label="Name", required=True, max_len=100)
    industry = _choice(form, "industry", s.INDUSTRIES, errors, label="Industry")
    size = _choice(form, "size", s.COMPANY_SIZES, errors, label="Size")
    website = _text(form, "website", errors, label="Website", max_len=200)
    if website and not re.fullmatch(r"https?://[^\s/$.?#][^\s]*\.[^\s]+", website):
        errors["website"] = "Website must start with http:// or https://."
    city = _text(form, "city", errors, label="City", max_len=80)
    country = _text(form, "country", errors, label="Country", max_len=80)
    if errors:
        return None, errors
    return CompanyInput(name, industry, size, website, city, country), errors


def check_contact(
    form: Mapping[str, str], company_ids: Collection[int]
) -> tuple[ContactInput | None, Errors]:
    errors: Errors = {}
    first = _text(form, "first_name", errors, label="First name", required=True, max_len=80)
    last = _text(form, "last_name", errors, label="Last name", required=True, max_len=80)
    email = form.get("email", "").strip()
    if not email:
        errors["email"] = "Email is required."
    elif not valid_email(email):
        errors["email"] = "Enter an email address like name@example.com."
    phone = " ".join(form.get("phone", "").split())
    if phone and not valid_phone(phone):
        errors["phone"] = "Enter a phone number with 7 to 15 digits, e.g. +1 415 555 0100."
    title = _text(form, "title", errors, label="Job title")
    company = _ref(form, "company_id", company_ids, errors, label="Company")
    if errors:
        return None, errors
    return ContactInput(first, last, email, phone, title, company), errors


def parse_amount(raw: str) -> int | None:
    """Whole cents of an amount like ``12,500`` or ``12500.50``; None when not a sum."""
    cleaned = raw.replace(",", "").replace(" ", "").removeprefix("$")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return None
    if not value.is_finite() or value < 0 or value > Decimal("1e11"):
        return None
    return int((value * 100).quantize(Decimal(1)))


def check_deal(
    form: Mapping[str, str],
    company_ids: Collection[int],
    contact_ids: Collection[int],
    owner_ids: Collection[int],
) -> tuple[DealInput | None, Errors]:
    errors: Errors = {}
    name = _text(form, "name", errors, label="Deal name", required=True, max_len=160)
    company = _ref(form, "company_id", company_ids, errors, label="Company", required=True)
    contact = _ref(form, "contact_id", contact_ids, errors, label="Contact")
    owner = _ref(form, "owner_id", owner_ids, errors, label="Owner", required=True)
    stage = _choice(form, "stage", s.STAGES, errors, label="Stage")
    amount = parse_amount(form.get("amount", ""))
    if amount is None:
        errors["amount"] = "Amount must be a number, e.g. 12500."
    close_date = _date(form, "close_date", errors, label="Close date")
    if errors or company is None or owner is None or amount is None:
        return None, errors
    return DealInput(name, company, contact, owner, stage, amount, close_date), errors


def check_activity(
    form: Mapping[str, str], contact_ids: Collection[int], deal_ids: Collection[int]
) -> tuple[ActivityInput | None, Errors]:
    errors: Errors = {}
    kind = _choice(form, "kind", s.ACTIVITY_KINDS, errors, label="Type")
    subject = _text(form, "subject", errors, label="Subject", required=True, max_len=160)
    occurred_on = _date(form, "occurred_on", errors, label="Date")
    notes = form.get("notes", "").strip()
    if len(notes) > 4000:
        errors["notes"] = "Notes must be at most 4000 characters."
    contact = _ref(form, "contact_id", contact_ids, errors, label="Contact")
    deal = _ref(form, "deal_id", deal_ids, errors, label="Deal")
    if contact is None and deal is None and not errors.keys() & {"contact_id", "deal_id"}:
        errors["contact_id"] = "Choose the contact or the deal this activity belongs to."
    if errors:
        return None, errors
    return ActivityInput(kind, subject, occurred_on, notes, contact, deal), errors


def check_note(form: Mapping[str, str]) -> tuple[str | None, Errors]:
    body = form.get("body", "").strip()
    if not body:
        return None, {"body": "Write something before adding the note."}
    if len(body) > 4000:
        return None, {"body": "A note must be at most 4000 characters."}
    return body, {}


def check_profile(form: Mapping[str, str]) -> tuple[ProfileInput | None, Errors]:
    errors: Errors = {}
    full_name = _text(form, "full_name", errors, label="Full name", required=True)
    email = form.get("email", "").strip()
    if not valid_email(email):
        errors["email"] = "Enter an email address like name@example.com."
    title = _text(form, "title", errors, label="Job title")
    if errors:
        return None, errors
    return ProfileInput(full_name, email, title), errors


def check_new_password(form: Mapping[str, str], current_ok: bool) -> Errors:
    """Errors of a password change; ``current_ok`` says whether the current one matched."""
    errors: Errors = {}
    current, new, confirm = (form.get(f, "") for f in PASSWORD_FIELDS)
    if not current_ok:
        errors[PASSWORD_FIELDS[0]] = "The current password is not correct."
    if len(new) < MIN_PASSWORD:
        errors[PASSWORD_FIELDS[1]] = f"Use at least {MIN_PASSWORD} characters."
    elif new == current:
        errors[PASSWORD_FIELDS[1]] = "The new password must differ from the current one."
    if new != confirm:
        errors[PASSWORD_FIELDS[2]] = "The two new passwords do not match."
    return errors


def luhn_ok(digits: str) -> bool:
    """The Luhn (mod 10) check every payment card number passes."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def card_brand(digits: str) -> str:
    """The card network by issuer prefix, or ``card`` when unknown."""
    if digits.startswith("4"):
        return "visa"
    if digits[:2] in {"34", "37"}:
        return "amex"
    if 51 <= int(digits[:2]) <= 55 or 2221 <= int(digits[:4]) <= 2720:
        return "mastercard"
    if digits.startswith(("6011", "65")) or 644 <= int(digits[:3]) <= 649:
        return "discover"
    return "card"


def check_card(form: Mapping[str, str], today: date) -> tuple[CardInput | None, Errors]:
    errors: Errors = {}
    holder = _text(form, "cardholder", errors, label="Name on card", required=True)
    digits = re.sub(r"[\s-]", "", form.get("card_number", ""))
    brand, last4 = "card", ""
    if not digits.isdigit() or not 12 <= len(digits) <= 19:
        errors["card_number"] = "Enter the 12 to 19 digits of the card number."
    elif not luhn_ok(digits):
        errors["card_number"] = "This card number is not valid; check the digits."
    else:
        brand, last4 = card_brand(digits), digits[-4:]
    month = year = 0
    match = _EXPIRY.fullmatch(form.get("card_expiry", ""))
    if match is None or not 1 <= int(match.group(1)) <= 12:
        errors["card_expiry"] = "Enter the expiry date as MM/YY."
    else:
        month, year = int(match.group(1)), int(match.group(2))
        year = year + 2000 if year < 100 else year
        if (year, month) < (today.year, today.month):
            errors["card_expiry"] = "This card has expired."
    cvc = form.get("card_cvc", "").strip()
    if not cvc.isdigit() or len(cvc) != (4 if brand == "amex" else 3):
        errors["card_cvc"] = "Enter the security code from the back of the card."
    del digits, cvc
    if errors:
        return None, errors
    return CardInput(holder, brand, last4, month, year), errors
