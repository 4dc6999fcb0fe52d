"""Read-only views of a CRM database, to judge whether a task was done from the data alone.

Each function opens the SQLite file read-only (``mode=ro``), so a check can never change what
it checks, and returns plain frozen dataclasses or dicts. A record that a check names and
that must exist (a deal, a contact for its activities) raises :class:`CrmNotFound`; a record
a task may or may not have created (``find_contact``) is ``None`` when absent.

```python
before = snapshot(db)
...  # the person or the agent works in the CRM
assert deal_stage(db, "Bourdon SA – Support plan") == "proposal"
assert diff(before, snapshot(db))["contacts"]["added"] == [151]
```
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.pool import NullPool

from workprint.demo.crm import schema as s
from workprint.demo.crm.errors import CrmDatabaseMissing, CrmNotFound

Snapshot = dict[str, dict[int, tuple[Any, ...]]]


@dataclass(frozen=True, slots=True)
class ContactRecord:
    id: int
    first_name: str
    last_name: str
    email: str
    phone: str
    title: str
    company: str | None
    owner: str
    """Username of the person who owns the contact (who created it, for new ones)."""
    created_at: int
    updated_at: int


@dataclass(frozen=True, slots=True)
class DealRecord:
    id: int
    name: str
    company: str
    stage: str
    amount_cents: int
    close_date: str
    owner: str
    contact_email: str | None
    updated_at: int


@dataclass(frozen=True, slots=True)
class StageChange:
    from_stage: str | None
    to_stage: str
    user: str
    changed_at: int


@dataclass(frozen=True, slots=True)
class ActivityRecord:
    id: int
    kind: str
    subject: str
    occurred_on: str
    notes: str
    contact_email: str | None
    deal_name: str | None
    user: str
    created_at: int


@contextlib.contextmanager
def _reading(db_path: Path) -> Iterator[Connection]:
    path = Path(db_path)
    if not path.is_file():
        raise CrmDatabaseMissing("the CRM database file does not exist")
    uri = f"{path.resolve().as_uri()}?mode=ro"
    engine = sa.create_engine(
        "sqlite://", creator=lambda: sqlite3.connect(uri, uri=True), poolclass=NullPool
    )
    try:
        with engine.connect() as conn:
            yield conn
    finally:
        engine.dispose()


_owner = s.users.alias("owner")
_R = TypeVar("_R")


def _record(cls: type[_R], row: sa.Row[Any]) -> _R:
    values = row._mapping
    return cls(**{f.name: values[f.name] for f in fields(cls)})  # type: ignore[arg-type]


def _contact_query() -> sa.Select[Any]:
    return sa.select(
        s.contacts, s.companies.c.name.label("company"), _owner.c.username.label("owner")
    ).select_from(
        s.contacts.outerjoin(s.companies).join(_owner, _owner.c.id == s.contacts.c.owner_id)
    )


def find_contact(
    db_path: Path, *, email: str | None = None, name: str | None = None
) -> ContactRecord | None:
    """The contact with this email (case-insensitive) or full name ("First Last").

    With ``name``, the most recently created of several namesakes is returned.
    """
    if (email is None) == (name is None):
        raise ValueError("give exactly one of email= or name=")
    query = _contact_query()
    if email is not None:
        query = query.where(sa.func.lower(s.contacts.c.email) == email.strip().lower())
    else:
        full = s.contacts.c.first_name + " " + s.contacts.c.last_name
        query = query.where(sa.func.lower(full) == " ".join((name or "").split()).lower())
    query = query.order_by(s.contacts.c.id.desc())
    with _reading(db_path) as conn:
        row = conn.execute(query).first()
    if row is None:
        return None
    return _record(ContactRecord, row)


def find_deal(db_path: Path, name: str) -> DealRecord | None:
    """The deal with exactly this name, or None."""
    query = (
        sa.select(
            s.deals,
            s.companies.c.name.label("company"),
            _owner.c.username.label("owner"),
            s.contacts.c.email.label("contact_email"),
        )
        .select_from(
            s.deals.join(s.companies)
            .join(_owner, _owner.c.id == s.deals.c.owner_id)
            .outerjoin(s.contacts, s.contacts.c.id == s.deals.c.contact_id)
        )
        .where(s.deals.c.name == name)
        .order_by(s.deals.c.id.desc())
    )
    with _reading(db_path) as conn:
        row = conn.execute(query).first()
    if row is None:
        return None
    return _record(DealRecord, row)


def deal_stage(db_path: Path, deal_name: str) -> str:
    """The current stage of the deal named ``deal_name``; CrmNotFound when there is none."""
    deal = find_deal(db_path, deal_name)
    if deal is None:
        raise CrmNotFound("no deal has the name the check gives")
    return deal.stage


def stage_changes(db_path: Path, deal_name: str) -> list[StageChange]:
    """Every stage the deal went through, oldest first, with who moved it and when."""
    deal = find_deal(db_path, deal_name)
    if deal is None:
        raise CrmNotFound("no deal has the name the check gives")
    query = (
        sa.select(s.deal_stage_changes, s.users.c.username.label("user"))
        .join(s.users)
        .where(s.deal_stage_changes.c.deal_id == deal.id)
        .order_by(s.deal_stage_changes.c.changed_at, s.deal_stage_changes.c.id)
    )
    with _reading(db_path) as conn:
        rows = conn.execute(query).all()
    return [_record(StageChange, r) for r in rows]


def activities_for(
    db_path: Path,
    *,
    contact_email: str | None = None,
    deal_name: str | None = None,
    since_ms: int | None = None,
) -> list[ActivityRecord]:
    """Activities logged against a contact (by email) and/or a deal (by name), newest first.

    ``since_ms`` keeps those created at or after that epoch-milliseconds time (a task's
    start). Raises CrmNotFound when the named contact or deal does not exist.
    """
    if contact_email is None and deal_name is None:
        raise ValueError("give contact_email=, deal_name= or both")
    where: list[sa.ColumnElement[bool]] = []
    if contact_email is not None:
        contact = find_contact(db_path, email=contact_email)
        if contact is None:
            raise CrmNotFound("no contact has the email the check gives")
        where.append(s.activities.c.contact_id == contact.id)
    if deal_name is not None:
        deal = find_deal(db_path, deal_name)
        if deal is None:
            raise CrmNotFound("no deal has the name the check gives")
        where.append(s.activities.c.deal_id == deal.id)
    if since_ms is not None:
        where.append(s.activities.c.created_at >= since_ms)
    query = (
        sa.select(
            s.activities,
            s.users.c.username.label("user"),
            s.contacts.c.email.label("contact_email"),
            s.deals.c.name.label("deal_name"),
        )
        .select_from(
            s.activities.join(s.users)
            .outerjoin(s.contacts, s.contacts.c.id == s.activities.c.contact_id)
            .outerjoin(s.deals, s.deals.c.id == s.activities.c.deal_id)
        )
        .where(*where)
        .order_by(s.activities.c.created_at.desc(), s.activities.c.id.desc())
    )
    with _reading(db_path) as conn:
        rows = conn.execute(query).all()
    return [_record(ActivityRecord, r) for r in rows]


def notes_on(
    db_path: Path,
    *,
    company: str | None = None,
    contact_email: str | None = None,
    deal_name: str | None = None,
) -> list[str]:
    """Bodies of the notes on one company (by name), contact (by email) or deal, newest first."""
    given = [v for v in (company, contact_email, deal_name) if v is not None]
    if len(given) != 1:
        raise ValueError("give exactly one of company=, contact_email=, deal_name=")
    if company is not None:
        column, match = s.notes.c.company_id, s.companies.c.name == company
        parent: sa.Table = s.companies
    elif contact_email is not None:
        column, parent = s.notes.c.contact_id, s.contacts
        match = sa.func.lower(s.contacts.c.email) == contact_email.lower()
    else:
        column, match, parent = s.notes.c.deal_id, s.deals.c.name == deal_name, s.deals
    with _reading(db_path) as conn:
        parent_id = conn.execute(sa.select(parent.c.id).where(match)).scalar()
        if parent_id is None:
            raise CrmNotFound("no record matches what the check gives")
        bodies = conn.execute(
            sa.select(s.notes.c.body)
            .where(column == parent_id)
            .order_by(s.notes.c.created_at.desc(), s.notes.c.id.desc())
        ).scalars()
        return list(bodies)


def payment_cards(db_path: Path) -> list[dict[str, Any]]:
    """The cards on file as brand, last four digits, expiry and holder: all that is kept."""
    query = sa.select(
        s.payment_methods.c.brand,
        s.payment_methods.c.last4,
        s.payment_methods.c.exp_month,
        s.payment_methods.c.exp_year,
        s.payment_methods.c.cardholder,
    ).order_by(s.payment_methods.c.id)
    with _reading(db_path) as conn:
        return [dict(r._mapping) for r in conn.execute(query)]


def count_rows(db_path: Path) -> dict[str, int]:
    """Rows per content table (sign-in sessions left out)."""
    with _reading(db_path) as conn:
        return {
            t.name: int(conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one())
            for t in s.metadata.sorted_tables
            if t.name not in s.RUNTIME_TABLES
        }


def snapshot(db_path: Path) -> Snapshot:
    """Every content row, keyed by table and primary key: the state to compare against."""
    out: Snapshot = {}
    with _reading(db_path) as conn:
        for table in s.metadata.sorted_tables:
            if table.name in s.RUNTIME_TABLES:
                continue
            key = next(iter(table.primary_key.columns))
            rows = conn.execute(sa.select(table).order_by(key)).all()
            out[table.name] = {r._mapping[key.name]: tuple(r) for r in rows}
    return out


def diff(before: Snapshot, after: Snapshot) -> dict[str, dict[str, list[int]]]:
    """Per table, the primary keys ``added``, ``removed`` and ``changed`` between snapshots.

    Tables without any change are left out, so ``diff(a, a) == {}``.
    """
    out: dict[str, dict[str, list[int]]] = {}
    for name in sorted(before.keys() | after.keys()):
        old, new = before.get(name, {}), after.get(name, {})
        change = {
            "added": sorted(new.keys() - old.keys()),
            "removed": sorted(old.keys() - new.keys()),
            "changed": sorted(k for k in old.keys() & new.keys() if old[k] != new[k]),
        }
        if any(change.values()):
            out[name] = change
    return out
