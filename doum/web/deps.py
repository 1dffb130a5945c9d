"""Typed dependencies for routes: the runtime, who is asking, and role checks."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from starlette.concurrency import run_in_threadpool

from doum.accounts.api_tokens import TokenOwner, authenticate_token, touch_token
from doum.accounts.auth import resolve_session
from doum.accounts.principal import Principal
from doum.accounts.roles import Role
from doum.accounts.service import Auditing, principal_for
from doum.accounts.tokens import same
from doum.audit.log import AuditContext
from doum.errors import PermissionDenied, Unauthenticated
from doum.runtime import Runtime

SESSION_COOKIE = "doum_session"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}

_background: set[asyncio.Task[None]] = set()


def get_runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


async def _runtime_dependency(request: Request) -> Runtime:
    # Async on purpose: FastAPI runs a plain ``def`` dependency in a worker thread, a
    # thread hop (and a GIL handoff) on every request for an attribute read.
    return get_runtime(request)


RuntimeDep = Annotated[Runtime, Depends(_runtime_dependency)]


def client_ip(request: Request) -> str:
    runtime = get_runtime(request)
    peer = request.client.host if request.client else ""
    forwarded = request.headers.get("x-forwarded-for", "")
    if forwarded and peer in runtime.settings.server.trusted_proxies:
        return forwarded.split(",")[0].strip()
    return peer


@dataclass(frozen=True, slots=True)
class Caller:
    """The authenticated caller of a request."""

    principal: Principal
    ip: str
    via: str
    """``session`` (browser cookie) or ``token`` (API token)."""
    token_id: int | None = None
    token_name: str = ""

    @property
    def context(self) -> AuditContext:
        return AuditContext.of(self.principal, self.ip)

    def auditing(self, runtime: Runtime) -> Auditing:
        return Auditing(runtime.audit, self.context)


def _from_token(runtime: Runtime, plaintext: str) -> TokenOwner | None:
    with runtime.database.reader() as session:
        return authenticate_token(session, plaintext=plaintext)


def _touch_token(runtime: Runtime, token_id: int) -> None:
    with runtime.database.session() as session:
        touch_token(session, token_id=token_id)


def _from_session(runtime: Runtime, cookie: str) -> tuple[Principal, str] | None:
    with runtime.database.session() as session:
        active = resolve_session(session, token=cookie, security=runtime.settings.security)
        if active is None:
            return None
        return principal_for(session, active.user), active.csrf_token


async def _csrf_from(request: Request) -> str:
    header = request.headers.get("x-csrf-token", "")
    if header:
        return header
    content_type = request.headers.get("content-type", "")
    if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()
        value = form.get("csrf_token")
        return value if isinstance(value, str) else ""
    return ""


async def authenticate(request: Request) -> Caller | None:
    """Resolve the caller from a Bearer token or the session cookie (checking CSRF for
    cookie-authenticated unsafe requests). ``None`` if not logged in."""
    cached: Caller | None = getattr(request.state, "caller", None)
    if cached is not None:
        return cached
    runtime = get_runtime(request)
    ip = client_ip(request)
    authorization = request.headers.get("authorization", "")
    caller: Caller | None = None
    if authorization.lower().startswith("bearer "):
        plaintext = authorization[7:].strip()
        found = await runtime.token_cache.resolve(
            plaintext, lambda: run_in_threadpool(_from_token, runtime, plaintext)
        )
        if found is None:
            raise Unauthenticated("auth.invalid_token")
        principal, token_id, token_name = found.principal, found.token_id, found.token_name
        if found.stale:
            # Off the request path: the caller does not wait for this write.
            task = asyncio.create_task(run_in_threadpool(_touch_token, runtime, token_id))
            _background.add(task)
            task.add_done_callback(_background.discard)
        caller = Caller(principal, ip, "token", token_id, token_name)
    else:
        cookie = request.cookies.get(SESSION_COOKIE, "")
        if cookie:
            resolved = await run_in_threadpool(_from_session, runtime, cookie)
            if resolved is None:
                raise Unauthenticated("auth.session_expired")
            principal, csrf = resolved
            request.state.csrf_token = csrf
            if request.method not in SAFE_METHODS and not same(await _csrf_from(request), csrf):
                raise PermissionDenied("auth.csrf_failed")
            caller = Caller(principal, ip, "session")
    if caller is not None:
        request.state.caller = caller
        request.state.principal = caller.principal
    return caller


async def current_caller(request: Request) -> Caller:
    caller = await authenticate(request)
    if caller is None:
        raise Unauthenticated()
    return caller


async def optional_caller(request: Request) -> Caller | None:
    try:
        return await authenticate(request)
    except Unauthenticated:
        return None


CallerDep = Annotated[Caller, Depends(current_caller)]
OptionalCallerDep = Annotated[Caller | None, Depends(optional_caller)]


def require_roles(*roles: Role):  # type: ignore[no-untyped-def]
    async def check(caller: CallerDep) -> Caller:
        if not caller.principal.has_role(*roles):
            raise PermissionDenied()
        return caller

    return Depends(check)


AdminDep = Annotated[Caller, require_roles(Role.ADMIN)]
AuditorDep = Annotated[Caller, require_roles(Role.AUDITOR, Role.ADMIN)]
ManagerDep = Annotated[Caller, require_roles(Role.DEPARTMENT_MANAGER, Role.ADMIN)]
