"""Every schema change has an Alembic migration: upgrading an empty database gives
exactly the tables the models declare, downgrade works, and the audit table refuses
changes — on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from doum.db import Database
from doum.db.migrate import downgrade, include_object, is_up_to_date
from doum.db.models import load_all_models


@pytest.fixture
def migrated(database_url: str) -> Iterator[Database]:
    db = Database(database_url)
    db.upgrade()
    yield db
    db.dispose()


def test_upgrade_matches_models(migrated: Database) -> None:
    assert is_up_to_date(migrated)
    metadata = load_all_models().metadata
    with migrated.engine.connect() as connection:
        diff = compare_metadata(
            MigrationContext.configure(connection, opts={"include_object": include_object}),
            metadata,
        )
    assert diff == [], f"models and migrations differ: {diff}"


def test_downgrade_to_base_and_up_again(migrated: Database) -> None:
    downgrade(migrated, "base")
    with migrated.engine.connect() as connection:
        assert "users" not in sa.inspect(connection).get_table_names()
    migrated.upgrade()
    assert is_up_to_date(migrated)


def test_audit_table_is_append_only(migrated: Database) -> None:
    with migrated.engine.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO audit_records (occurred_at, actor, action, target_type, target_id, "
                "outcome, ip, data_class, details, prev_hash, hash) VALUES "
                "(CURRENT_TIMESTAMP, 'a', 'x', '', '', 'success', '', '', '{}', '0', '1')"
            )
        )
    for statement in ("UPDATE audit_records SET actor = 'b'", "DELETE FROM audit_records"):
        with (
            pytest.raises(sa.exc.DBAPIError, match=r"audit\.append_only"),
            migrated.engine.begin() as c,
        ):
            c.execute(sa.text(statement))
    with migrated.engine.connect() as connection:
        assert connection.execute(sa.text("SELECT actor FROM audit_records")).scalar() == "a"
