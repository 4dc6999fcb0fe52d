"""Apply and inspect schema migrations (Alembic) on a Workprint database."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine

from workprint.store.engine import translate_errors
from workprint.store.errors import SchemaOutdated

_MIGRATIONS = Path(__file__).with_name("migrations")


def _config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(_MIGRATIONS))
    return cfg


def head_revision() -> str:
    """The newest migration this release ships."""
    head = ScriptDirectory.from_config(_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at, or None for an empty database."""
    with translate_errors(), engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> str:
    """Migrate the database to ``revision``; returns the revision reached."""
    cfg = _config()
    with translate_errors(), engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
    reached = current_revision(engine)
    assert reached is not None
    return reached


def require_current(engine: Engine) -> None:
    """Raise :class:`SchemaOutdated` unless the database is at the head revision."""
    current = current_revision(engine)
    if current != head_revision():
        raise SchemaOutdated(
            f"database schema is at {current or 'nothing'}, this release needs "
            f"{head_revision()}; run 'workprint db upgrade'"
        )
