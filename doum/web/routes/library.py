"""The shared prompt / use-case library (활용 사례): page and JSON API."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from doum.drafting import library
from doum.drafting.models import LIBRARY_CATEGORIES
from doum.web.deps import CallerDep, OptionalCallerDep, RuntimeDep
from doum.web.schemas_drafting import LibraryUpdate, LibraryWrite, LikeWrite
from doum.web.templating import render

router = APIRouter(tags=["library"])


@router.get("/library", include_in_schema=False)
async def library_page(request: Request, caller: OptionalCallerDep) -> Response:
    if caller is None:
        return RedirectResponse("/login?next=/library", status_code=303)
    return render(
        request,
        "library.html",
        {
            "categories": LIBRARY_CATEGORIES,
            "visibility": library.VISIBILITY_LABELS,
            "kinds": library.KIND_LABELS,
        },
    )


@router.get("/api/library")
async def search(
    caller: CallerDep,
    runtime: RuntimeDep,
    q: str = "",
    category: str = "",
    kind: str = "",
    mine: bool = False,
    order: str = "popular",
    limit: int = 0,
    offset: int = 0,
) -> dict[str, Any]:
    size = limit or runtime.settings.drafting.library_page_size

    def run() -> list[dict[str, Any]]:
        with runtime.database.reader() as session:
            return [
                v.to_dict()
                for v in library.search_library(
                    session,
                    caller.principal,
                    query=q[:200],
                    category=category,
                    kind=kind,
                    mine=mine,
                    order=order,
                    limit=max(1, min(size, 500)),
                    offset=max(0, offset),
                )
            ]

    return {"items": await run_in_threadpool(run), "categories": list(LIBRARY_CATEGORIES)}


@router.post("/api/library", status_code=201)
async def share(body: LibraryWrite, caller: CallerDep, runtime: RuntimeDep) -> dict[str, Any]:
    def run() -> dict[str, Any]:
        with runtime.database.session() as session:
            return library.share(
                session,
                caller.principal,
                caller.auditing(runtime),
                data=body.model_dump(exclude={"template_id"}),
                template_id=body.template_id,
            ).to_dict()

    return await run_in_threadpool(run)


@router.get("/api/library/{item_id}")
async def get_item(item_id: str, caller: CallerDep, runtime: RuntimeDep) -> dict[str, Any]:
    def run() -> dict[str, Any]:
        with runtime.database.reader() as session:
            return library.get_item(session, caller.principal, item_id).to_dict()

    return await run_in_threadpool(run)


@router.patch("/api/library/{item_id}")
async def update_item(
    item_id: str, body: LibraryUpdate, caller: CallerDep, runtime: RuntimeDep
) -> dict[str, Any]:
    def run() -> dict[str, Any]:
        with runtime.database.session() as session:
            return library.update_item(
                session,
                caller.principal,
                caller.auditing(runtime),
                item_id=item_id,
                data=body.model_dump(exclude_unset=True, exclude_none=True),
            ).to_dict()

    return await run_in_threadpool(run)


@router.delete("/api/library/{item_id}")
async def delete_item(item_id: str, caller: CallerDep, runtime: RuntimeDep) -> dict[str, bool]:
    def run() -> None:
        with runtime.database.session() as session:
            library.delete_item(
                session, caller.principal, caller.auditing(runtime), item_id=item_id
            )

    await run_in_threadpool(run)
    return {"ok": True}


@router.post("/api/library/{item_id}/like")
async def like(
    item_id: str, body: LikeWrite, caller: CallerDep, runtime: RuntimeDep
) -> dict[str, Any]:
    def run() -> dict[str, Any]:
        with runtime.database.session() as session:
            return library.set_like(
                session,
                caller.principal,
                caller.auditing(runtime),
                item_id=item_id,
                liked=body.liked,
            ).to_dict()

    return await run_in_threadpool(run)


@router.post("/api/library/{item_id}/copy", status_code=201)
async def copy(item_id: str, caller: CallerDep, runtime: RuntimeDep) -> dict[str, Any]:
    def run() -> dict[str, Any]:
        with runtime.database.session() as session:
            return library.copy_item(
                session, caller.principal, caller.auditing(runtime), item_id=item_id
            )

    return await run_in_threadpool(run)
