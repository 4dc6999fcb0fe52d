"""The store schema: one set of tables for SQLite and PostgreSQL (SQLAlchemy 2 Core).

Migrations under ``migrations/versions`` create exactly these tables; a test compares the
migrated database with this metadata and fails on any difference.

Times are stored as integer milliseconds since the Unix epoch (UTC): exact, sortable, and
the same on both engines. JSON columns hold JSON text: ``TEXT`` on SQLite, ``json`` on
PostgreSQL (validated and kept as written; ``jsonb`` would cost PostgreSQL a parse into
its binary form for every event, the largest share of its ingest work).
"""

from __future__ import annotations

from typing import Final

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.types import JSON

SCHEMA_VERSION: Final = 1

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

Json = JSON()
"""JSON column; values are bound as pre-encoded JSON text (see ``engine.py``)."""

people = Table(
    "people",
    metadata,
    Column("person_id", String(64), primary_key=True),
    Column("display_name", String(256), nullable=True),
    Column("created_at_ms", BigInteger, nullable=False),
)

devices = Table(
    "devices",
    metadata,
    Column("device_id", String(64), primary_key=True),
    Column("person_id", String(64), ForeignKey("people.person_id"), nullable=False, index=True),
    Column("token_hash", LargeBinary(32), nullable=False, unique=True),
    Column("status", String(16), nullable=False),
    Column("created_at_ms", BigInteger, nullable=False),
    Column("revoked_at_ms", BigInteger, nullable=True),
    Column("last_skew_ms", BigInteger, nullable=True),
    Column("last_seen_ms", BigInteger, nullable=True),
)

consent_notices = Table(
    "consent_notices",
    metadata,
    Column("notice_version", String(64), primary_key=True),
    Column("text", Text, nullable=False),
    Column("published_at_ms", BigInteger, nullable=False),
)

consent_grants = Table(
    "consent_grants",
    metadata,
    Column("grant_id", String(64), primary_key=True),
    Column("person_id", String(64), ForeignKey("people.person_id"), nullable=False),
    Column("purpose", String(32), nullable=False),
    Column(
        "notice_version",
        String(64),
        ForeignKey("consent_notices.notice_version"),
        nullable=False,
    ),
    Column("granted_at_ms", BigInteger, nullable=False),
    Column("withdrawn_at_ms", BigInteger, nullable=True),
    Index(None, "person_id", "purpose"),
)

