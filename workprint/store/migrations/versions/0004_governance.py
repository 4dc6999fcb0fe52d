"""Governance: portal accounts, sessions, API tokens, the sign-in rate limit, the per-person
capture switch, retention settings and dataset export approvals.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def _pk() -> sa.types.TypeEngine[int]:
    return sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "accounts",
        sa.Column("account_id", sa.String(64), nullable=False),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("person_id", sa.String(64), nullable=True),
        sa.Column("password_hash", sa.Text(), nullable=True),
        sa.Column("created_at_ms", sa.BigInteger(), nullable=False),
        sa.Column("disabled_at_ms", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("account_id", name="pk_accounts"),
        sa.UniqueConstraint("username", name="uq_accounts_username"),
    )
    op.create_index("ix_accounts_person_id", "accounts", ["person_id"], unique=False)
    op.create_table(
        "portal_sessions",
        sa.Column("session_hash", sa.LargeBinary(32), nullable=False),
        sa.Column("account_id", sa.String(64), nullable=False),
        sa.Column("created_at_ms", sa.BigInteger(), nullable=False),
        sa.Column("last_seen_ms", sa.BigInteger(), nullable=False),
        sa.Column("expires_at_ms", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.account_id"], name="fk_portal_sessions_account_id_accounts"
        ),
        sa.PrimaryKeyConstraint("session_hash", name="pk_portal_sessions"),
    )
    op.create_index(
        "ix_portal_sessions_account_id", "portal_sessions", ["account_id"], unique=False
    )
    op.create_table(
        "api_tokens",
        sa.Column("token_hash", sa.LargeBinary(32), nullable=False),
        sa.Column("token_id", sa.String(64), nullable=False),
        sa.Column("account_id", sa.String(64), nullable=False),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("label", sa.String(128), nullable=False),
        sa.Column("created_at_ms", sa.BigInteger(), nullable=False),
        sa.Column("expires_at_ms", sa.BigInteger(), nullable=True),
        sa.Column("revoked_at_ms", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.account_id"], name="fk_api_tokens_account_id_accounts"
        ),
        sa.PrimaryKeyConstraint("token_hash", name="pk_api_tokens"),
        sa.UniqueConstraint("token_id", name="uq_api_tokens_token_id"),
    )
    op.create_index("ix_api_tokens_account_id", "api_tokens", ["account_id"], unique=False)
    op.create_table(
        "login_failures",
        sa.Column("pk", _pk(), autoincrement=True, nullable=False),
        sa.Column("key_hash", sa.LargeBinary(32), nullable=False),
        sa.Column("at_ms", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("pk", name="pk_login_failures"),
    )
    op.create_index("ix_login_failures_key_hash", "login_failures", ["key_hash"], unique=False)
    op.create_table(
        "person_state",
        sa.Column("person_id", sa.String(64), nullable=False),
        sa.Column("capture_paused", sa.Boolean(), nullable=False),
        sa.Column("changed_at_ms", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.person_id"], name="fk_person_state_person_id_people"
        ),
        sa.PrimaryKeyConstraint("person_id", name="pk_person_state"),
    )
    op.create_table(
        "retention_settings",
        sa.Column("target", sa.String(32), nullable=False),
        sa.Column("ttl_days", sa.Integer(), nullable=False),
        sa.Column("changed_at_ms", sa.BigInteger(), nullable=False),
        sa.Column("changed_by", sa.String(128), nullable=False),
        sa.PrimaryKeyConstraint("target", name="pk_retention_settings"),
    )
    op.create_table(
        "dataset_exports",
        sa.Column("export_id", sa.String(64), nullable=False),
        sa.Column("version_id", sa.String(64), nullable=False),
        sa.Column("requested_by", sa.String(64), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("requested_at_ms", sa.BigInteger(), nullable=False),
        sa.Column("decided_by", sa.String(64), nullable=True),
        sa.Column("decided_at_ms", sa.BigInteger(), nullable=True),
        sa.Column("expires_at_ms", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("export_id", name="pk_dataset_exports"),
    )
    op.create_index(
        "ix_dataset_exports_version_id", "dataset_exports", ["version_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_dataset_exports_version_id", table_name="dataset_exports")
    op.drop_table("dataset_exports")
    op.drop_table("retention_settings")
    op.drop_table("person_state")
    op.drop_index("ix_login_failures_key_hash", table_name="login_failures")
    op.drop_table("login_failures")
    op.drop_index("ix_api_tokens_account_id", table_name="api_tokens")
    op.drop_table("api_tokens")
    op.drop_index("ix_portal_sessions_account_id", table_name="portal_sessions")
    op.drop_table("portal_sessions")
    op.drop_index("ix_accounts_person_id", table_name="accounts")
    op.drop_table("accounts")
