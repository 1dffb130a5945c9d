"""Knowledge pages (지식베이스, 검색, 문서 보기) and the search / document-read JSON API.

The document page is rendered on the server, so a citation's link
(``/knowledge/documents/<id>#chunk-<chunk id>``) scrolls to the cited passage natively.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from doum.knowledge.reading import audited_search, document_file, read_document, search_filters
from doum.knowledge.runtime import retrieval_backend
from doum.retrieval.search import SearchHit, SearchResult
from doum.web.deps import CallerDep, OptionalCallerDep, RuntimeDep
from doum.web.schemas_knowledge import ModeField, SearchIn, SearchOut
from doum.web.templating import render

router = APIRouter(tags=["knowledge"])


# --- pages ---------------------------------------------------------------------------------


def _login(path: str) -> Response:
    return RedirectResponse(f"/login?next={path}", status_code=303)


@router.get("/knowledge", include_in_schema=False)
async def knowledge_page(request: Request, caller: OptionalCallerDep) -> Response:
    if caller is None:
        return _login("/knowledge")
    return render(request, "knowledge.html", {"selected": request.query_params.get("kb", "")})


@router.get("/knowledge/search", include_in_schema=False)
async def search_page(request: Request, caller: OptionalCallerDep) -> Response:
    if caller is None:
        return _login("/knowledge/search")
    return render(request, "knowledge_search.html")


@router.get("/knowledge/documents/{document_id}", include_in_schema=False)
async def document_page(
    request: Request, document_id: str, caller: OptionalCallerDep, runtime: RuntimeDep
) -> Response:
    if caller is None:
        return _login(f"/knowledge/documents/{document_id}")

    def run() -> Any:
        with runtime.database.session() as session:
            return read_document(
                session, caller.principal, caller.auditing(runtime), document_id=document_id
            )

    view = await run_in_threadpool(run)
    return render(request, "knowledge_document.html", {"doc": view})


# --- search --------------------------------------------------------------------------------


def hit_public(hit: SearchHit) -> dict[str, Any]:
    citation = asdict(hit.citation)
    citation["highlights"] = [list(h) for h in hit.citation.highlights]
    citation["anchor"] = hit.citation.anchor
    return {
        "rank": hit.rank,
        "chunk_id": hit.chunk_id,
        "score": round(hit.score, 6),
        "heading": hit.heading,
        "text": hit.text,
        "data_class": hit.data_class,
        "lexical_rank": hit.lexical_rank,
        "dense_rank": hit.dense_rank,
        "citation": citation,
        "url": f"/knowledge/documents/{hit.citation.document_id}#{hit.citation.anchor}",
    }


def _out(result: SearchResult) -> SearchOut:
    return SearchOut(
        query=result.query,
        mode=result.mode,
        data_class=result.data_class,
        notice=result.notice,
        hits=[hit_public(h) for h in result.hits],
        timings_ms={k: round(v, 2) for k, v in result.timings_ms.items()},
    )


async def _search(runtime: RuntimeDep, caller: CallerDep, body: SearchIn) -> SearchOut:
    filters = search_filters(
        laws=body.laws, effective_from=body.effective_from, effective_to=body.effective_to
    )

    def run() -> SearchResult:
        return audited_search(
            runtime.database,
            retrieval_backend(runtime),
            caller.principal,
            caller.auditing(runtime),
            query=body.query,
            kb_ids=body.kb_ids or None,
            filters=filters,
            mode=body.mode,
            k=body.k,
        )

    return _out(await run_in_threadpool(run))


@router.post("/api/knowledge/search")
async def search(body: SearchIn, caller: CallerDep, runtime: RuntimeDep) -> SearchOut:
    """Hybrid / lexical / dense search over the knowledge bases the caller may read."""
    return await _search(runtime, caller, body)


@router.get("/api/knowledge/search")
async def search_get(
    caller: CallerDep,
    runtime: RuntimeDep,
    q: str = Query(min_length=1, max_length=1000),
    mode: ModeField = "hybrid",
    kb: list[str] = Query(default=[]),
    law: list[str] = Query(default=[]),
    effective_from: str = "",
    effective_to: str = "",
    k: int = Query(default=10, ge=1, le=50),
) -> SearchOut:
    """The same search with query parameters (``?q=…&kb=…&law=…``)."""
    body = SearchIn(
        query=q,
        mode=mode,
        kb_ids=kb or None,
        laws=law,
        effective_from=effective_from[:10],
        effective_to=effective_to[:10],
        k=k,
    )
    return await _search(runtime, caller, body)


# --- documents -----------------------------------------------------------------------------


@router.get("/api/kb/documents/{document_id}")
async def document_json(document_id: str, caller: CallerDep, runtime: RuntimeDep) -> dict[str, Any]:
    """A readable document with its passages and their anchors (audited as a read)."""

    def run() -> dict[str, Any]:
        with runtime.database.session() as session:
            view = read_document(
                session, caller.principal, caller.auditing(runtime), document_id=document_id
            )
            return asdict(view)

    return await run_in_threadpool(run)


@router.get("/api/kb/documents/{document_id}/file")
async def document_download(document_id: str, caller: CallerDep, runtime: RuntimeDep) -> Response:
    """The original file (audited as a download)."""

    def run() -> tuple[Any, str]:
        with runtime.database.session() as session:
            return document_file(
                session, caller.principal, caller.auditing(runtime), document_id=document_id
            )

    path, filename = await run_in_threadpool(run)
    return FileResponse(path, filename=filename, media_type="application/octet-stream")
