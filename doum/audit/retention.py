"""Removing audit records older than the retention period (≥ 2 years).

The chain stays verifiable: the head row remembers the first retained record's seq and
the hash it links to. The purge itself is audited.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, delete, func, select, text
from sqlalchemy.orm import Session

from doum.audit.log import AuditContext, AuditLog
from doum.audit.models import AuditChainHead, AuditRecord, AuditRetentionUnlock
from doum.db.base import utcnow

MIN_RETENTION_DAYS = 730


def purge_expired(session: Session, *, audit: AuditLog, retention_days: int) -> int:
    days = max(retention_days, MIN_RETENTION_DAYS)
    cutoff = utcnow() - timedelta(days=days)
    last_expired = session.scalar(
        select(func.max(AuditRecord.seq)).where(AuditRecord.occurred_at < cutoff)
    )
    if last_expired is None:
        return 0
    boundary = session.get(AuditRecord, last_expired)
    assert boundary is not None
    first_kept = session.scalar(
        select(func.min(AuditRecord.seq)).where(AuditRecord.seq > last_expired)
    )
    head = session.get(AuditChainHead, 1, with_for_update=True)
    assert head is not None
    if session.get_bind().dialect.name == "sqlite":
        session.add(AuditRetentionUnlock(reason="retention"))
        session.flush()
    else:
        session.execute(text("SET LOCAL doum.audit_retention = 'on'"))
    result = session.execute(delete(AuditRecord).where(AuditRecord.seq <= last_expired))
    removed = cast(CursorResult[Any], result).rowcount
    session.execute(delete(AuditRetentionUnlock))
    head.first_seq = first_kept if first_kept is not None else last_expired + 1
    head.first_prev_hash = boundary.hash
    audit.record(
        session,
        context=AuditContext.system("retention"),
        action="audit.retention_purge",
        details={"removed": removed, "cutoff": cutoff.isoformat(), "up_to_seq": last_expired},
    )
    return removed
