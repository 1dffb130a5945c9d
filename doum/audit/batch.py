"""Group commit for the audit log's hot path.

Chat and API turns write two records each (prompt, answer). Under load, committing each
in its own transaction queues every request behind the others (SQLite has one writer;
PostgreSQL serialises on the chain head row). ``AuditWriter`` is one thread that takes
whatever records are waiting, appends them in one transaction and then wakes every
caller: the caller still continues only after its record is durable.

On SQLite a record written from the event loop is first tried inline, on the loop's
own connection (:class:`_InlineSQLite`), and goes to the thread only if another writer
holds the lock. Handing a record to a thread looked cheap but was not, under load:
the thread takes the GIL back after each call into SQLite (five per batch), and each
time waits for the busy event loop to let go of it, so a one-record batch took 5 to
7 ms and every first token waited for one (bench.chat, 300 streams on 2 cores).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import queue
import sqlite3
import threading
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Dialect, Engine
from sqlalchemy.pool import PoolProxiedConnection

from doum.audit.log import AuditContext, AuditEntry, AuditLog
from doum.db import Database

logger = logging.getLogger(__name__)

MAX_BATCH = 256


@dataclass(slots=True)
class _Pending:
    entry: AuditEntry
    loop: asyncio.AbstractEventLoop | None = None
    future: asyncio.Future[None] | None = None
    done: threading.Event | None = None
    """For a caller that waits in its thread (:meth:`AuditWriter.record_blocking`)."""
    error: BaseException | None = None


class AuditWriter:
    def __init__(self, database: Database, log: AuditLog) -> None:
        self._database = database
        self._log = log
        self._queue: queue.SimpleQueue[_Pending | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._inline = _InlineSQLite(database.engine) if database.is_sqlite else None

    def _ensure_thread(self) -> None:
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._run, name="doum-audit-writer", daemon=True
                )
                self._thread.start()

    async def record(self, *, context: AuditContext, **fields: Any) -> None:
        """Append one record; returns once it has committed (raises if it could not)."""
        entry = AuditEntry(context=context, **fields)
        if self._inline is not None and self._inline.append(self._log, entry):
            if self._inline.wants_checkpoint():
                self._ensure_thread()
                self._queue.put(_CHECKPOINT)
            return
        self._ensure_thread()
        loop = asyncio.get_running_loop()
        pending = _Pending(entry, loop, loop.create_future())
        self._queue.put(pending)
        assert pending.future is not None
        await pending.future

    def record_blocking(self, *, context: AuditContext, **fields: Any) -> None:
        self._ensure_thread()
        pending = _Pending(AuditEntry(context=context, **fields), done=threading.Event())
        self._queue.put(pending)
        assert pending.done is not None
        pending.done.wait()
        if pending.error is not None:
            raise pending.error

    def _run(self) -> None:
        connection = _WriterConnection(self._database.engine)
        try:
            while (batch := self._next_batch()) is not None:
                if batch is _CHECKPOINT:
                    connection.checkpoint()
                    continue
                error: BaseException | None = None
                try:
                    connection.append(self._log, [pending.entry for pending in batch])
                except Exception as exc:  # reported to every waiting caller
                    logger.exception("audit batch failed", extra={"records": len(batch)})
                    error = exc
                _wake(batch, error)
        finally:
            connection.close()

    def _next_batch(self) -> list[_Pending] | None:
        """Whatever is waiting, up to MAX_BATCH (None: the writer is closing; or
        ``_CHECKPOINT``, alone)."""
        first = self._queue.get()
        if first is None or first is _CHECKPOINT:
            return first
        batch = [first]
        while len(batch) < MAX_BATCH:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                break
            if item is None or item is _CHECKPOINT:
                self._queue.put(item)
                break
            batch.append(item)
        return batch

    def close(self) -> None:
        with self._lock:
            if self._thread is not None and self._thread.is_alive():
                self._queue.put(None)
                self._thread.join(timeout=10)
            self._thread = None
            if self._inline is not None:
                self._inline.close()


_CHECKPOINT: Any = object()
"""Queued to ask the writer thread for a WAL checkpoint (see :class:`_InlineSQLite`)."""


class _InlineSQLite:
    """Appends on the event loop's thread, never waiting there.

    Its connection does not wait for SQLite's write lock (``busy_timeout = 0``): if
    another connection or process holds it, :meth:`append` says no at once and the
    record goes to the writer thread, which waits its turn. Nor does it checkpoint the
    WAL itself (``wal_autocheckpoint = 0``): copying pages into the database and
    syncing them can take a hundred milliseconds, so every ``CHECKPOINT_EVERY``
    appends the writer thread does it instead, without stopping writers. A commit here
    writes to the WAL without syncing (``synchronous = NORMAL``): about 100 µs.
    """

    CHECKPOINT_EVERY = 500

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._raw: PoolProxiedConnection | None = None
        self._appended = 0
        self._lock = threading.Lock()

    def _connection(self) -> PoolProxiedConnection:
        if self._raw is None:
            raw = self._engine.raw_connection()
            cursor = raw.cursor()
            cursor.execute("PRAGMA busy_timeout = 0")
            cursor.execute("PRAGMA wal_autocheckpoint = 0")
            cursor.close()
            self._raw = raw
        return self._raw

    def append(self, log: AuditLog, entry: AuditEntry) -> bool:
        """Whether ``entry`` was appended and committed (False: nothing was)."""
        # Another event loop's thread using the connection counts as the lock held.
        if not self._lock.acquire(blocking=False):
            return False
        try:
            return self._append(log, entry)
        finally:
            self._lock.release()

    def _append(self, log: AuditLog, entry: AuditEntry) -> bool:
        try:
            _commit(self._connection(), self._engine.dialect, log, [entry])
        except Exception as error:
            if getattr(error, "sqlite_errorcode", None) == sqlite3.SQLITE_BUSY:
                return False  # another writer holds the lock: the writer thread waits
            logger.warning("inline audit append failed; the writer thread takes it", exc_info=True)
            self.close()
            return False
        self._appended += 1
        return True

    def wants_checkpoint(self) -> bool:
        return self._appended % self.CHECKPOINT_EVERY == 0

    def close(self) -> None:
        raw, self._raw = self._raw, None
        if raw is not None:
            # Not back to the pool: its settings are for this use only.
            with contextlib.suppress(Exception):
                raw.rollback()
            raw.invalidate()


class _WriterConnection:
    """The writer thread's own driver connection, kept between batches.

    A batch is one transaction straight on the driver: checking a connection out of
    SQLAlchemy's pool and running its transaction events cost about 240 µs per batch
    (on SQLite, 330 against 90 µs of CPU for a one-record batch), and under a steady
    load most batches hold one or two records. A connection that the database dropped
    (a PostgreSQL restart) is replaced, and the batch retried once: nothing of it was
    committed.
    """

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._raw: PoolProxiedConnection | None = None

    def append(self, log: AuditLog, entries: list[AuditEntry]) -> None:
        for attempt in (1, 2):
            raw = self._raw or self._engine.raw_connection()
            self._raw = raw
            try:
                _commit(raw, self._engine.dialect, log, entries)
                return
            except Exception as error:
                disconnected = self._discard(raw, error)
                if attempt == 2 or not disconnected:
                    raise

    def _discard(self, raw: PoolProxiedConnection, error: Exception) -> bool:
        """Roll back and drop the connection; whether the database had dropped it."""
        self._raw = None
        dbapi_connection = raw.dbapi_connection
        disconnected = isinstance(
            error, self._engine.dialect.loaded_dbapi.Error
        ) and self._engine.dialect.is_disconnect(error, dbapi_connection, None)  # type: ignore[arg-type]
        try:
            if dbapi_connection is not None and not disconnected:
                dbapi_connection.rollback()
                raw.close()
                return False
        except Exception:
            logger.warning("audit connection could not roll back", exc_info=True)
        raw.invalidate()
        raw.close()
        return disconnected

    def checkpoint(self) -> None:
        """Copy the WAL into the database as far as readers allow (SQLite)."""
        try:
            raw = self._raw or self._engine.raw_connection()
            self._raw = raw
            raw.cursor().execute("PRAGMA wal_checkpoint(PASSIVE)")
        except Exception:
            logger.warning("audit WAL checkpoint failed", exc_info=True)

    def close(self) -> None:
        if self._raw is not None:
            self._raw.close()
            self._raw = None


def _commit(
    raw: PoolProxiedConnection, dialect: Dialect, log: AuditLog, entries: list[AuditEntry]
) -> None:
    """Append ``entries`` in one transaction straight on the driver connection."""
    dbapi_connection = raw.dbapi_connection
    assert dbapi_connection is not None
    if dialect.name == "sqlite":
        # The write lock first (as every doum write transaction on SQLite does).
        dbapi_connection.cursor().execute("BEGIN IMMEDIATE")
    log.append_to(dbapi_connection, dialect, entries)
    dbapi_connection.commit()


def _wake(batch: list[_Pending], error: BaseException | None) -> None:
    """Tell every caller of a batch: one wake-up of each event loop, not one per record
    (each is a write to the loop's self-pipe)."""
    by_loop: dict[asyncio.AbstractEventLoop, list[asyncio.Future[None]]] = {}
    for pending in batch:
        pending.error = error
        if pending.done is not None:
            pending.done.set()
        if pending.loop is not None and pending.future is not None:
            by_loop.setdefault(pending.loop, []).append(pending.future)
    for loop, futures in by_loop.items():
        # RuntimeError: that loop has closed, so nobody is waiting any more.
        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(_resolve, futures, error)


def _resolve(futures: list[asyncio.Future[None]], error: BaseException | None) -> None:
    for future in futures:
        if future.done():
            continue
        if error is None:
            future.set_result(None)
        else:
            future.set_exception(error)
