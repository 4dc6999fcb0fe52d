"""Server keys: named random secrets kept in the store, made on first use.

The redaction key (collector placeholders) and the pseudonym key (datasets) live here so that
every collector worker and every dataset build of one deployment agree on them without a
secret in a configuration file. They never leave the server side: no API serves them and no
log names their value.
"""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine

from workprint.store.engine import is_sqlite, read_tx, write_tx
from workprint.store.schema import server_keys

KEY_BYTES = 32


def server_key(engine: Engine, name: str, *, now_ms: int = 0) -> bytes:
    """The key called ``name``; created (32 random bytes) by whichever caller asks first.
    Concurrent first calls agree: the insert does nothing when another one won."""
    with read_tx(engine) as conn:
        found = conn.execute(
            sa.select(server_keys.c.key).where(server_keys.c.name == name)
        ).scalar_one_or_none()
    if found is not None:
        return bytes(found)
    values = {"name": name, "key": secrets.token_bytes(KEY_BYTES), "created_at_ms": now_ms}
    stmt: sa.Executable
    if is_sqlite(engine):
        stmt = sqlite_insert(server_keys).values(values).on_conflict_do_nothing()
    else:
        stmt = pg_insert(server_keys).values(values).on_conflict_do_nothing()
    with write_tx(engine) as conn:
        conn.execute(stmt)
        return bytes(
            conn.execute(
                sa.select(server_keys.c.key).where(server_keys.c.name == name)
            ).scalar_one()
        )
