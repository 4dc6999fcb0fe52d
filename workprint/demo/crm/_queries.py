"""What the CRM's pages read: lists with their filters, detail records, search, summaries.

Every function takes an open connection and returns SQLAlchemy rows (attribute access in the
templates). Text filters are case-insensitive substring matches with ``%`` and ``_`` taken
literally.
"""

from __future__ import annotations

from typing import Any, TypeAlias

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Row

from workprint.demo.crm import schema as s

AnyRow: TypeAlias = Row[*tuple[Any, ...]]
Rows: TypeAlias = list[AnyRow]
_contact_name = (s.contacts.c.first_name + " " + s.contacts.c.last_name).label("name")
_owner = s.users.alias("owner")


def like(text: str) -> str:
    """A LIKE pattern matching ``text`` anywhere, with wildcards escaped."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _by_name(column: sa.ColumnElement[str]) -> sa.ColumnElement[str]:
    return sa.func.lower(column)


def _matches(column: sa.ColumnElement[str], q: str) -> sa.ColumnElement[bool]:
    return column.ilike(like(q), escape="\\")


def team(conn: Connection) -> Rows:
    return list(conn.execute(sa.select(s.users).order_by(s.users.c.username)))


def user_by_username(conn: Connection, username: str) -> AnyRow | None:
    return conn.execute(sa.select(s.users).where(s.users.c.username == username)).first()


def user_by_id(conn: Connection, user_id: int) -> AnyRow | None:
    return conn.execute(sa.select(s.users).where(s.users.c.id == user_id)).first()


def company_choices(conn: Connection) -> Rows:
    q = sa.select(s.companies.c.id, s.companies.c.name).order_by(_by_name(s.companies.c.name))
    return list(conn.execute(q))


def contact_choices(conn: Connection) -> Rows:
    q = (
        sa.select(
            s.contacts.c.id,
            (_contact_name + sa.func.coalesce(" – " + s.companies.c.name, "")).label("label"),
        )
        .select_from(s.contacts.outerjoin(s.companies))
        .order_by(s.contacts.c.last_name, s.contacts.c.first_name)
    )
    return list(conn.execute(q))


def deal_choices(conn: Connection) -> Rows:
    q = sa.select(s.deals.c.id, s.deals.c.name).order_by(s.deals.c.name)
    return list(conn.execute(q))


def ids(conn: Connection, table: sa.Table) -> set[int]:
    return set(conn.execute(sa.select(table.c.id)).scalars())


def companies(conn: Connection, q: str = "", industry: str = "") -> Rows:
    n_contacts = (
        sa.select(sa.func.count())
        .where(s.contacts.c.company_id == s.companies.c.id)
        .scalar_subquery()
    )
    n_open = (
        sa.select(sa.func.count())
        .where(s.deals.c.company_id == s.companies.c.id, s.deals.c.stage.in_(s.OPEN_STAGES))
        .scalar_subquery()
    )
    query = (
        sa.select(
            s.companies,
            _owner.c.full_name.label("owner_name"),
            n_contacts.label("contacts"),
            n_open.label("open_deals"),
        )
        .join(_owner, _owner.c.id == s.companies.c.owner_id)
        .order_by(_by_name(s.companies.c.name))
    )
    if q:
        query = query.where(_matches(s.companies.c.name, q))
    if industry:
        query = query.where(s.companies.c.industry == industry)
    return list(conn.execute(query))


def company(conn: Connection, company_id: int) -> AnyRow | None:
    query = (
        sa.select(s.companies, _owner.c.full_name.label("owner_name"))
        .join(_owner, _owner.c.id == s.companies.c.owner_id)
        .where(s.companies.c.id == company_id)
    )
    return conn.execute(query).first()


def contacts(
    conn: Connection, q: str = "", company_id: int | None = None, page: int = 1, per_page: int = 50
) -> tuple[Rows, int]:
    """One page of contacts matching the filters, and how many match in all."""
    where: list[sa.ColumnElement[bool]] = []
    if q:
        where.append(
            sa.or_(
                _matches(_contact_name, q),
                _matches(s.contacts.c.email, q),
                _matches(s.companies.c.name, q),
            )
        )
    if company_id is not None:
        where.append(s.contacts.c.company_id == company_id)
    base = s.contacts.outerjoin(s.companies)
    total = conn.execute(sa.select(sa.func.count()).select_from(base).where(*where)).scalar_one()
    query = (
        sa.select(
            s.contacts,
            _contact_name,
            s.companies.c.name.label("company"),
        )
        .select_from(base)
        .where(*where)
        .order_by(s.contacts.c.last_name, s.contacts.c.first_name, s.contacts.c.id)
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    return list(conn.execute(query)), int(total)


def contact(conn: Connection, contact_id: int) -> AnyRow | None:
    query = (
        sa.select(
            s.contacts,
            _contact_name,
            s.companies.c.name.label("company"),
            _owner.c.full_name.label("owner_name"),
        )
        .select_from(
            s.contacts.outerjoin(s.companies).join(_owner, _owner.c.id == s.contacts.c.owner_id)
        )
        .where(s.contacts.c.id == contact_id)
    )
    return conn.execute(query).first()


def email_taken(conn: Connection, email: str, exclude_id: int | None = None) -> bool:
    query = sa.select(s.contacts.c.id).where(sa.func.lower(s.contacts.c.email) == email.lower())
    if exclude_id is not None:
        query = query.where(s.contacts.c.id != exclude_id)
    return conn.execute(query).first() is not None


def company_name_taken(conn: Connection, name: str, exclude_id: int | None = None) -> bool:
    query = sa.select(s.companies.c.id).where(sa.func.lower(s.companies.c.name) == name.lower())
    if exclude_id is not None:
        query = query.where(s.companies.c.id != exclude_id)
    return conn.execute(query).first() is not None


def _deal_query() -> sa.Select[Any]:
    return sa.select(
        s.deals,
        s.companies.c.name.label("company"),
        _owner.c.username.label("owner_username"),
        _owner.c.full_name.label("owner_name"),
        _contact_name.label("contact_name"),
    ).select_from(
        s.deals.join(s.companies)
        .join(_owner, _owner.c.id == s.deals.c.owner_id)
        .outerjoin(s.contacts, s.contacts.c.id == s.deals.c.contact_id)
    )


def deals(
    conn: Connection,
    stage: str = "",
    owner: str = "",
    q: str = "",
    company_id: int | None = None,
    contact_id: int | None = None,
) -> Rows:
    query = _deal_query().order_by(s.deals.c.close_date, s.deals.c.name)
    if stage:
        query = query.where(s.deals.c.stage == stage)
    if owner:
        query = query.where(_owner.c.username == owner)
    if q:
        query = query.where(sa.or_(_matches(s.deals.c.name, q), _matches(s.companies.c.name, q)))
    if company_id is not None:
        query = query.where(s.deals.c.company_id == company_id)
    if contact_id is not None:
        query = query.where(s.deals.c.contact_id == contact_id)
    return list(conn.execute(query))


def deal(conn: Connection, deal_id: int) -> AnyRow | None:
    return conn.execute(_deal_query().where(s.deals.c.id == deal_id)).first()


def stage_history(conn: Connection, deal_id: int) -> Rows:
    query = (
        sa.select(s.deal_stage_changes, s.users.c.full_name.label("user_name"))
        .join(s.users)
        .where(s.deal_stage_changes.c.deal_id == deal_id)
        .order_by(s.deal_stage_changes.c.changed_at.desc(), s.deal_stage_changes.c.id.desc())
    )
    return list(conn.execute(query))


def activities(
    conn: Connection,
    *,
    contact_id: int | None = None,
    deal_id: int | None = None,
    kind: str = "",
    user: str = "",
    limit: int = 100,
) -> Rows:
    query = (
        sa.select(
            s.activities,
            s.users.c.full_name.label("user_name"),
            _contact_name.label("contact_name"),
            s.deals.c.name.label("deal_name"),
        )
        .select_from(
            s.activities.join(s.users)
            .outerjoin(s.contacts, s.contacts.c.id == s.activities.c.contact_id)
            .outerjoin(s.deals, s.deals.c.id == s.activities.c.deal_id)
        )
        .order_by(s.activities.c.occurred_on.desc(), s.activities.c.id.desc())
        .limit(limit)
    )
    if contact_id is not None:
        query = query.where(s.activities.c.contact_id == contact_id)
    if deal_id is not None:
        query = query.where(s.activities.c.deal_id == deal_id)
    if kind:
        query = query.where(s.activities.c.kind == kind)
    if user:
        query = query.where(s.users.c.username == user)
    return list(conn.execute(query))


def notes_for(conn: Connection, parent: str, parent_id: int) -> Rows:
    column = s.notes.c[f"{parent}_id"]
    query = (
        sa.select(s.notes, s.users.c.full_name.label("author"))
        .join(s.users)
        .where(column == parent_id)
        .order_by(s.notes.c.created_at.desc(), s.notes.c.id.desc())
    )
    return list(conn.execute(query))


def search(conn: Connection, q: str, limit: int = 20) -> dict[str, Rows]:
    """Companies, contacts and deals whose names (or a contact's email) contain ``q``."""
    found_companies = conn.execute(
        sa.select(s.companies.c.id, s.companies.c.name, s.companies.c.industry)
        .where(_matches(s.companies.c.name, q))
        .order_by(s.companies.c.name)
        .limit(limit)
    )
    found_contacts = conn.execute(
        sa.select(s.contacts.c.id, _contact_name, s.contacts.c.email)
        .where(sa.or_(_matches(_contact_name, q), _matches(s.contacts.c.email, q)))
        .order_by(s.contacts.c.last_name, s.contacts.c.first_name)
        .limit(limit)
    )
    found_deals = conn.execute(
        sa.select(s.deals.c.id, s.deals.c.name, s.deals.c.stage)
        .where(_matches(s.deals.c.name, q))
        .order_by(s.deals.c.name)
        .limit(limit)
    )
    return {
        "companies": list(found_companies),
        "contacts": list(found_contacts),
        "deals": list(found_deals),
    }


def pipeline(conn: Connection) -> Rows:
    """Per stage: how many deals and their total amount."""
    query = sa.select(
        s.deals.c.stage,
        sa.func.count().label("deals"),
        sa.func.coalesce(sa.func.sum(s.deals.c.amount_cents), 0).label("amount_cents"),
    ).group_by(s.deals.c.stage)
    found = {row.stage: row for row in conn.execute(query)}
    return [found[stage] for stage in s.STAGES if stage in found]


def payment_methods(conn: Connection) -> Rows:
    query = (
        sa.select(s.payment_methods, s.users.c.full_name.label("added_by_name"))
        .join(s.users)
        .order_by(s.payment_methods.c.id.desc())
    )
    return list(conn.execute(query))
