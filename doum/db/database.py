from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from doum.config import Settings, get_settings

logger = logging.getLogger(__name__)


def database_url(settings: Settings) -> str:
    if settings.database.url:
        url = settings.database.url
        if url.startswith("postgresql://") or url.startswith("postgres://"):
            url = "postgresql+psycopg://" + url.split("://", 1)[1]
        return url
    data_dir = settings.resolved_data_dir()
    data_dir.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{data_dir / 'doum.sqlite3'}"


def _sqlite_pragmas(dbapi_connection: object, connection_record: object) -> None:
    # Let SQLAlchemy, not the driver, decide when transactions begin (see _sqlite_begin).
    dbapi_connection.isolation_level = None  # type: ignore[attr-defined]
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _sqlite_begin(connection: object) -> None:
    # Writers take the write lock when the transaction starts, so a transaction that
    # reads and then writes never fails with SQLITE_BUSY_SNAPSHOT under concurrency.
    connection.exec_driver_sql("BEGIN IMMEDIATE")  # type: ignore[attr-defined]


def make_engine(
    url: str, *, echo: bool = False, pool_size: int = 20, read_only: bool = False
) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(
            url,
            echo=echo,
            connect_args={"check_same_thread": False, "timeout": 30},
            pool_size=pool_size,
            max_overflow=pool_size,
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        if not read_only:
            event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(
        url, echo=echo, pool_size=pool_size, max_overflow=pool_size, pool_pre_ping=True
    )


class Database:
    """An engine and its session factory. One per process and settings."""

    def __init__(self, url: str, *, echo: bool = False, pool_size: int = 20) -> None:
        self.url = url
        self.engine = make_engine(url, echo=echo, pool_size=pool_size)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        # On SQLite, reads use their own connections with deferred transactions so they
        # never queue behind writers (WAL gives them a consistent snapshot).
        self._read_engine = (
            make_engine(url, echo=echo, pool_size=pool_size, read_only=True)
            if self.engine.dialect.name == "sqlite"
            else self.engine
        )
        self._read_sessions = sessionmaker(self._read_engine, expire_on_commit=False)

    @classmethod
    def from_settings(cls, settings: Settings) -> Database:
        return cls(
            database_url(settings),
            echo=settings.database.echo,
            pool_size=settings.database.pool_size,
        )

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session committed on success and rolled back on any error."""
        session = self.sessions()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    @contextmanager
    def reader(self) -> Iterator[Session]:
        """A session for reading only. Closing it ends the transaction; loaded objects
        stay readable (detached, not expired)."""
        session = self._read_sessions()
        try:
            yield session
        finally:
            session.close()

    def upgrade(self) -> None:
        """Bring the schema to the newest revision (all branches)."""
        from doum.db.migrate import upgrade

        upgrade(self)

    def dispose(self) -> None:
        self.engine.dispose()
        if self._read_engine is not self.engine:
            self._read_engine.dispose()

    def sqlite_path(self) -> Path | None:
        if not self.is_sqlite:
            return None
        database = self.engine.url.database
        return Path(database) if database and database != ":memory:" else None


@lru_cache(maxsize=1)
def get_database() -> Database:
    return Database.from_settings(get_settings())


def reset_database_cache() -> None:
    if get_database.cache_info().currsize:
        get_database().dispose()
    get_database.cache_clear()
