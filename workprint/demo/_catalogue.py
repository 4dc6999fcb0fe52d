"""What the simulated team's tasks are made of: the CRM's records, read once, and the new
values a task asks for (people to add, phone numbers, job titles, card numbers, passwords).

:func:`read_catalogue` reads a CRM database through :mod:`workprint.demo.crm.state` (read-only);
:func:`seeded_catalogue` seeds a throw-away CRM database first, for a plan made before the CRM
runs. The generators take a ``random.Random`` and nothing else, so a plan is a function of its
seed. Everything is synthetic: phone numbers come from ranges reserved for fiction, card
numbers only pass the Luhn check, and every domain is the company's own demo domain.
"""

from __future__ import annotations

import random
import re
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import sqlalchemy as sa

from workprint.demo.crm import schema as s
from workprint.demo.crm import state
from workprint.demo.crm.seed import seed_database

CONTACT_TITLES: Final = (
    "Head of Procurement", "Operations Director", "IT Manager", "Finance Director",
    "Chief of Staff", "Purchasing Lead", "Customer Success Lead", "Project Manager",
    "Head of Partnerships", "Controller", "VP Operations", "Office Manager",
)  # fmt: skip
_PHONE_FORMATS: Final = (
    "+1 415 555 01{:02d}",
    "+1 212 555 01{:02d}",
    "+44 20 7946 0{:03d}",
    "+44 161 496 0{:03d}",
    "+61 2 5550 1{:03d}",
)
_WORDS: Final = (
    "amber", "harbor", "cobalt", "meadow", "falcon", "granite", "lantern", "orbit", "willow",
    "summit", "copper", "breeze", "marble", "thistle", "quartz", "juniper",
)  # fmt: skip
_CARD_PREFIXES: Final = ("4", "51", "52", "53", "54", "55")


@dataclass(frozen=True, slots=True)
class Company:
    id: int
    name: str
    domain: str


@dataclass(frozen=True, slots=True)
class Contact:
    id: int
    first_name: str
    last_name: str
    email: str
    phone: str
    title: str
    company: str | None

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"


@dataclass(frozen=True, slots=True)
class Deal:
    id: int
    name: str
    stage: str
    company: str


@dataclass(frozen=True, slots=True)
class Catalogue:
    """The records of one CRM database that tasks may refer to."""

    users: dict[str, str]
    """username -> full name"""
    companies: tuple[Company, ...]
    contacts: tuple[Contact, ...]
    """Only contacts whose full name is unique, so a search by name finds one person."""
    deals: tuple[Deal, ...]
    """Only deals in an open stage: they can still move."""
    taken_names: frozenset[str]
    """Lower-cased full names and emails of every contact, for new people to avoid."""


def _rows(snap: state.Snapshot, table: sa.Table) -> list[dict[str, Any]]:
    names = list(table.columns.keys())
    return [dict(zip(names, row, strict=True)) for _key, row in sorted(snap[table.name].items())]


def _domain(website: str) -> str:
    host = re.sub(r"^https?://", "", website).split("/")[0]
    return host.removeprefix("www.") or "example.com"


def read_catalogue(db_path: Path) -> Catalogue:
    """The catalogue of the CRM database at ``db_path`` (opened read-only)."""
    snap = state.snapshot(db_path)
    users = {u["username"]: u["full_name"] for u in _rows(snap, s.users)}
    companies = tuple(
        Company(c["id"], c["name"], _domain(c["website"])) for c in _rows(snap, s.companies)
    )
    company_names = {c.id: c.name for c in companies}
    raw_contacts = _rows(snap, s.contacts)
    counts: dict[str, int] = {}
    for c in raw_contacts:
        full = f"{c['first_name']} {c['last_name']}".lower()
        counts[full] = counts.get(full, 0) + 1
    contacts = tuple(
        Contact(
            c["id"],
            c["first_name"],
            c["last_name"],
            c["email"],
            c["phone"],
            c["title"],
            company_names.get(c["company_id"]),
        )
        for c in raw_contacts
        if counts[f"{c['first_name']} {c['last_name']}".lower()] == 1
    )
    deals = tuple(
        Deal(d["id"], d["name"], d["stage"], company_names[d["company_id"]])
        for d in _rows(snap, s.deals)
        if d["stage"] in s.OPEN_STAGES
    )
    taken = {f"{c['first_name']} {c['last_name']}".lower() for c in raw_contacts}
    taken |= {str(c["email"]).lower() for c in raw_contacts}
    return Catalogue(users, companies, contacts, deals, frozenset(taken))


def directory_names(db_path: Path) -> list[str]:
    """Every person the CRM knows by name: the team and all contacts (a name deny-list)."""
    snap = state.snapshot(db_path)
    names = {str(u["full_name"]) for u in _rows(snap, s.users)}
    names |= {f"{c['first_name']} {c['last_name']}" for c in _rows(snap, s.contacts)}
    return sorted(names)


def seeded_catalogue(crm_seed: int, users: int) -> Catalogue:
    """The catalogue of a CRM database seeded with ``crm_seed`` and ``users`` (made and
    thrown away here: the same records the CRM seeds when it starts on an empty file)."""
    with tempfile.TemporaryDirectory(prefix="workprint-plan-") as tmp:
        path = Path(tmp) / "crm.db"
        engine = sa.create_engine(f"sqlite:///{path}")
        try:
            seed_database(engine, crm_seed, users)
        finally:
            engine.dispose()
        return read_catalogue(path)


def ascii_slug(text: str) -> str:
    """Lower-case ASCII letters and digits of ``text`` (for email local parts)."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "", plain.lower())


def new_phone(rng: random.Random) -> str:
    """A phone number from a range reserved for fiction (555-01xx, Ofcom's drama ranges)."""
    fmt = rng.choice(_PHONE_FORMATS)
    return fmt.format(rng.randrange(100 if "{:02d}" in fmt else 1000))


def new_title(rng: random.Random, current: str) -> str:
    """A job title other than ``current``."""
    return rng.choice([t for t in CONTACT_TITLES if t != current])


def new_password(rng: random.Random) -> str:
    """A password as a person picks one: two words, digits and a sign (at least 10 chars)."""
    first, second = rng.sample(_WORDS, 2)
    return f"{first.capitalize()}-{second}-{rng.randrange(1000, 10000)}{rng.choice('!?#%')}"


def card_number(rng: random.Random) -> str:
    """Sixteen digits with a Visa or Mastercard prefix and a valid Luhn check digit."""
    prefix = rng.choice(_CARD_PREFIXES)
    body = prefix + "".join(str(rng.randrange(10)) for _ in range(15 - len(prefix)))
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch)
        if i % 2 == 0:
            d = d * 2 - 9 if d * 2 > 9 else d * 2
        total += d
    return body + str((10 - total % 10) % 10)


def security_code(rng: random.Random) -> str:
    return f"{rng.randrange(1000):03d}"


def expiry(rng: random.Random) -> str:
    """MM/YY some years ahead (fixed years, so a plan does not depend on today's date)."""
    return f"{rng.randrange(1, 13):02d}/{rng.randrange(32, 37)}"
