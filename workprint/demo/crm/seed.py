"""Deterministic demo data for Nexus CRM: a team, companies, contacts, deals and their history.

``seed_database(engine, seed, users)`` fills an empty database. Every value comes from a
``random.Random(seed)`` and Faker instances seeded from ``seed`` (one per locale of a fixed
mix), and every timestamp from a fixed start date, so the same seed writes identical rows.
All people, companies and numbers are synthetic.
"""

from __future__ import annotations

import logging
import random
import re
import unicodedata
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, Final

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from workprint.core.clock import from_epoch_ms, to_epoch_ms
from workprint.demo.crm import schema as s
from workprint.demo.crm._passwords import seeded_hash
from workprint.demo.crm.errors import CrmAlreadySeeded

log = logging.getLogger(__name__)

DEMO_PASSWORD: Final = "nexus-demo"  # noqa: S105 - the documented demo login
"""Password of every seeded team account (a public demo credential, not a secret)."""

_FIRST_NAMES: Final = (
    "alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy",
    "mallory", "niaj", "olivia", "peggy", "rupert", "sybil", "trent", "victor", "walter",
    "wendy",
)  # fmt: skip
_LOCALES: Final = (
    ("en_US", ".com"),
    ("en_GB", ".co.uk"),
    ("de_DE", ".de"),
    ("fr_FR", ".fr"),
    ("es_ES", ".es"),
    ("nl_NL", ".nl"),
)
_LOCALE_WEIGHTS: Final = (5, 2, 2, 2, 1, 1)
_TEAM_TITLES: Final = (
    "Account Executive", "Sales Development Rep", "Account Manager", "Sales Manager",
    "Customer Success Manager", "Solutions Engineer",
)  # fmt: skip
_CONTACT_TITLES: Final = (
    "CEO", "CTO", "CFO", "Head of Operations", "Procurement Manager", "IT Director",
    "VP Sales", "Office Manager", "Product Manager", "Finance Controller", "Buyer",
    "Head of Marketing", "Operations Analyst", "Facilities Lead",
)  # fmt: skip
_PRODUCTS: Final = (
    "Platform licence", "Annual renewal", "Pilot", "Expansion", "Support plan",
    "Onboarding package", "Data migration", "Team seats", "Enterprise upgrade", "Integration",
)  # fmt: skip
_STAGE_WEIGHTS: Final = (20, 16, 14, 10, 12, 8)
_ACTIVITY_SUBJECTS: Final = {
    "call": ("Discovery call", "Follow-up call", "Pricing call", "Check-in call"),
    "meeting": ("Demo meeting", "Kick-off", "Quarterly review", "On-site visit"),
    "email": ("Sent proposal", "Sent contract draft", "Shared case study", "Answered questions"),
}
_NOTE_BODIES: Final = (
    "Budget approved for next quarter.",
    "Prefers email over calls.",
    "Decision expected after the board meeting.",
    "Asked for a security questionnaire.",
    "Competitor evaluation in progress.",
    "Renewal date is the end of the fiscal year.",
    "Needs single sign-on before rollout.",
    "Happy with support so far.",
    "Legal review takes about two weeks.",
    "Champion is moving to a new role.",
)
_START: Final = datetime(2025, 7, 1, 9, 0, tzinfo=UTC)
"""Seeded history runs from here for ~180 days; nothing depends on today's date."""


def usernames(users: int) -> list[str]:
    """The seeded team's usernames: ``alice``, ``bob``, ... then ``alice2``, ``bob2``, ..."""
    out: list[str] = []
    for n in range(users):
        round_, index = divmod(n, len(_FIRST_NAMES))
        out.append(_FIRST_NAMES[index] + (str(round_ + 1) if round_ else ""))
    return out


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "company"


def _fakers(seed: int) -> list[Any]:
    from faker import Faker  # the demo extra; imported here so the package imports without it

    out = []
    for locale, _tld in _LOCALES:
        fake = Faker(locale)
        fake.seed_instance(f"nexus-{seed}-{locale}")
        out.append(fake)
    return out


