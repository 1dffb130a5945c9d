"""Reading the audit log: filtered pages for the auditor's screen and CSV export."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from doum.audit.models import AuditRecord

CSV_COLUMNS = (
    ("seq", "순번"),
    ("occurred_at", "일시(UTC)"),
    ("actor", "사용자"),
    ("actor_id", "사용자ID"),
    ("action", "행위"),
    ("target_type", "대상 유형"),
    ("target_id", "대상"),
    ("outcome", "결과"),
    ("ip", "접속지"),
    ("data_class", "등급"),
    ("details", "상세"),
    ("hash", "해시"),
)


@dataclass(frozen=True, slots=True)
class AuditFilter:
    actor: str = ""
    action: str = ""
    outcome: str = ""
    since: datetime | None = None
    until: datetime | None = None
    text: str = ""

    def apply(self, query: Select[tuple[AuditRecord]]) -> Select[tuple[AuditRecord]]:
        if self.actor:
            query = query.where(AuditRecord.actor == self.actor)
        if self.action:
            query = query.where(AuditRecord.action.startswith(self.action))
        if self.outcome:
            query = query.where(AuditRecord.outcome == self.outcome)
        if self.since:
            query = query.where(AuditRecord.occurred_at >= self.since)
        if self.until:
            query = query.where(AuditRecord.occurred_at < self.until)
        if self.text:
            query = query.where(AuditRecord.details.contains(self.text))
        return query


def list_records(
    session: Session, *, filters: AuditFilter, before_seq: int | None = None, limit: int = 100
) -> list[AuditRecord]:
    query = filters.apply(select(AuditRecord))
    if before_seq is not None:
        query = query.where(AuditRecord.seq < before_seq)
    return list(session.scalars(query.order_by(AuditRecord.seq.desc()).limit(limit)))


def iter_csv(session: Session, *, filters: AuditFilter, batch: int = 1000) -> Iterator[str]:
    """CSV text in chunks (UTF-8 with BOM so Excel opens Korean correctly)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow([label for _, label in CSV_COLUMNS])
    last = 0
    while True:
        rows: list[AuditRecord] = list(
            session.scalars(
                filters.apply(select(AuditRecord))
                .where(AuditRecord.seq > last)
                .order_by(AuditRecord.seq)
                .limit(batch)
            )
        )
        for row in rows:
            writer.writerow([_cell(getattr(row, name)) for name, _ in CSV_COLUMNS])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        if len(rows) < batch:
            return
        last = rows[-1].seq
        session.expunge_all()


def _cell(value: object) -> str:
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if value is None:
        return ""
    text = str(value)
    # Defuse spreadsheet formula injection in exported cells.
    if text[:1] in ("=", "+", "-", "@"):
        return "'" + text
    return text


def details_of(record: AuditRecord) -> dict[str, object]:
    try:
        data = json.loads(record.details)
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}
