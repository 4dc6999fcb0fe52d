"""Alembic environment: runs migrations on the connection Workprint hands it."""

from __future__ import annotations

from alembic import context

from workprint.store.schema import metadata

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - Workprint always passes a connection
    raise RuntimeError("run migrations through 'workprint db upgrade'")

context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
