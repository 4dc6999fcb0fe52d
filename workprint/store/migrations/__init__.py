"""Alembic migrations of the store schema, numbered; applied by ``workprint db upgrade``."""
