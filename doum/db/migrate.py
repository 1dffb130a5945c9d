"""Alembic, driven from code (``doum db upgrade``, server start, tests)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

if TYPE_CHECKING:
    from doum.db.database import Database

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def include_object(
    obj: object, name: str | None, type_: str, reflected: bool, compare_to: object
) -> bool:
    """Tables the search stores create for themselves (``rx_*``: vector columns sized by
    the embedding model, pgvector indexes) are not managed by Alembic."""
    if type_ == "table" and name and name.startswith("rx_"):
        return False
    table = getattr(obj, "table", None)
    return not (table is not None and str(getattr(table, "name", "")).startswith("rx_"))


def alembic_config(database: Database) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = database.engine
    return config


def upgrade(database: Database, revision: str = "heads") -> None:
    with database.engine.begin() as connection:
        config = alembic_config(database)
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def downgrade(database: Database, revision: str) -> None:
    with database.engine.begin() as connection:
        config = alembic_config(database)
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def current_heads(database: Database) -> set[str]:
    with database.engine.connect() as connection:
        return set(MigrationContext.configure(connection).get_current_heads())


def script_heads(database: Database) -> set[str]:
    return set(ScriptDirectory.from_config(alembic_config(database)).get_heads())


def is_up_to_date(database: Database) -> bool:
    return current_heads(database) == script_heads(database)
