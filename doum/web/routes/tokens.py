"""The caller's own API tokens."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool

from doum.accounts import api_tokens
from doum.accounts.models import ApiToken
from doum.accounts.service import get_user
from doum.web.deps import CallerDep, RuntimeDep
from doum.web.schemas import TokenCreate, TokenPublic

router = APIRouter(prefix="/api/tokens", tags=["tokens"])


def _public(token: ApiToken) -> TokenPublic:
    return TokenPublic(
        id=token.id,
        name=token.name,
        prefix=token.prefix,
        created_at=token.created_at.isoformat(timespec="seconds"),
        last_used_at=token.last_used_at.isoformat(timespec="seconds")
        if token.last_used_at
        else None,
        expires_at=token.expires_at.isoformat(timespec="seconds") if token.expires_at else None,
        revoked=token.revoked_at is not None,
    )


@router.get("")
async def list_tokens(caller: CallerDep, runtime: RuntimeDep) -> dict[str, list[TokenPublic]]:
    def run() -> list[TokenPublic]:
        with runtime.database.reader() as session:
            return [
                _public(t)
                for t in api_tokens.list_tokens(session, user_id=caller.principal.user_id)
            ]

    return {"tokens": await run_in_threadpool(run)}


@router.post("", status_code=201)
async def create_token(
    body: TokenCreate, caller: CallerDep, runtime: RuntimeDep
) -> dict[str, object]:
    def run() -> dict[str, object]:
        with runtime.database.session() as session:
            user = get_user(session, caller.principal.user_id)
            issued = api_tokens.issue_token(
                session,
                auditing=caller.auditing(runtime),
                user=user,
                name=body.name,
                expires_days=body.expires_days,
            )
            return {"token": issued.plaintext, "info": _public(issued.token)}

    return await run_in_threadpool(run)


@router.delete("/{token_id}")
async def revoke_token(token_id: int, caller: CallerDep, runtime: RuntimeDep) -> dict[str, bool]:
    def run() -> None:
        with runtime.database.session() as session:
            api_tokens.revoke_token(
                session,
                auditing=caller.auditing(runtime),
                token_id=token_id,
                owner_id=caller.principal.user_id,
            )

    await run_in_threadpool(run)
    runtime.token_cache.clear()
    return {"ok": True}
