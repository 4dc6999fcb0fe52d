"""The CRM's tables (SQLAlchemy Core, its own ``MetaData``) and its SQLite engine.

Times a person did not choose (``created_at``, ``changed_at``) are epoch milliseconds, as in
the rest of Workprint; calendar dates a person picks (close date, activity date, card expiry)
are ISO ``YYYY-MM-DD`` text. Money is whole cents. Cards are kept as brand and last four
digits only: there is no column that could hold a card number or a security code.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final

import sqlalchemy as sa
from sqlalchemy import event as sa_event
from sqlalchemy.engine import Connection, Engine

metadata: Final = sa.MetaData()

STAGES: Final = ("lead", "qualified", "proposal", "negotiation", "won", "lost")
"""Deal stages in pipeline order."""
OPEN_STAGES: Final = STAGES[:4]
ACTIVITY_KINDS: Final = ("call", "meeting", "email")
INDUSTRIES: Final = (
    "Software",
    "Manufacturing",
    "Retail",
    "Healthcare",
    "Finance",
    "Logistics",
    "Education",
    "Energy",
    "Media",
    "Hospitality",
)
COMPANY_SIZES: Final = ("1-10", "11-50", "51-200", "201-1000", "1000+")

users = sa.Table(
    "users",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("username", sa.String(32), nullable=False, unique=True),
    sa.Column("full_name", sa.String(120), nullable=False),
    sa.Column("email", sa.String(254), nullable=False),
    sa.Column("title", sa.String(120), nullable=False, server_default=""),
    sa.Column("password_hash", sa.String(200), nullable=False),
    sa.Column("created_at", sa.BigInteger, nullable=False),
)

companies = sa.Table(
    "companies",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(120), nullable=False, unique=True),
    sa.Column("industry", sa.String(40), nullable=False),
    sa.Column("size", sa.String(20), nullable=False),
    sa.Column("website", sa.String(200), nullable=False, server_default=""),
    sa.Column("city", sa.String(80), nullable=False, server_default=""),
    sa.Column("country", sa.String(80), nullable=False, server_default=""),
    sa.Column("owner_id", sa.ForeignKey("users.id"), nullable=False),
    sa.Column("created_at", sa.BigInteger, nullable=False),
    sa.Column("updated_at", sa.BigInteger, nullable=False),
)

contacts = sa.Table(
    "contacts",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("first_name", sa.String(80), nullable=False),
    sa.Column("last_name", sa.String(80), nullable=False),
    sa.Column("email", sa.String(254), nullable=False),
    sa.Column("phone", sa.String(40), nullable=False, server_default=""),
    sa.Column("title", sa.String(120), nullable=False, server_default=""),
    sa.Column("company_id", sa.ForeignKey("companies.id"), nullable=True),
    sa.Column("owner_id", sa.ForeignKey("users.id"), nullable=False),
    sa.Column("created_at", sa.BigInteger, nullable=False),
    sa.Column("updated_at", sa.BigInteger, nullable=False),
    sa.Index("ix_contacts_company", "company_id"),
)
sa.Index("ix_contacts_email", sa.func.lower(contacts.c.email), unique=True)

deals = sa.Table(
    "deals",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(160), nullable=False),
    sa.Column("company_id", sa.ForeignKey("companies.id"), nullable=False),
    sa.Column("contact_id", sa.ForeignKey("contacts.id", ondelete="SET NULL"), nullable=True),
    sa.Column("owner_id", sa.ForeignKey("users.id"), nullable=False),
    sa.Column("stage", sa.String(20), nullable=False),
    sa.Column("amount_cents", sa.BigInteger, nullable=False),
    sa.Column("close_date", sa.String(10), nullable=False),
    sa.Column("created_at", sa.BigInteger, nullable=False),
    sa.Column("updated_at", sa.BigInteger, nullable=False),
    sa.Index("ix_deals_stage", "stage"),
)

deal_stage_changes = sa.Table(
    "deal_stage_changes",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("deal_id", sa.ForeignKey("deals.id", ondelete="CASCADE"), nullable=False),
    sa.Column("from_stage", sa.String(20), nullable=True),
    sa.Column("to_stage", sa.String(20), nullable=False),
    sa.Column("user_id", sa.ForeignKey("users.id"), nullable=False),
    sa.Column("changed_at", sa.BigInteger, nullable=False),
)

activities = sa.Table(
    "activities",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("kind", sa.String(10), nullable=False),
    sa.Column("subject", sa.String(160), nullable=False),
    sa.Column("occurred_on", sa.String(10), nullable=False),
    sa.Column("notes", sa.Text, nullable=False, server_default=""),
    sa.Column("contact_id", sa.ForeignKey("contacts.id", ondelete="CASCADE"), nullable=True),
    sa.Column("deal_id", sa.ForeignKey("deals.id", ondelete="CASCADE"), nullable=True),
    sa.Column("user_id", sa.ForeignKey("users.id"), nullable=False),
    sa.Column("created_at", sa.BigInteger, nullable=False),
)

notes = sa.Table(
    "notes",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("body", sa.Text, nullable=False),
    sa.Column("company_id", sa.ForeignKey("companies.id", ondelete="CASCADE"), nullable=True),
    sa.Column("contact_id", sa.ForeignKey("contacts.id", ondelete="CASCADE"), nullable=True),
    sa.Column("deal_id", sa.ForeignKey("deals.id", ondelete="CASCADE"), nullable=True),
    sa.Column("author_id", sa.ForeignKey("users.id"), nullable=False),
    sa.Column("created_at", sa.BigInteger, nullable=False),
)

payment_methods = sa.Table(
    "payment_methods",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("cardholder", sa.String(120), nullable=False),
    sa.Column("brand", sa.String(20), nullable=False),
    sa.Column("last4", sa.String(4), nullable=False),
    sa.Column("exp_month", sa.Integer, nullable=False),
    sa.Column("exp_year", sa.Integer, nullable=False),
    sa.Column("added_by", sa.ForeignKey("users.id"), nullable=False),
    sa.Column("created_at", sa.BigInteger, nullable=False),
)

web_sessions = sa.Table(
    "web_sessions",
    metadata,
    sa.Column("token_hash", sa.String(64), primary_key=True),
    sa.Column("user_id", sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=True),
    sa.Column("flash", sa.String(200), nullable=True),
    sa.Column("created_at", sa.BigInteger, nullable=False),
    sa.Column("expires_at", sa.BigInteger, nullable=False),
)

_WRITES: Final = "crm_writes"
RUNTIME_TABLES: Final = frozenset({"web_sessions"})
"""Tables that hold sign-ins, not CRM content: left out of content dumps and counts."""


def _sqlite_settings(dbapi_conn: Any, _record: Any) -> None:
    # SQLAlchemy, not the sqlite3 module, starts transactions (see _begin).
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.close()


def _begin(conn: Connection) -> None:
    writes = conn.get_execution_options().get(_WRITES, False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if writes else "BEGIN")


def open_engine(db_path: Path) -> Engine:
    """An engine on the CRM's SQLite file, in WAL mode with foreign keys enforced.

    Reads run in deferred transactions; :func:`writing` starts ``BEGIN IMMEDIATE``, so two
    people saving at once queue on the write lock (up to the busy timeout) instead of one
    failing when its read snapshot cannot be upgraded.
    """
    engine = sa.create_engine(f"sqlite:///{db_path}")
    sa_event.listen(engine, "connect", _sqlite_settings)
    sa_event.listen(engine, "begin", _begin)
    return engine


@contextlib.contextmanager
def writing(engine: Engine) -> Iterator[Connection]:
    """A transaction that will write: it holds the write lock from its first statement."""
    with engine.connect() as conn:
        conn.execution_options(**{_WRITES: True})
        with conn.begin():
            yield conn


def create_tables(engine: Engine) -> None:
    """Create every table that does not exist yet."""
    metadata.create_all(engine)
