"""Initial schema: people, devices, consent, events, batches, quarantine, streams, audit.

Revision ID: 0001
Revises:
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

_json = sa.JSON()
_autopk = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "people",
        sa.Column("person_id", sa.String(64), nullable=False),
        sa.Column("display_name", sa.String(256), nullable=True),
        sa.Column("created_at_ms", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("person_id", name="pk_people"),
    )
    op.create_table(
        "devices",
        sa.Column("device_id", sa.String(64), nullable=False),
        sa.Column("person_id", sa.String(64), nullable=False),
        sa.Column("token_hash", sa.LargeBinary(32), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at_ms", sa.BigInteger(), nullable=False),
        sa.Column("revoked_at_ms", sa.BigInteger(), nullable=True),
        sa.Column("last_skew_ms", sa.BigInteger(), nullable=True),
        sa.Column("last_seen_ms", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.person_id"], name="fk_devices_person_id_people"
        ),
        sa.PrimaryKeyConstraint("device_id", name="pk_devices"),
        sa.UniqueConstraint("token_hash", name="uq_devices_token_hash"),
    )
    op.create_index("ix_devices_person_id", "devices", ["person_id"])
    op.create_table(
        "consent_notices",
        sa.Column("notice_version", sa.String(64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("published_at_ms", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("notice_version", name="pk_consent_notices"),
    )
    op.create_table(
        "consent_grants",
        sa.Column("grant_id", sa.String(64), nullable=False),
        sa.Column("person_id", sa.String(64), nullable=False),
        sa.Column("purpose", sa.String(32), nullable=False),
        sa.Column("notice_version", sa.String(64), nullable=False),
        sa.Column("granted_at_ms", sa.BigInteger(), nullable=False),
        sa.Column("withdrawn_at_ms", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(
            ["notice_version"],
            ["consent_notices.notice_version"],
            name="fk_consent_grants_notice_version_consent_notices",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.person_id"], name="fk_consent_grants_person_id_people"
        ),
        sa.PrimaryKeyConstraint("grant_id", name="pk_consent_grants"),
    )
    op.create_index(
        "ix_consent_grants_person_id_purpose", "consent_grants", ["person_id", "purpose"]
    )
    op.create_table(
        "events",
        sa.Column("pk", _autopk, autoincrement=True, nullable=False),
        sa.Column("event_id", sa.String(36), nullable=False),
        sa.Column("fingerprint", sa.LargeBinary(16), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("stream", sa.String(8), nullable=False),
        sa.Column("device_id", sa.String(64), nullable=False),
        sa.Column("person_id", sa.String(64), nullable=False),
        sa.Column("session_id", sa.String(36), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("occurred_at_ms", sa.BigInteger(), nullable=False),
        sa.Column("received_at_ms", sa.BigInteger(), nullable=False),
        sa.Column("tz_offset_min", sa.Integer(), nullable=False),
        sa.Column("duration_ms", sa.BigInteger(), nullable=False),
        sa.Column("app", sa.String(256), nullable=True),
        sa.Column("window_title", sa.Text(), nullable=True),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("tab_id", sa.BigInteger(), nullable=True),
        sa.Column("capture_mode", sa.String(16), nullable=False),
        sa.Column("policy_version", sa.String(256), nullable=False),
        sa.Column("grant_id", sa.String(256), nullable=False),
        sa.Column("notice_version", sa.String(256), nullable=False),
        sa.Column("batch_id", sa.String(36), nullable=False),
        sa.Column("target", _json, nullable=True),
        sa.Column("payload", _json, nullable=False),
        sa.Column("redactions", _json, nullable=True),
        sa.PrimaryKeyConstraint("pk", name="pk_events"),
        sa.UniqueConstraint("event_id", name="uq_events_event_id"),
    )
    op.create_index("ix_events_person_id_occurred_at_ms", "events", ["person_id", "occurred_at_ms"])
    op.create_table(
        "batches",
        sa.Column("batch_id", sa.String(36), nullable=False),
        sa.Column("device_id", sa.String(64), nullable=False),
        sa.Column("received_at_ms", sa.BigInteger(), nullable=False),
        sa.Column("sent_at_ms", sa.BigInteger(), nullable=False),
        sa.Column("skew_ms", sa.BigInteger(), nullable=False),
        sa.Column("agent_name", sa.String(128), nullable=False),
        sa.Column("agent_version", sa.String(256), nullable=False),
        sa.Column("events_total", sa.Integer(), nullable=False),
        sa.Column("accepted", sa.Integer(), nullable=False),
        sa.Column("duplicates", sa.Integer(), nullable=False),
        sa.Column("quarantined", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("batch_id", name="pk_batches"),
    )
    op.create_table(
        "quarantine",
        sa.Column("pk", _autopk, autoincrement=True, nullable=False),
        sa.Column("batch_id", sa.String(36), nullable=True),
        sa.Column("device_id", sa.String(64), nullable=False),
        sa.Column("person_id", sa.String(64), nullable=False),
        sa.Column("event_index", sa.Integer(), nullable=True),
        sa.Column("event_id", sa.String(36), nullable=True),
        sa.Column("code", sa.String(32), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("raw", sa.LargeBinary(), nullable=False),
        sa.Column("received_at_ms", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("pk", name="pk_quarantine"),
    )
    op.create_index("ix_quarantine_person_id", "quarantine", ["person_id"])
    op.create_table(
        "streams",
        sa.Column("device_id", sa.String(64), nullable=False),
        sa.Column("stream", sa.String(8), nullable=False),
        sa.Column("max_seq", sa.BigInteger(), nullable=False),
        sa.Column("events", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("device_id", "stream", name="pk_streams"),
    )
    op.create_table(
        "seq_gaps",
        sa.Column("device_id", sa.String(64), nullable=False),
        sa.Column("stream", sa.String(8), nullable=False),
        sa.Column("from_seq", sa.BigInteger(), nullable=False),
        sa.Column("to_seq", sa.BigInteger(), nullable=False),
        sa.Column("detected_at_ms", sa.BigInteger(), nullable=False),
        sa.UniqueConstraint(
            "device_id", "stream", "from_seq", name="uq_seq_gaps_device_id_stream_from_seq"
        ),
    )
    op.create_table(
        "audit_log",
        sa.Column("seq", _autopk, autoincrement=True, nullable=False),
        sa.Column("at_ms", sa.BigInteger(), nullable=False),
        sa.Column("actor", sa.String(128), nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("subject", sa.String(128), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("details", _json, nullable=True),
        sa.Column("prev_hash", sa.LargeBinary(32), nullable=False),
        sa.Column("hash", sa.LargeBinary(32), nullable=False),
        sa.PrimaryKeyConstraint("seq", name="pk_audit_log"),
    )
    op.create_table(
        "policies",
        sa.Column("version", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.Column("created_at_ms", sa.BigInteger(), nullable=False),
        sa.Column("created_by", sa.String(128), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("version", name="pk_policies"),
    )


def downgrade() -> None:
    for table in (
        "policies",
        "audit_log",
        "seq_gaps",
        "streams",
        "quarantine",
        "batches",
        "events",
        "consent_grants",
        "consent_notices",
        "devices",
        "people",
    ):
        op.drop_table(table)
