"""Writing to the audit log.

``record(...)`` appends inside the caller's transaction, so an action and its audit
record commit or roll back together. ``record_now(...)`` appends in a transaction of its
own (for events that must be kept even when the action fails, e.g. a failed login).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any, cast

from sqlalchemy import Connection, Executable, Table, bindparam, insert, update
from sqlalchemy.orm import Session

from doum.accounts.principal import Principal
from doum.audit.chain import GENESIS, canonical_details, record_hash
from doum.audit.models import AuditChainHead, AuditRecord
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
        """Append in ``connection``'s transaction (the caller commits)."""
        statements = _statements()
        # Taking the write lock first (SQLite) / the row lock (PostgreSQL) makes
        # concurrent appends queue here instead of reading the same previous hash.
        last_seq, prev_hash = connection.execute(statements.advance, {"n": len(entries)}).one()
        seq = last_seq - len(entries)
        prev_hash = prev_hash or GENESIS
        rows = []
        for entry in entries:
            seq += 1
            fields = entry.fields(seq)
            digest = record_hash(self._key, fields, prev_hash)
            rows.append({**fields, "prev_hash": prev_hash, "hash": digest})
            prev_hash = digest
        connection.execute(statements.insert, rows)
        connection.execute(statements.set_hash, {"h": prev_hash})
        return [row["seq"] for row in rows]


@dataclass(frozen=True, slots=True)
class _Statements:
    advance: Executable
    insert: Executable
    set_hash: Executable


@cache
def _statements() -> _Statements:
    """Built once: the audit hot path should not rebuild its three statements for
    every batch."""
    head = cast(Table, AuditChainHead.__table__)
    return _Statements(
        advance=update(head)
        .where(head.c.id == 1)
        .values(last_seq=head.c.last_seq + bindparam("n"))
        .returning(head.c.last_seq, head.c.last_hash),
        insert=insert(cast(Table, AuditRecord.__table__)),
        set_hash=update(head).where(head.c.id == 1).values(last_hash=bindparam("h")),
    )


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
