"""The monthly review of access records (개인정보의 안전성 확보조치 기준: 접속기록 월 1회
이상 점검): what auditors look at, computed from the audit log for one month."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from doum.audit.models import AuditRecord

KST = timezone(timedelta(hours=9))
WORK_HOURS = (8, 20)
"""Access outside 08:00–20:00 KST, or on a weekend, is flagged for review."""
BULK_THRESHOLD = 200
"""More prompts/reads than this by one person in a month is flagged."""
SENSITIVE_ACTIONS = ("audit.export", "admin.", "token.", "document.download", "kb.")


@dataclass(slots=True)
class MonthlyReview:
    month: str
    total: int = 0
    by_action: dict[str, int] = field(default_factory=dict)
    by_outcome: dict[str, int] = field(default_factory=dict)
    failed_logins: list[dict[str, Any]] = field(default_factory=list)
    lockouts: int = 0
    after_hours: list[dict[str, Any]] = field(default_factory=list)
    bulk_users: list[dict[str, Any]] = field(default_factory=list)
    sensitive: list[dict[str, Any]] = field(default_factory=list)
    classes: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "month": self.month,
            "total": self.total,
            "by_action": self.by_action,
            "by_outcome": self.by_outcome,
            "failed_logins": self.failed_logins,
            "lockouts": self.lockouts,
            "after_hours": self.after_hours,
            "bulk_users": self.bulk_users,
            "sensitive": self.sensitive,
            "classes": self.classes,
        }


def month_bounds(month: str) -> tuple[datetime, datetime]:
    """``"2026-11"`` → the month's start and end, in KST, as UTC instants."""
    year, number = (int(part) for part in month.split("-"))
    start = datetime(year, number, 1, tzinfo=KST)
    following = date(year + number // 12, number % 12 + 1, 1)
    end = datetime(following.year, following.month, 1, tzinfo=KST)
    return start.astimezone(UTC), end.astimezone(UTC)


def monthly_review(session: Session, month: str) -> MonthlyReview:
    start, end = month_bounds(month)
    review = MonthlyReview(month=month)
    actions: Counter[str] = Counter()
    outcomes: Counter[str] = Counter()
    classes: Counter[str] = Counter()
    failures: Counter[tuple[str, str]] = Counter()
    activity: Counter[str] = Counter()
    after_hours: Counter[str] = Counter()
    query = (
        select(AuditRecord)
        .where(AuditRecord.occurred_at >= start, AuditRecord.occurred_at < end)
        .order_by(AuditRecord.seq)
        .execution_options(yield_per=2000)
    )
    for record in session.scalars(query):
        review.total += 1
        actions[record.action] += 1
        outcomes[record.outcome] += 1
        if record.data_class:
            classes[record.data_class] += 1
        if record.action == "auth.login_failed":
            failures[(record.actor, record.ip)] += 1
            if '"locked_now"' in record.details:
                review.lockouts += 1
        if record.actor and record.action.startswith(("chat.", "api.", "kb.", "document.")):
            activity[record.actor] += 1
        local = record.occurred_at.astimezone(KST)
        if record.actor and (
            local.weekday() >= 5 or not WORK_HOURS[0] <= local.hour < WORK_HOURS[1]
        ):
            after_hours[record.actor] += 1
        if record.action.startswith(SENSITIVE_ACTIONS) and len(review.sensitive) < 500:
            review.sensitive.append(
                {
                    "seq": record.seq,
                    "occurred_at": record.occurred_at.isoformat(timespec="seconds"),
                    "actor": record.actor,
                    "action": record.action,
                    "target": f"{record.target_type}:{record.target_id}"
                    if record.target_type
                    else "",
                    "outcome": record.outcome,
                }
            )
    review.by_action = dict(actions.most_common())
    review.by_outcome = dict(outcomes.most_common())
    review.classes = dict(classes.most_common())
    review.failed_logins = [
        {"username": user, "ip": ip, "count": n} for (user, ip), n in failures.most_common(50)
    ]
    review.after_hours = [{"actor": a, "count": n} for a, n in after_hours.most_common(50)]
    review.bulk_users = [
        {"actor": a, "count": n} for a, n in activity.most_common() if n > BULK_THRESHOLD
    ]
    return review
