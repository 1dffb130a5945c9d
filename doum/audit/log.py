"""Writing to the audit log.

``record(...)`` appends inside the caller's transaction, so an action and its audit
record commit or roll back together. ``record_now(...)`` appends in a transaction of its
own (for events that must be kept even when the action fails, e.g. a failed login).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Connection, Dialect, Table
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.orm import Session

from doum.accounts.principal import Principal
from doum.audit.chain import GENESIS, HASHED_FIELDS, canonical_details, record_hash
from doum.audit.models import AuditRecord
from doum.db.base import utcnow

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class AuditContext:
    """Who did it and from where; built once per request."""

    actor_id: int | None = None
    actor: str = ""
    ip: str = ""

    @classmethod
    def of(cls, principal: Principal | None, ip: str = "") -> AuditContext:
        if principal is None:
            return cls(ip=ip)
        return cls(actor_id=principal.user_id, actor=principal.username, ip=ip)

    @classmethod
    def system(cls, name: str = "system") -> AuditContext:
        return cls(actor=name)


class AuditLog:
    def __init__(self, key: bytes) -> None:
        self._key = key

    def record(
        self,
        session: Session,
        *,
        context: AuditContext,
        action: str,
        target_type: str = "",
        target_id: str | int = "",
        outcome: str = "success",
        data_class: str = "",
        details: dict[str, Any] | None = None,
        occurred_at: datetime | None = None,
    ) -> int:
        """Append one record in the session's transaction; returns its sequence number."""
        return self.record_many(
            session,
            [
                AuditEntry(
                    context=context,
                    action=action,
                    target_type=target_type,
                    target_id=target_id,
                    outcome=outcome,
                    data_class=data_class,
                    details=details,
                    occurred_at=occurred_at,
                )
            ],
        )[0]

    def record_many(self, session: Session, entries: list[AuditEntry]) -> list[int]:
        """Append several records with one lock of the chain head (group commit)."""
        return self.append(session.connection(), entries)

    def append(self, connection: Connection, entries: list[AuditEntry]) -> list[int]:
        """Append in ``connection``'s transaction (the caller commits).

        This runs for every chat turn, so it talks to the driver directly with three
        prepared statements: through SQLAlchemy's statement machinery a one-record batch
        cost about five times the CPU (260 against 53 µs on SQLite). Values still pass
        through the columns' own bind processing, so rows are stored exactly as the ORM
        stores them.
        """
        dbapi_connection = connection.connection.dbapi_connection
        assert dbapi_connection is not None
        return self.append_to(dbapi_connection, connection.dialect, entries)

    def append_to(
        self, dbapi_connection: DBAPIConnection, dialect: Dialect, entries: list[AuditEntry]
    ) -> list[int]:
        """:meth:`append`, on a driver connection in a transaction (the caller commits)."""
        plan = _plan(dialect)
        cursor = dbapi_connection.cursor()
        try:
            # Taking the write lock first (SQLite) / the row lock (PostgreSQL) makes
            # concurrent appends queue here instead of reading the same previous hash.
            cursor.execute(plan.advance, (len(entries),))
            head = cursor.fetchone()
            if head is None:
                raise RuntimeError("audit_chain_head has no row: run the migrations")
            last_seq, prev_hash = head
            seq = last_seq - len(entries)
            prev_hash = prev_hash or GENESIS
            rows = []
            for entry in entries:
                seq += 1
                fields = entry.fields(seq)
                digest = record_hash(self._key, fields, prev_hash)
                rows.append(plan.row({**fields, "prev_hash": prev_hash, "hash": digest}))
                prev_hash = digest
            cursor.executemany(plan.insert, rows)
            cursor.execute(plan.set_hash, (prev_hash,))
        finally:
            cursor.close()
        return list(range(last_seq - len(entries) + 1, last_seq + 1))


_COLUMNS = (*HASHED_FIELDS, "prev_hash", "hash")


@dataclass(frozen=True, slots=True)
class _Plan:
    """The append statements in the driver's parameter style, and each column's bind
    processing for this dialect."""

    advance: str
    insert: str
    set_hash: str
    processors: tuple[Callable[[Any], Any] | None, ...]

    def row(self, values: dict[str, Any]) -> tuple[Any, ...]:
        return tuple(
            values[name] if process is None else process(values[name])
            for name, process in zip(_COLUMNS, self.processors, strict=True)
        )


_PLANS: dict[tuple[str, str], _Plan] = {}


def _plan(dialect: Dialect) -> _Plan:
    key = (dialect.name, dialect.paramstyle)
    plan = _PLANS.get(key)
    if plan is None:
        mark = "?" if dialect.paramstyle == "qmark" else "%s"
        records = cast(Table, AuditRecord.__table__)
        plan = _PLANS[key] = _Plan(
            advance=f"UPDATE audit_chain_head SET last_seq = last_seq + {mark} WHERE id = 1 "
            "RETURNING last_seq, last_hash",
            insert=f"INSERT INTO audit_records ({', '.join(_COLUMNS)}) "
            f"VALUES ({', '.join([mark] * len(_COLUMNS))})",
            set_hash=f"UPDATE audit_chain_head SET last_hash = {mark} WHERE id = 1",
            processors=tuple(records.c[name].type.bind_processor(dialect) for name in _COLUMNS),
        )
    return plan


@dataclass(frozen=True, slots=True)
class AuditEntry:
    context: AuditContext
    action: str
    target_type: str = ""
    target_id: str | int = ""
    outcome: str = "success"
    data_class: str = ""
    details: dict[str, Any] | None = None
    occurred_at: datetime | None = None

    def fields(self, seq: int) -> dict[str, Any]:
        return {
            "seq": seq,
            "occurred_at": self.occurred_at or utcnow(),
            "actor_id": self.context.actor_id,
            "actor": self.context.actor[:64],
            "action": self.action,
            "target_type": self.target_type,
            "target_id": str(self.target_id)[:64],
            "outcome": self.outcome,
            "ip": self.context.ip[:64],
            "data_class": self.data_class,
            "details": canonical_details(self.details or {}),
        }
