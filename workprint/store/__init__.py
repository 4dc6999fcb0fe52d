"""The store: one schema over SQLite (embedded default) and PostgreSQL, via SQLAlchemy Core."""
