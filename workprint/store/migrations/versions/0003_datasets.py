"""Dataset lineage: the versions built from the store and the people each one contains.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "dataset_versions",
        sa.Column("version_id", sa.String(64), nullable=False),
        sa.Column("name", sa.String(128), nullable=False),
        sa.Column("spec_hash", sa.String(64), nullable=False),
        sa.Column("spec", sa.Text(), nullable=False),
        sa.Column("key_fingerprint", sa.String(32), nullable=False),
        sa.Column("created_at_ms", sa.BigInteger(), nullable=False),
        sa.Column("out_dir", sa.Text(), nullable=False),
        sa.Column("manifest_sha256", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("stale_reason", sa.String(64), nullable=True),
        sa.Column("superseded_by", sa.String(64), nullable=True),
        sa.PrimaryKeyConstraint("version_id", name="pk_dataset_versions"),
    )
    op.create_table(
        "dataset_members",
        sa.Column("version_id", sa.String(64), nullable=False),
        sa.Column("person_id", sa.String(64), nullable=False),
        sa.Column("split", sa.String(32), nullable=False),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["dataset_versions.version_id"],
            name="fk_dataset_members_version_id_dataset_versions",
        ),
        sa.PrimaryKeyConstraint("version_id", "person_id", name="pk_dataset_members"),
    )
    op.create_index("ix_dataset_members_person_id", "dataset_members", ["person_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_dataset_members_person_id", table_name="dataset_members")
    op.drop_table("dataset_members")
    op.drop_table("dataset_versions")