events = Table(
    "events",
    metadata,
    Column(
        "pk", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    ),
    Column("event_id", String(36), nullable=False, unique=True),
    Column("fingerprint", LargeBinary(16), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("stream", String(8), nullable=False),
    Column("device_id", String(64), nullable=False),
    Column("person_id", String(64), nullable=False),
    Column("session_id", String(36), nullable=False),
    Column("seq", BigInteger, nullable=False),
    Column("occurred_at_ms", BigInteger, nullable=False),
    Column("received_at_ms", BigInteger, nullable=False),
    Column("tz_offset_min", Integer, nullable=False),
    Column("duration_ms", BigInteger, nullable=False),
    Column("app", String(256), nullable=True),
    Column("window_title", Text, nullable=True),
    Column("url", Text, nullable=True),
    Column("tab_id", BigInteger, nullable=True),
    Column("capture_mode", String(16), nullable=False),
    Column("policy_version", String(256), nullable=False),
    Column("grant_id", String(256), nullable=False),
    Column("notice_version", String(256), nullable=False),
    Column("batch_id", String(36), nullable=False),
    Column("target", Json, nullable=True),
    Column("payload", Json, nullable=False),
    Column("redactions", Json, nullable=True),
    Index(None, "person_id", "occurred_at_ms"),
)

batches = Table(
    "batches",
    metadata,
    Column("batch_id", String(36), primary_key=True),
    Column("device_id", String(64), nullable=False),
    Column("received_at_ms", BigInteger, nullable=False),
    Column("sent_at_ms", BigInteger, nullable=False),
    Column("skew_ms", BigInteger, nullable=False),
    Column("agent_name", String(128), nullable=False),
    Column("agent_version", String(256), nullable=False),
    Column("events_total", Integer, nullable=False),
    Column("accepted", Integer, nullable=False),
    Column("duplicates", Integer, nullable=False),
    Column("quarantined", Integer, nullable=False),
)

quarantine = Table(
    "quarantine",
    metadata,
    Column(
        "pk", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    ),
    Column("batch_id", String(36), nullable=True),
    Column("device_id", String(64), nullable=False),
    Column("person_id", String(64), nullable=False, index=True),
    Column("event_index", Integer, nullable=True),
    Column("event_id", String(36), nullable=True),
    Column("code", String(32), nullable=False),
    Column("reason", Text, nullable=False),
    Column("raw", LargeBinary, nullable=False),
    Column("received_at_ms", BigInteger, nullable=False),
)

streams = Table(
    "streams",
    metadata,
    Column("device_id", String(64), primary_key=True),
    Column("stream", String(8), primary_key=True),
    Column("max_seq", BigInteger, nullable=False),
    Column("events", BigInteger, nullable=False),
)

seq_gaps = Table(
    "seq_gaps",
    metadata,
    Column("device_id", String(64), nullable=False),
    Column("stream", String(8), nullable=False),
    Column("from_seq", BigInteger, nullable=False),
    Column("to_seq", BigInteger, nullable=False),
    Column("detected_at_ms", BigInteger, nullable=False),
    UniqueConstraint("device_id", "stream", "from_seq"),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column(
        "seq", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    ),
    Column("at_ms", BigInteger, nullable=False),
    Column("actor", String(128), nullable=False),
    Column("action", String(64), nullable=False),
    Column("subject", String(128), nullable=True),
    Column("reason", Text, nullable=True),
    Column("details", Json, nullable=True),
    Column("prev_hash", LargeBinary(32), nullable=False),
    Column("hash", LargeBinary(32), nullable=False),
)

policies = Table(
    "policies",
    metadata,
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("document", Text, nullable=False),
    Column("created_at_ms", BigInteger, nullable=False),
    Column("created_by", String(128), nullable=False),
    Column("active", Boolean, nullable=False),
)

enrollment_codes = Table(
    "enrollment_codes",
    metadata,
    Column("code_hash", LargeBinary(32), primary_key=True),
    Column("person_id", String(64), ForeignKey("people.person_id"), nullable=False, index=True),
    Column("created_at_ms", BigInteger, nullable=False),
    Column("expires_at_ms", BigInteger, nullable=False),
    Column("used_at_ms", BigInteger, nullable=True),
    Column("device_id", String(64), nullable=True),
)

server_keys = Table(
    "server_keys",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("key", LargeBinary(64), nullable=False),
    Column("created_at_ms", BigInteger, nullable=False),
)

dataset_versions = Table(
    "dataset_versions",
    metadata,
    Column("version_id", String(64), primary_key=True),
    Column("name", String(128), nullable=False),
    Column("spec_hash", String(64), nullable=False),
    Column("spec", Text, nullable=False),
    Column("key_fingerprint", String(32), nullable=False),
    Column("created_at_ms", BigInteger, nullable=False),
    Column("out_dir", Text, nullable=False),
    Column("manifest_sha256", String(64), nullable=False),
    Column("status", String(16), nullable=False),
    Column("stale_reason", String(64), nullable=True),
    Column("superseded_by", String(64), nullable=True),
)
"""Dataset versions built from this store (lineage): ``status`` is ``current``, ``stale``
(a member was erased or withdrew the training grant) or ``superseded`` (rebuilt)."""

dataset_members = Table(
    "dataset_members",
    metadata,
    Column(
        "version_id",
        String(64),
        ForeignKey("dataset_versions.version_id"),
        primary_key=True,
    ),
    Column("person_id", String(64), primary_key=True, index=True),
    Column("split", String(32), nullable=False),
)
"""Who is in each dataset version. ``person_id`` has no foreign key on purpose: the row must
outlive the person's erasure until the version is rebuilt without them."""

# ---------------------------------------------------------------------------- governance

accounts = Table(
    "accounts",
    metadata,
    Column("account_id", String(64), primary_key=True),
    Column("username", String(64), nullable=False, unique=True),
    Column("role", String(32), nullable=False),
    Column("person_id", String(64), nullable=True, index=True),
    Column("password_hash", Text, nullable=True),
    Column("created_at_ms", BigInteger, nullable=False),
    Column("disabled_at_ms", BigInteger, nullable=True),
)
"""Portal accounts: one role each. An ``employee`` account names its person (no foreign key:
erasure deletes the account together with the person). ``password_hash`` is argon2id; an
account without one signs in only with API tokens."""

portal_sessions = Table(
    "portal_sessions",
    metadata,
    Column("session_hash", LargeBinary(32), primary_key=True),
    Column("account_id", String(64), ForeignKey("accounts.account_id"), nullable=False, index=True),
    Column("created_at_ms", BigInteger, nullable=False),
    Column("last_seen_ms", BigInteger, nullable=False),
    Column("expires_at_ms", BigInteger, nullable=False),
)
"""Signed-in portal sessions; the cookie holds a random token, this table its SHA-256."""

api_tokens = Table(
    "api_tokens",
    metadata,
    Column("token_hash", LargeBinary(32), primary_key=True),
    Column("token_id", String(64), nullable=False, unique=True),
    Column("account_id", String(64), ForeignKey("accounts.account_id"), nullable=False, index=True),
    Column("role", String(32), nullable=False),
    Column("label", String(128), nullable=False),
    Column("created_at_ms", BigInteger, nullable=False),
    Column("expires_at_ms", BigInteger, nullable=True),
    Column("revoked_at_ms", BigInteger, nullable=True),
)
"""Bearer tokens for scripts, scoped to their account's role; only the SHA-256 is kept."""

login_failures = Table(
    "login_failures",
    metadata,
    Column(
        "pk", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    ),
    Column("key_hash", LargeBinary(32), nullable=False, index=True),
    Column("at_ms", BigInteger, nullable=False),
)
"""Failed sign-ins for the rate limit, keyed by a keyed hash of the username or the client
address (a password typed into the username field is never stored)."""

person_state = Table(
    "person_state",
    metadata,
    Column("person_id", String(64), ForeignKey("people.person_id"), primary_key=True),
    Column("capture_paused", Boolean, nullable=False),
    Column("changed_at_ms", BigInteger, nullable=False),
)
"""Per-person capture switch set in the portal; agents and SDKs stop capturing while paused."""

retention_settings = Table(
    "retention_settings",
    metadata,
    Column("target", String(32), primary_key=True),
    Column("ttl_days", Integer, nullable=False),
    Column("changed_at_ms", BigInteger, nullable=False),
    Column("changed_by", String(128), nullable=False),
)
"""Retention periods set by the privacy officer (``events``, ``quarantine``, ``exports``);
a target without a row uses the configured default."""

dataset_exports = Table(
    "dataset_exports",
    metadata,
    Column("export_id", String(64), primary_key=True),
    Column("version_id", String(64), nullable=False, index=True),
    Column("requested_by", String(64), nullable=False),
    Column("purpose", Text, nullable=False),
    Column("status", String(16), nullable=False),
    Column("requested_at_ms", BigInteger, nullable=False),
    Column("decided_by", String(64), nullable=True),
    Column("decided_at_ms", BigInteger, nullable=True),
    Column("expires_at_ms", BigInteger, nullable=True),
)
"""Requests to take a dataset version out of the store: ``pending``, then ``approved`` (until
``expires_at_ms``) or ``rejected`` by the privacy officer; retention marks them ``expired``."""
