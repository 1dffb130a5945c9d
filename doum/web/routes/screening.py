"""``POST /api/privacy/scan``: screen a text for personal data, abusive language and
prompt injection (for the citizen channel and other systems)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from doum.privacy.filters.profanity import ProfanityFilter
from doum.privacy.scan import scan_text
from doum.web.deps import CallerDep, RuntimeDep

router = APIRouter(prefix="/api/privacy", tags=["privacy"])


class ScanIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: str = Field(min_length=1, max_length=200_000)
    include_values: bool = False
    """Echo the detected values (off by default: callers usually need positions only)."""


@lru_cache(maxsize=1)
def _profanity() -> ProfanityFilter:
    return ProfanityFilter()


@router.post("/scan")
async def scan(body: ScanIn, caller: CallerDep, runtime: RuntimeDep) -> dict[str, Any]:
    result = await run_in_threadpool(
        lambda: scan_text(
            body.text,
            detector=runtime.privacy.detector,
            profanity=_profanity(),
            include_values=body.include_values,
        )
    )
    await runtime.audit_writer.record(
        context=caller.context,
        action="privacy.scan",
        details={"chars": len(body.text), **result.counts(), "abusive": result.abusive},
    )
    return {
        "pii": result.pii,
        "profanity": result.profanity,
        "injection": result.injection,
        "abusive": result.abusive,
    }
