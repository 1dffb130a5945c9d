"""Group commit for the audit log's hot path.

Chat and API turns write two records each (prompt, answer). Under load, committing each
in its own transaction queues every request behind the others (SQLite has one writer;
PostgreSQL serialises on the chain head row). ``AuditWriter`` is one thread that takes
whatever records are waiting, appends them in one transaction and then wakes every
caller: the caller still continues only after its record is durable.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
from dataclasses import dataclass, field
from typing import Any

from doum.audit.log import AuditContext, AuditEntry, AuditLog
from doum.db import Database

logger = logging.getLogger(__name__)

MAX_BATCH = 256


@dataclass(slots=True)
class _Pending:
    entry: AuditEntry
    loop: asyncio.AbstractEventLoop | None = None
    future: asyncio.Future[None] | None = None
    done: threading.Event = field(default_factory=threading.Event)
    error: BaseException | None = None


class AuditWriter:
    def __init__(self, database: Database, log: AuditLog) -> None:
        self._database = database
        self._log = log
        self._queue: queue.SimpleQueue[_Pending | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def _ensure_thread(self) -> None:
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._run, name="doum-audit-writer", daemon=True
                )
                self._thread.start()

    async def record(self, *, context: AuditContext, **fields: Any) -> None:
        """Append one record; returns once it has committed (raises if it could not)."""
        self._ensure_thread()
        loop = asyncio.get_running_loop()
        pending = _Pending(AuditEntry(context=context, **fields), loop, loop.create_future())
        self._queue.put(pending)
        assert pending.future is not None
        await pending.future

    def record_blocking(self, *, context: AuditContext, **fields: Any) -> None:
        self._ensure_thread()
        pending = _Pending(AuditEntry(context=context, **fields))
        self._queue.put(pending)
        pending.done.wait()
        if pending.error is not None:
            raise pending.error

    def _run(self) -> None:
        while True:
            first = self._queue.get()
            if first is None:
                return
            batch = [first]
            while len(batch) < MAX_BATCH:
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
                if item is None:
                    self._queue.put(None)
                    break
                batch.append(item)
            error: BaseException | None = None
            try:
                # A Core connection, not an ORM session: this runs for every chat turn.
                with self._database.engine.begin() as connection:
                    self._log.append(connection, [pending.entry for pending in batch])
            except Exception as exc:  # reported to every waiting caller
                logger.exception("audit batch failed", extra={"records": len(batch)})
                error = exc
            for pending in batch:
                pending.error = error
                pending.done.set()
                if pending.loop is not None and pending.future is not None:
                    pending.loop.call_soon_threadsafe(_resolve, pending.future, error)

    def close(self) -> None:
        with self._lock:
            if self._thread is not None and self._thread.is_alive():
                self._queue.put(None)
                self._thread.join(timeout=10)
            self._thread = None


def _resolve(future: asyncio.Future[None], error: BaseException | None) -> None:
    if future.done():
        return
    if error is None:
        future.set_result(None)
    else:
        future.set_exception(error)
