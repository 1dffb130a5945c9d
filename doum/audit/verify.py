"""Checking the audit chain: finds edited, deleted, inserted and reordered records."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from doum.audit.chain import GENESIS, HASHED_FIELDS, record_hash
from doum.audit.models import AuditChainHead, AuditRecord


@dataclass(frozen=True, slots=True)
class ChainProblem:
    seq: int
    kind: str
    """edited | missing | reordered | head_mismatch"""
    detail: str

    def describe(self) -> str:
        labels = {
            "edited": "내용이 변경됨",
            "missing": "기록이 삭제됨",
            "reordered": "순서가 바뀌었거나 중간에 끼워 넣어짐",
            "head_mismatch": "마지막 기록이 삭제되었거나 체인 끝이 맞지 않음",
        }
        return f"#{self.seq}: {labels.get(self.kind, self.kind)} ({self.detail})"


@dataclass(slots=True)
class VerifyReport:
    checked: int = 0
    first_seq: int = 0
    last_seq: int = 0
    problems: list[ChainProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _iter_records(session: Session, batch: int = 2000) -> Iterator[AuditRecord]:
    last = 0
    while True:
        rows = session.scalars(
            select(AuditRecord).where(AuditRecord.seq > last).order_by(AuditRecord.seq).limit(batch)
        ).all()
        if not rows:
            return
        yield from rows
        last = rows[-1].seq
        session.expunge_all()


def _original_seq(key: bytes, row: AuditRecord, window: int = 64) -> int | None:
    """If the record is genuine but its ``seq`` was changed, the seq it was written with."""
    fields = {name: getattr(row, name) for name in HASHED_FIELDS}
    for candidate in range(max(1, row.seq - window), row.seq + window + 1):
        if candidate == row.seq:
            continue
        if record_hash(key, {**fields, "seq": candidate}, row.prev_hash) == row.hash:
            return candidate
    return None


def verify_chain(session: Session, key: bytes) -> VerifyReport:
    head = session.get(AuditChainHead, 1)
    expected_seq = head.first_seq if head else 1
    expected_prev = (head.first_prev_hash or GENESIS) if head else GENESIS
    report = VerifyReport(first_seq=expected_seq)
    previous_broken = False
    for row in _iter_records(session):
        report.checked += 1
        problems_before = len(report.problems)
        if row.seq > expected_seq:
            gap = (
                f"#{expected_seq}"
                if row.seq == expected_seq + 1
                else f"#{expected_seq}–#{row.seq - 1}"
            )
            report.problems.append(ChainProblem(expected_seq, "missing", f"{gap} 없음"))
            expected_seq = row.seq
        fields = {name: getattr(row, name) for name in HASHED_FIELDS}
        if record_hash(key, fields, row.prev_hash) != row.hash:
            original = _original_seq(key, row)
            if original is not None:
                report.problems.append(ChainProblem(row.seq, "reordered", f"원래 순번 #{original}"))
            else:
                report.problems.append(ChainProblem(row.seq, "edited", "해시 불일치"))
        elif (
            row.prev_hash != expected_prev
            and not previous_broken
            and len(report.problems) == problems_before
        ):
            report.problems.append(
                ChainProblem(row.seq, "reordered", "이전 기록의 해시와 연결되지 않음")
            )
        previous_broken = len(report.problems) > problems_before
        expected_prev = row.hash
        expected_seq = row.seq + 1
        report.last_seq = row.seq
    if (
        head is not None
        and head.last_seq
        and (head.last_seq != report.last_seq or head.last_hash != expected_prev)
    ):
        report.problems.append(
            ChainProblem(
                head.last_seq,
                "head_mismatch",
                f"체인 끝 #{head.last_seq}, 실제 마지막 #{report.last_seq}",
            )
        )
    return report
