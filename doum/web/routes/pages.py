"""HTML pages. Each page is a Korean template; data comes from the JSON API."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from doum.accounts.roles import ROLE_LABELS
from doum.web.deps import AdminDep, AuditorDep, OptionalCallerDep, RuntimeDep
from doum.web.templating import render

router = APIRouter(include_in_schema=False)


@router.get("/")
async def chat_page(request: Request, caller: OptionalCallerDep, runtime: RuntimeDep) -> Response:
    if caller is None:
        return RedirectResponse("/login", status_code=303)
    return render(request, "chat.html", {"default_class": runtime.settings.privacy.default_class})


@router.get("/c/{conversation_id}")
async def conversation_page(
    request: Request, conversation_id: str, caller: OptionalCallerDep, runtime: RuntimeDep
) -> Response:
    if caller is None:
        return RedirectResponse(f"/login?next=/c/{conversation_id}", status_code=303)
    return render(
        request,
        "chat.html",
        {
            "conversation_id": conversation_id,
            "default_class": runtime.settings.privacy.default_class,
        },
    )


@router.get("/admin")
async def admin_page(request: Request, caller: AdminDep) -> Response:
    roles = [(role.value, label) for role, label in ROLE_LABELS.items()]
    return render(request, "admin.html", {"roles": roles})


@router.get("/audit")
async def audit_page(request: Request, caller: AuditorDep) -> Response:
    return render(request, "audit.html")


@router.get("/settings")
async def settings_page(request: Request, caller: OptionalCallerDep) -> Response:
    if caller is None:
        return RedirectResponse("/login?next=/settings", status_code=303)
    return render(request, "settings.html")


@router.get("/healthz")
async def health(runtime: RuntimeDep) -> dict[str, str]:
    return {"status": "ok"}
