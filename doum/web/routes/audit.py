"""The audit log for auditors: browse, verify, export CSV. Reading it is audited too."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime

from fastapi import APIRouter
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool

from doum.audit.query import AuditFilter, details_of, iter_csv, list_records
from doum.audit.report import KST, monthly_review
from doum.audit.verify import verify_chain
from doum.errors import InvalidInput
from doum.web.deps import AuditorDep, Caller, RuntimeDep

router = APIRouter(prefix="/api/audit", tags=["audit"])


def _date(value: str, field: str) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise InvalidInput(
            "input.invalid", detail=f"{field}: 날짜 형식(YYYY-MM-DD)이 아닙니다."
        ) from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _filters(actor: str, action: str, outcome: str, since: str, until: str, q: str) -> AuditFilter:
    return AuditFilter(
        actor=actor[:64],
        action=action[:64],
        outcome=outcome[:16],
        since=_date(since, "since"),
        until=_date(until, "until"),
        text=q[:200],
    )


def _audit_read(
    runtime: RuntimeDep, caller: Caller, action: str, details: dict[str, object]
) -> None:
    with runtime.database.session() as session:
        runtime.audit.record(session, context=caller.context, action=action, details=details)


@router.get("")
async def list_audit(
    caller: AuditorDep,
    runtime: RuntimeDep,
    actor: str = "",
    action: str = "",
    outcome: str = "",
    since: str = "",
    until: str = "",
    q: str = "",
    before: int | None = None,
    limit: int = 100,
) -> dict[str, object]:
    filters = _filters(actor, action, outcome, since, until, q)

    def run() -> list[dict[str, object]]:
        with runtime.database.reader() as session:
            rows = list_records(
                session, filters=filters, before_seq=before, limit=max(1, min(limit, 500))
            )
            return [
                {
                    "seq": r.seq,
                    "occurred_at": r.occurred_at.isoformat(timespec="seconds"),
                    "actor": r.actor,
                    "action": r.action,
                    "target_type": r.target_type,
                    "target_id": r.target_id,
                    "outcome": r.outcome,
                    "ip": r.ip,
                    "data_class": r.data_class,
                    "details": details_of(r),
                    "hash": r.hash,
                }
                for r in rows
            ]

    records = await run_in_threadpool(run)
    if before is None:
        await run_in_threadpool(
            _audit_read,
            runtime,
            caller,
            "audit.view",
            {
                "actor": actor,
                "action": action,
                "outcome": outcome,
                "since": since,
                "until": until,
                "q": q,
            },
        )
    return {"records": records}


@router.get("/verify")
async def verify(caller: AuditorDep, runtime: RuntimeDep) -> dict[str, object]:
    def run() -> dict[str, object]:
        with runtime.database.reader() as session:
            report = verify_chain(session, runtime.audit_key)
        return {
            "ok": report.ok,
            "checked": report.checked,
            "first_seq": report.first_seq,
            "last_seq": report.last_seq,
            "problems": [
                {"seq": p.seq, "kind": p.kind, "detail": p.detail, "description": p.describe()}
                for p in report.problems
            ],
        }

    result = await run_in_threadpool(run)
    await run_in_threadpool(
        _audit_read,
        runtime,
        caller,
        "audit.verify",
        {"ok": result["ok"], "checked": result["checked"]},
    )
    return result


@router.get("/report")
async def report(caller: AuditorDep, runtime: RuntimeDep, month: str = "") -> dict[str, object]:
    """The monthly review of access records (default: the current month, KST)."""
    month = month or datetime.now(KST).strftime("%Y-%m")
    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", month):
        raise InvalidInput("input.invalid", detail="month: YYYY-MM 형식이어야 합니다.")

    def run() -> dict[str, object]:
        with runtime.database.reader() as session:
            return monthly_review(session, month).to_dict()

    result = await run_in_threadpool(run)
    await run_in_threadpool(_audit_read, runtime, caller, "audit.report", {"month": month})
    return result


@router.get("/export.csv")
async def export_csv(
    caller: AuditorDep,
    runtime: RuntimeDep,
    actor: str = "",
    action: str = "",
    outcome: str = "",
    since: str = "",
    until: str = "",
    q: str = "",
) -> StreamingResponse:
    filters = _filters(actor, action, outcome, since, until, q)
    await run_in_threadpool(
        _audit_read,
        runtime,
        caller,
        "audit.export",
        {
            "actor": actor,
            "action": action,
            "outcome": outcome,
            "since": since,
            "until": until,
            "q": q,
        },
    )

    def rows() -> Iterator[str]:
        with runtime.database.reader() as session:
            yield from iter_csv(session, filters=filters)

    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    return StreamingResponse(
        rows(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="doum-audit-{stamp}.csv"'},
    )