class _Gen:
    """The seeding state: one random stream, the fakers, and a moving clock."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.fakers = _fakers(seed)

    def locale(self) -> int:
        return self.rng.choices(range(len(_LOCALES)), weights=_LOCALE_WEIGHTS)[0]

    def stamp(self, day_from: int = 0, day_to: int = 180) -> int:
        days = self.rng.randint(day_from, day_to)
        minutes = self.rng.randint(0, 9 * 60)
        return to_epoch_ms(_START + timedelta(days=days, minutes=minutes))

    def day(self, day_from: int, day_to: int) -> str:
        return (_START.date() + timedelta(days=self.rng.randint(day_from, day_to))).isoformat()


def _team(gen: _Gen, seed: int, n: int) -> list[dict[str, Any]]:
    rows = []
    for i, username in enumerate(usernames(n), start=1):
        fake = gen.fakers[0]
        last = fake.last_name()
        first = re.sub(r"\d+$", "", username).capitalize()
        rows.append(
            {
                "id": i,
                "username": username,
                "full_name": f"{first} {last}",
                "email": f"{username}@nexus-crm.example",
                "title": gen.rng.choice(_TEAM_TITLES),
                "password_hash": seeded_hash(DEMO_PASSWORD, seed, username),
                "created_at": to_epoch_ms(_START),
            }
        )
    return rows


def _companies(gen: _Gen, team: int, n: int) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    names: set[str] = set()
    while len(rows) < n:
        loc = gen.locale()
        fake = gen.fakers[loc]
        name = fake.company()
        if name in names or len(name) > 100:
            continue
        names.add(name)
        created = gen.stamp(0, 60)
        rows.append(
            {
                "id": len(rows) + 1,
                "name": name,
                "industry": gen.rng.choice(s.INDUSTRIES),
                "size": gen.rng.choice(s.COMPANY_SIZES),
                "website": f"https://www.{_slug(name)}{_LOCALES[loc][1]}",
                "city": fake.city(),
                "country": fake.current_country(),
                "owner_id": gen.rng.randint(1, team),
                "created_at": created,
                "updated_at": created,
                "_locale": loc,
            }
        )
    return rows


def _contacts(
    gen: _Gen, team: int, companies: Sequence[dict[str, Any]], n: int
) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    emails: set[str] = set()
    while len(rows) < n:
        company = gen.rng.choice(companies) if gen.rng.random() > 0.05 else None
        loc = company["_locale"] if company else gen.locale()
        fake = gen.fakers[loc]
        first, last = fake.first_name(), fake.last_name()
        domain = (
            company["website"].removeprefix("https://www.") if company else fake.free_email_domain()
        )
        local = f"{_slug(first)}.{_slug(last)}".replace("-", "")
        email = f"{local}@{domain}"
        if email in emails:
            email = f"{local}{len(rows)}@{domain}"
        emails.add(email)
        created = gen.stamp(10, 120)
        rows.append(
            {
                "id": len(rows) + 1,
                "first_name": first,
                "last_name": last,
                "email": email,
                "phone": fake.phone_number(),
                "title": gen.rng.choice(_CONTACT_TITLES),
                "company_id": company["id"] if company else None,
                "owner_id": company["owner_id"] if company else gen.rng.randint(1, team),
                "created_at": created,
                "updated_at": created,
            }
        )
    return rows


def _short(name: str) -> str:
    return name.split(",")[0].strip()


def _deals(
    gen: _Gen,
    companies: Sequence[dict[str, Any]],
    contacts: Sequence[dict[str, Any]],
    n: int,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    by_company: dict[int, list[int]] = {}
    for c in contacts:
        if c["company_id"] is not None:
            by_company.setdefault(c["company_id"], []).append(c["id"])
    rows: list[dict[str, Any]] = []
    changes: list[dict[str, Any]] = []
    names: set[str] = set()
    while len(rows) < n:
        company = gen.rng.choice(companies)
        name = f"{_short(company['name'])} – {gen.rng.choice(_PRODUCTS)}"
        if name in names:
            continue
        names.add(name)
        deal_id = len(rows) + 1
        stage_index = gen.rng.choices(range(len(s.STAGES)), weights=_STAGE_WEIGHTS)[0]
        people = by_company.get(company["id"], [])
        created = gen.stamp(30, 120)
        # The history walks the pipeline up to the current stage; "lost" can follow any open
        # stage, "won" follows negotiation.
        if s.STAGES[stage_index] == "lost":
            path = [*s.OPEN_STAGES[: gen.rng.randint(1, 4)], "lost"]
        else:
            path = list(s.STAGES[: stage_index + 1])
        when = created
        previous: str | None = None
        for stage in path:
            changes.append(
                {
                    "deal_id": deal_id,
                    "from_stage": previous,
                    "to_stage": stage,
                    "user_id": company["owner_id"],
                    "changed_at": when,
                }
            )
            previous = stage
            when += gen.rng.randint(1, 12) * 86_400_000
        rows.append(
            {
                "id": deal_id,
                "name": name,
                "company_id": company["id"],
                "contact_id": gen.rng.choice(people) if people else None,
                "owner_id": company["owner_id"],
                "stage": path[-1],
                "amount_cents": gen.rng.randint(10, 2500) * 10_000,
                "close_date": gen.day(150, 360),
                "created_at": created,
                "updated_at": when,
            }
        )
    for i, change in enumerate(changes, start=1):
        change["id"] = i
    return rows, changes


def _activities(
    gen: _Gen, contacts: Sequence[dict[str, Any]], deals: Sequence[dict[str, Any]], n: int
) -> list[dict[str, Any]]:
    rows = []
    for i in range(1, n + 1):
        kind = gen.rng.choice(s.ACTIVITY_KINDS)
        deal = gen.rng.choice(deals) if gen.rng.random() < 0.6 else None
        contact_id = deal["contact_id"] if deal else gen.rng.choice(contacts)["id"]
        user = deal["owner_id"] if deal else contacts[contact_id - 1]["owner_id"]
        created = gen.stamp(60, 180)
        rows.append(
            {
                "id": i,
                "kind": kind,
                "subject": gen.rng.choice(_ACTIVITY_SUBJECTS[kind]),
                "occurred_on": from_epoch_ms(created).date().isoformat(),
                "notes": gen.rng.choice(_NOTE_BODIES) if gen.rng.random() < 0.5 else "",
                "contact_id": contact_id,
                "deal_id": deal["id"] if deal else None,
                "user_id": user,
                "created_at": created,
            }
        )
    return rows


def _notes(
    gen: _Gen,
    companies: Sequence[dict[str, Any]],
    contacts: Sequence[dict[str, Any]],
    deals: Sequence[dict[str, Any]],
    n: int,
) -> list[dict[str, Any]]:
    rows = []
    for i in range(1, n + 1):
        parent = gen.rng.choice(("company", "contact", "deal"))
        pool = {"company": companies, "contact": contacts, "deal": deals}[parent]
        row = gen.rng.choice(pool)
        rows.append(
            {
                "id": i,
                "body": gen.rng.choice(_NOTE_BODIES),
                "company_id": row["id"] if parent == "company" else None,
                "contact_id": row["id"] if parent == "contact" else None,
                "deal_id": row["id"] if parent == "deal" else None,
                "author_id": row["owner_id"],
                "created_at": gen.stamp(60, 180),
            }
        )
    return rows


def _insert(conn: Connection, table: sa.Table, rows: Sequence[dict[str, Any]]) -> None:
    names = {c.name for c in table.columns}
    if rows:
        conn.execute(table.insert(), [{k: v for k, v in r.items() if k in names} for r in rows])


def seed_database(engine: Engine, seed: int, users: int) -> None:
    """Create the tables and fill an empty CRM database with the team and its data.

    Sizes scale with nothing but ``users``: ~40 companies, ~150 contacts, ~80 deals, ~200
    activities and ~120 notes. Raises :class:`CrmAlreadySeeded` when people already exist.
    """
    if users < 1:
        raise ValueError("users must be at least 1")
    s.create_tables(engine)
    with s.writing(engine) as conn:
        if conn.execute(sa.select(sa.func.count()).select_from(s.users)).scalar_one():
            raise CrmAlreadySeeded("the CRM database already holds a team", seed=seed)
        gen = _Gen(seed)
        team = _team(gen, seed, users)
        companies = _companies(gen, users, 40)
        contacts = _contacts(gen, users, companies, 150)
        deals, changes = _deals(gen, companies, contacts, 80)
        activities = _activities(gen, contacts, deals, 200)
        notes = _notes(gen, companies, contacts, deals, 120)
        _insert(conn, s.users, team)
        _insert(conn, s.companies, companies)
        _insert(conn, s.contacts, contacts)
        _insert(conn, s.deals, deals)
        _insert(conn, s.deal_stage_changes, changes)
        _insert(conn, s.activities, activities)
        _insert(conn, s.notes, notes)
    log.info(
        "crm seeded seed=%d users=%d companies=%d contacts=%d deals=%d",
        seed,
        len(team),
        len(companies),
        len(contacts),
        len(deals),
    )
