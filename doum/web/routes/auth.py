"""Login, logout, the first-administrator setup and the caller's own account."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from doum.accounts.auth import LoginResult, login, logout
from doum.accounts.errors import AccountError
from doum.accounts.passwords import verify_password
from doum.accounts.service import Auditing, get_user, set_password
from doum.accounts.setup import check_setup_token, create_first_admin, needs_setup
from doum.accounts.tokens import new_token, same, token_digest
from doum.audit.log import AuditContext
from doum.errors import DoumError, TooManyRequests
from doum.runtime import Runtime
from doum.web.deps import SESSION_COOKIE, CallerDep, RuntimeDep, client_ip, get_runtime
from doum.web.schemas import LoginIn, PasswordChangeIn, SetupIn
from doum.web.templating import render

router = APIRouter()

PRELOGIN_COOKIE = "doum_prelogin"


def _secure(runtime: Runtime) -> bool:
    security = runtime.settings.security
    if security.https is not None:
        return security.https
    return runtime.settings.server.public_url.startswith("https://")


def _set_session_cookie(response: Response, runtime: Runtime, result: LoginResult) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        result.session_token,
        max_age=runtime.settings.security.session_hours * 3600,
        httponly=True,
        samesite="lax",
        secure=_secure(runtime),
        path="/",
    )


def _rate_limit(request: Request, runtime: Runtime) -> None:
    limiter = request.app.state.rate_limiter
    wait = limiter.hit(
        f"login:{client_ip(request)}",
        limit=runtime.settings.security.login_rate_per_minute,
        window_seconds=60,
    )
    if wait:
        raise TooManyRequests("rate.limited", seconds=wait)


async def _login(request: Request, runtime: Runtime, username: str, password: str) -> LoginResult:
    _rate_limit(request, runtime)
    return await run_in_threadpool(
        lambda: login(
            runtime.database,
            audit=runtime.audit,
            security=runtime.settings.security,
            username=username,
            password=password,
            ip=client_ip(request),
            user_agent=request.headers.get("user-agent", ""),
        )
    )


def _safe_next(target: str) -> str:
    return target if target.startswith("/") and not target.startswith("//") else "/"


@router.get("/login", include_in_schema=False)
async def login_page(request: Request, next: str = "/") -> Response:
    runtime = get_runtime(request)
    if request.app.state.setup_token and await run_in_threadpool(_needs_setup, runtime):
        return RedirectResponse("/setup", status_code=303)
    token = new_token()
    response = render(request, "login.html", {"next": _safe_next(next), "prelogin": token})
    response.set_cookie(
        PRELOGIN_COOKIE,
        token,
        httponly=True,
        samesite="strict",
        secure=_secure(runtime),
        max_age=3600,
    )
    return response


@router.post("/login", include_in_schema=False)
async def login_form(
    request: Request,
    runtime: RuntimeDep,
    username: Annotated[str, Form(max_length=64)] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
    csrf_token: Annotated[str, Form(max_length=200)] = "",
    next: Annotated[str, Form(max_length=500)] = "/",
) -> Response:
    cookie = request.cookies.get(PRELOGIN_COOKIE, "")
    if not cookie or not same(cookie, csrf_token):
        return _login_error(request, runtime, "auth.csrf_failed", username, next, 403)
    try:
        result = await _login(request, runtime, username, password)
    except DoumError as error:
        return _login_error(
            request, runtime, error.code, username, next, error.http_status, error.message
        )
    response = RedirectResponse(_safe_next(next), status_code=303)
    _set_session_cookie(response, runtime, result)
    response.delete_cookie(PRELOGIN_COOKIE)
    return response


def _login_error(
    request: Request,
    runtime: Runtime,
    code: str,
    username: str,
    next: str,
    status: int,
    message: str | None = None,
) -> Response:
    from doum.messages import message_for

    token = new_token()
    response = render(
        request,
        "login.html",
        {
            "next": _safe_next(next),
            "prelogin": token,
            "username": username,
            "error": message or message_for(code),
            "error_code": code,
        },
        status_code=status,
    )
    response.set_cookie(
        PRELOGIN_COOKIE,
        token,
        httponly=True,
        samesite="strict",
        secure=_secure(runtime),
        max_age=3600,
    )
    return response


@router.post("/api/auth/login", tags=["auth"])
async def api_login(body: LoginIn, request: Request, runtime: RuntimeDep) -> Response:
    result = await _login(request, runtime, body.username, body.password)
    response = JSONResponse({"user": result.username, "csrf_token": result.csrf_token})
    _set_session_cookie(response, runtime, result)
    return response


@router.post("/logout", include_in_schema=False)
@router.post("/api/auth/logout", tags=["auth"])
async def do_logout(request: Request, caller: CallerDep, runtime: RuntimeDep) -> Response:
    cookie = request.cookies.get(SESSION_COOKIE, "")

    def run() -> None:
        with runtime.database.session() as session:
            logout(
                session,
                audit=runtime.audit,
                token_hash=token_digest(cookie),
                context=caller.context,
            )

    await run_in_threadpool(run)
    if request.url.path.startswith("/api/"):
        response: Response = JSONResponse({"ok": True})
    else:
        response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/api/me", tags=["auth"])
async def me(caller: CallerDep) -> dict[str, object]:
    p = caller.principal
    return {
        "id": p.user_id,
        "username": p.username,
        "display_name": p.display_name,
        "department_id": p.department_id,
        "roles": sorted(p.roles),
        "via": caller.via,
    }


@router.post("/api/me/password", tags=["auth"])
async def change_password(
    body: PasswordChangeIn, caller: CallerDep, runtime: RuntimeDep
) -> dict[str, bool]:
    def run() -> None:
        with runtime.database.session() as session:
            user = get_user(session, caller.principal.user_id)
            if not verify_password(user.password_hash, body.current_password):
                raise AccountError("account.password_mismatch")
            set_password(
                session,
                auditing=caller.auditing(runtime),
                user=user,
                password=body.new_password,
                min_length=runtime.settings.security.password_min_length,
                action="account.password_change",
            )

    await run_in_threadpool(run)
    return {"ok": True}


# --- first administrator -------------------------------------------------------------


def _needs_setup(runtime: Runtime) -> bool:
    with runtime.database.reader() as session:
        return needs_setup(session)


@router.get("/setup", include_in_schema=False)
async def setup_page(request: Request, runtime: RuntimeDep, token: str = "") -> Response:
    if not await run_in_threadpool(_needs_setup, runtime):
        return RedirectResponse("/login", status_code=303)
    return render(request, "setup.html", {"token": token})


def _do_setup(runtime: Runtime, body: SetupIn, ip: str) -> None:
    with runtime.database.session() as session:
        if not needs_setup(session):
            raise AccountError("auth.setup_done")
        if not check_setup_token(session, body.token):
            raise AccountError("auth.setup_token_invalid")
        create_first_admin(
            session,
            auditing=Auditing(runtime.audit, AuditContext(actor="setup", ip=ip)),
            username=body.username,
            password=body.password,
            display_name=body.display_name,
            password_min_length=runtime.settings.security.password_min_length,
        )


@router.post("/setup", include_in_schema=False)
async def setup_form(
    request: Request,
    runtime: RuntimeDep,
    token: Annotated[str, Form(max_length=200)] = "",
    username: Annotated[str, Form(max_length=64)] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
    password_confirm: Annotated[str, Form(max_length=1024)] = "",
    display_name: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    try:
        if password != password_confirm:
            raise AccountError("input.invalid", detail="비밀번호 확인이 일치하지 않습니다.")
        body = SetupIn(
            token=token or "-",
            username=username or "-",
            password=password or "-",
            display_name=display_name,
        )
        await run_in_threadpool(_do_setup, runtime, body, client_ip(request))
    except DoumError as error:
        return render(
            request,
            "setup.html",
            {
                "token": token,
                "username": username,
                "display_name": display_name,
                "error": error.message,
                "error_code": error.code,
            },
            status_code=error.http_status,
        )
    request.app.state.setup_token = None
    return RedirectResponse("/login?setup=done", status_code=303)


@router.post("/api/setup", tags=["auth"])
async def api_setup(body: SetupIn, request: Request, runtime: RuntimeDep) -> dict[str, bool]:
    await run_in_threadpool(_do_setup, runtime, body, client_ip(request))
    request.app.state.setup_token = None
    return {"ok": True}
