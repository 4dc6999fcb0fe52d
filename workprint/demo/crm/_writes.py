"""What the CRM's forms change: one function per action, inside the caller's transaction.

Each takes an open connection, the acting person's id where it is recorded, and ``now`` in
epoch milliseconds (from the app's injected clock). Stage moves are also written to
``deal_stage_changes``, so a task check can tell who moved a deal and when.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from workprint.demo.crm import schema as s
from workprint.demo.crm._forms import (
    ActivityInput,
    CardInput,
    CompanyInput,
    ContactInput,
    DealInput,
    ProfileInput,
)


def _new_id(conn: Connection, statement: sa.Insert) -> int:
    new_id: int = conn.execute(statement).inserted_primary_key[0]  # type: ignore[index]
    return new_id


def insert_company(conn: Connection, data: CompanyInput, owner_id: int, now: int) -> int:
    return _new_id(
        conn,
        s.companies.insert().values(
            **_company_values(data), owner_id=owner_id, created_at=now, updated_at=now
        ),
    )


def update_company(conn: Connection, company_id: int, data: CompanyInput, now: int) -> None:
    conn.execute(
        s.companies.update()
        .where(s.companies.c.id == company_id)
        .values(**_company_values(data), updated_at=now)
    )


def _company_values(data: CompanyInput) -> dict[str, str]:
    return {
        "name": data.name,
        "industry": data.industry,
        "size": data.size,
        "website": data.website,
        "city": data.city,
        "country": data.country,
    }


def _contact_values(data: ContactInput) -> dict[str, str | int | None]:
    return {
        "first_name": data.first_name,
        "last_name": data.last_name,
        "email": data.email,
        "phone": data.phone,
        "title": data.title,
        "company_id": data.company_id,
    }


def insert_contact(conn: Connection, data: ContactInput, owner_id: int, now: int) -> int:
    return _new_id(
        conn,
        s.contacts.insert().values(
            **_contact_values(data), owner_id=owner_id, created_at=now, updated_at=now
        ),
    )


def update_contact(conn: Connection, contact_id: int, data: ContactInput, now: int) -> None:
    conn.execute(
        s.contacts.update()
        .where(s.contacts.c.id == contact_id)
        .values(**_contact_values(data), updated_at=now)
    )


def delete_contact(conn: Connection, contact_id: int) -> None:
    """Delete a contact with its notes and activities; its deals keep going without it."""
    conn.execute(s.notes.delete().where(s.notes.c.contact_id == contact_id))
    conn.execute(s.activities.delete().where(s.activities.c.contact_id == contact_id))
    conn.execute(s.deals.update().where(s.deals.c.contact_id == contact_id).values(contact_id=None))
    conn.execute(s.contacts.delete().where(s.contacts.c.id == contact_id))


def insert_deal(conn: Connection, data: DealInput, user_id: int, now: int) -> int:
    deal_id = _new_id(
        conn,
        s.deals.insert().values(
            name=data.name,
            company_id=data.company_id,
            contact_id=data.contact_id,
            owner_id=data.owner_id,
            stage=data.stage,
            amount_cents=data.amount_cents,
            close_date=data.close_date,
            created_at=now,
            updated_at=now,
        ),
    )
    conn.execute(
        s.deal_stage_changes.insert().values(
            deal_id=deal_id, from_stage=None, to_stage=data.stage, user_id=user_id, changed_at=now
        )
    )
    return deal_id


def move_deal(conn: Connection, deal_id: int, stage: str, user_id: int, now: int) -> bool:
    """Move a deal to ``stage``; False when it is already there (nothing is written)."""
    current = conn.execute(sa.select(s.deals.c.stage).where(s.deals.c.id == deal_id)).scalar_one()
    if current == stage:
        return False
    conn.execute(
        s.deals.update().where(s.deals.c.id == deal_id).values(stage=stage, updated_at=now)
    )
    conn.execute(
        s.deal_stage_changes.insert().values(
            deal_id=deal_id, from_stage=current, to_stage=stage, user_id=user_id, changed_at=now
        )
    )
    return True


def insert_activity(conn: Connection, data: ActivityInput, user_id: int, now: int) -> int:
    return _new_id(
        conn,
        s.activities.insert().values(
            kind=data.kind,
            subject=data.subject,
            occurred_on=data.occurred_on,
            notes=data.notes,
            contact_id=data.contact_id,
            deal_id=data.deal_id,
            user_id=user_id,
            created_at=now,
        ),
    )


def insert_note(
    conn: Connection, parent: str, parent_id: int, body: str, author_id: int, now: int
) -> int:
    return _new_id(
        conn,
        s.notes.insert().values(
            {f"{parent}_id": parent_id, "body": body, "author_id": author_id, "created_at": now}
        ),
    )


def update_profile(conn: Connection, user_id: int, data: ProfileInput) -> None:
    conn.execute(
        s.users.update()
        .where(s.users.c.id == user_id)
        .values(full_name=data.full_name, email=data.email, title=data.title)
    )


def set_password_hash(conn: Connection, user_id: int, password_hash: str) -> None:
    conn.execute(
        s.users.update().where(s.users.c.id == user_id).values(password_hash=password_hash)
    )


def insert_card(conn: Connection, card: CardInput, user_id: int, now: int) -> int:
    """Keep a card as holder, brand, last four digits and expiry; nothing else exists here."""
    return _new_id(
        conn,
        s.payment_methods.insert().values(
            cardholder=card.cardholder,
            brand=card.brand,
            last4=card.last4,
            exp_month=card.exp_month,
            exp_year=card.exp_year,
            added_by=user_id,
            created_at=now,
        ),
    )
