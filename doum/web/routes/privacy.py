"""The administrator's data-class routing and masking policy."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool

from doum.privacy.admin import policy_view, save_policy
from doum.web.deps import AdminDep, RuntimeDep

router = APIRouter(prefix="/api/admin/privacy-policy", tags=["admin"])


@router.get("")
async def get_policy(caller: AdminDep, runtime: RuntimeDep) -> dict[str, Any]:
    policy = await run_in_threadpool(runtime.privacy.policy)
    return policy_view(policy, runtime.gateway.catalog())


@router.put("")
async def put_policy(body: dict[str, Any], caller: AdminDep, runtime: RuntimeDep) -> dict[str, Any]:
    def run() -> dict[str, Any]:
        with runtime.database.session() as session:
            policy = save_policy(
                session,
                auditing=caller.auditing(runtime),
                data=body,
                models=runtime.gateway.catalog(),
            )
        runtime.privacy.policy.invalidate()
        return policy_view(policy, runtime.gateway.catalog())

    return await run_in_threadpool(run)
