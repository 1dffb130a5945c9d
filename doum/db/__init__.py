"""Relational storage: SQLAlchemy 2 models, sessions and Alembic migrations."""

from doum.db.base import Base, new_id, utcnow
from doum.db.database import Database, get_database, reset_database_cache

__all__ = ["Base", "Database", "get_database", "new_id", "reset_database_cache", "utcnow"]
