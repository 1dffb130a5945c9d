"""The drafting studio: pages, templates, project facts, drafts, generation (SSE),
editing tools (SSE or JSON), suggestions and export."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response, StreamingResponse
from starlette.concurrency import run_in_threadpool

from doum.drafting import attachments as attach
from doum.drafting import drafts, tools, views
from doum.drafting.checks import check_draft
from doum.drafting.export import export_draft
from doum.drafting.generate import DraftGeneration
from doum.drafting.generate import event_dict as draft_event
from doum.drafting.spec import DOC_TYPES
from doum.web.deps import CallerDep, OptionalCallerDep, RuntimeDep
from doum.web.routes.drafting_common import in_reader, in_session
from doum.web.schemas_drafting import (
    DraftCreate,
    DraftGenerate,
    DraftUpdate,
    SuggestionApply,
    ToolRequest,
)
from doum.web.sse import SSE_HEADERS, sse
from doum.web.templating import render

router = APIRouter(tags=["drafting"])


@router.get("/drafts", include_in_schema=False)
async def drafts_page(request: Request, caller: OptionalCallerDep) -> Response:
    if caller is None:
        return RedirectResponse("/login?next=/drafts", status_code=303)
    return render(request, "drafts.html", {"doc_types": DOC_TYPES})


@router.get("/drafts/new", include_in_schema=False)
async def new_draft_page(
    request: Request, caller: OptionalCallerDep, template: str = ""
) -> Response:
    if caller is None:
        return RedirectResponse("/login?next=/drafts", status_code=303)
    return render(request, "draft_edit.html", {"draft_id": "", "template_id": template})


@router.get("/drafts/{draft_id}", include_in_schema=False)
async def draft_page(request: Request, draft_id: str, caller: OptionalCallerDep) -> Response:
    if caller is None:
        return RedirectResponse(f"/login?next=/drafts/{draft_id}", status_code=303)
    return render(request, "draft_edit.html", {"draft_id": draft_id, "template_id": ""})


# --- templates -------------------------------------------------------------------------


@router.get("/api/drafts")
async def list_drafts(
    caller: CallerDep, runtime: RuntimeDep, q: str = "", limit: int = 100, offset: int = 0
) -> dict[str, Any]:
    rows = await in_reader(
        runtime,
        lambda s: [
            views.draft_summary(d)
            for d in drafts.list_drafts(
                s,
                caller.principal,
                query=q[:200],
                limit=max(1, min(limit, 500)),
                offset=max(0, offset),
            )
        ],
    )
    return {"drafts": rows}


@router.post("/api/drafts", status_code=201)
async def create_draft(body: DraftCreate, caller: CallerDep, runtime: RuntimeDep) -> dict[str, Any]:
    def run(session: Any) -> dict[str, Any]:
        draft = drafts.create_draft(
            session,
            caller.principal,
            caller.auditing(runtime),
            template_id=body.template_id,
            title=body.title,
            fields=body.fields,
            fact_set_id=body.fact_set_id,
            data_class=body.data_class,
            model=body.model,
            knowledge_base_ids=body.knowledge_base_ids,
            content=body.content,
            max_content_chars=runtime.settings.drafting.max_content_chars,
        )
        return views.draft_dict(session, caller.principal, draft)

    return await in_session(runtime, run)


@router.get("/api/drafts/{draft_id}")
async def get_draft(draft_id: str, caller: CallerDep, runtime: RuntimeDep) -> dict[str, Any]:
    return await in_reader(
        runtime,
        lambda s: views.draft_dict(
            s, caller.principal, drafts.get_draft(s, caller.principal, draft_id)
        ),
    )


@router.patch("/api/drafts/{draft_id}")
async def update_draft(
    draft_id: str, body: DraftUpdate, caller: CallerDep, runtime: RuntimeDep
) -> dict[str, Any]:
    def run(session: Any) -> dict[str, Any]:
        draft = drafts.update_draft(
            session,
            caller.principal,
            caller.auditing(runtime),
            draft_id=draft_id,
            changes=body.model_dump(exclude_unset=True),
            max_content_chars=runtime.settings.drafting.max_content_chars,
        )
        if body.content is not None or body.fields is not None:
            spec = drafts.template_of(session, caller.principal, draft)
            draft.checks = check_draft(spec, draft.content, draft.fields or {}, draft.sources or [])
        return views.draft_dict(session, caller.principal, draft)

    return await in_session(runtime, run)


@router.delete("/api/drafts/{draft_id}")
async def delete_draft(draft_id: str, caller: CallerDep, runtime: RuntimeDep) -> dict[str, bool]:
    await in_session(
        runtime,
        lambda s: drafts.delete_draft(
            s, caller.principal, caller.auditing(runtime), draft_id=draft_id
        ),
    )
    return {"ok": True}


@router.post("/api/drafts/{draft_id}/attachments", status_code=201)
async def add_attachment(
    draft_id: str,
    caller: CallerDep,
    runtime: RuntimeDep,
    file: UploadFile = File(...),
    data_class: str = Form("S"),
) -> dict[str, Any]:
    limit = runtime.settings.documents.max_file_bytes
    data = await file.read(limit + 1)
    filename = (file.filename or "첨부").rsplit("/", 1)[-1]
    if len(data) > limit:
        from doum.documents.errors import DocumentTooLarge
        from doum.documents.limits import human_size

        raise DocumentTooLarge(size=human_size(len(data)), limit=human_size(limit))
    await in_reader(runtime, lambda s: drafts.get_draft(s, caller.principal, draft_id))
    text, fmt, sections = await run_in_threadpool(
        attach.read_attachment, data, filename=filename, settings=runtime.settings
    )
    return await in_session(
        runtime,
        lambda s: views.attachment_dict(
            attach.add_attachment(
                s,
                caller.principal,
                caller.auditing(runtime),
                draft_id=draft_id,
                filename=filename,
                text=text,
                format=fmt,
                size=len(data),
                section_count=sections,
                data_class=data_class,
                settings=runtime.settings,
            )
        ),
    )


@router.delete("/api/drafts/{draft_id}/attachments/{attachment_id}")
async def delete_attachment(
    draft_id: str, attachment_id: str, caller: CallerDep, runtime: RuntimeDep
) -> dict[str, bool]:
    await in_session(
        runtime,
        lambda s: attach.delete_attachment(
            s,
            caller.principal,
            caller.auditing(runtime),
            draft_id=draft_id,
            attachment_id=attachment_id,
        ),
    )
    return {"ok": True}


@router.post("/api/drafts/{draft_id}/generate")
async def generate(
    draft_id: str, body: DraftGenerate, caller: CallerDep, runtime: RuntimeDep
) -> StreamingResponse:
    """Write the draft from its form and sources, streamed as SSE: ``start`` → ``delta``*
    → ``done`` | ``error``. Closing the connection stops it (the text so far is kept)."""
    run = DraftGeneration(
        runtime,
        principal=caller.principal,
        draft_id=draft_id,
        model=body.model,
        request=body.request,
        ip=caller.ip,
        via="web" if caller.via == "session" else "api",
    )

    async def events() -> AsyncIterator[bytes]:
        async for event in run.events():
            yield sse(event.type, draft_event(event))

    return StreamingResponse(events(), media_type="text/event-stream", headers=SSE_HEADERS)


@router.post("/api/drafts/{draft_id}/tools/{tool}", response_model=None)
async def run_tool(
    draft_id: str,
    tool: str,
    body: ToolRequest,
    request: Request,
    caller: CallerDep,
    runtime: RuntimeDep,
) -> StreamingResponse | dict[str, Any]:
    """Run summarise | proofread | plain | translate. With ``Accept: text/event-stream``
    progress streams as SSE (``start`` → ``progress``* → ``done`` | ``error``); otherwise
    the answer is the suggestion as JSON."""
    run = tools.ToolRun(
        runtime,
        principal=caller.principal,
        draft_id=draft_id,
        tool=tool,
        options=tools.ToolOptions(
            source=body.source,
            ratio=body.ratio,
            target_chars=body.target_chars,
            language=body.language,
            terms=body.terms,
        ),
        model=body.model,
        ip=caller.ip,
        via="web" if caller.via == "session" else "api",
    )
    if "text/event-stream" not in request.headers.get("accept", ""):
        return {"suggestion": await tools.run_tool(run)}

    async def events() -> AsyncIterator[bytes]:
        async for event in run.events():
            yield sse(event.type, tools.event_dict(event))

    return StreamingResponse(events(), media_type="text/event-stream", headers=SSE_HEADERS)


@router.post("/api/drafts/{draft_id}/suggestions/{suggestion_id}/apply")
async def apply_suggestion(
    draft_id: str, suggestion_id: str, body: SuggestionApply, caller: CallerDep, runtime: RuntimeDep
) -> dict[str, Any]:
    def run(session: Any) -> dict[str, Any]:
        target = tools.apply_suggestion(
            session,
            caller.principal,
            caller.auditing(runtime),
            draft_id=draft_id,
            suggestion_id=suggestion_id,
            accept=body.accept,
            mode=body.mode,
        )
        spec = drafts.template_of(session, caller.principal, target) if target.template_id else None
        target.checks = check_draft(spec, target.content, target.fields or {}, target.sources or [])
        return views.draft_dict(session, caller.principal, target)

    return await in_session(runtime, run)


@router.post("/api/drafts/{draft_id}/suggestions/{suggestion_id}/discard")
async def discard_suggestion(
    draft_id: str, suggestion_id: str, caller: CallerDep, runtime: RuntimeDep
) -> dict[str, bool]:
    await in_session(
        runtime,
        lambda s: tools.discard_suggestion(
            s,
            caller.principal,
            caller.auditing(runtime),
            draft_id=draft_id,
            suggestion_id=suggestion_id,
        ),
    )
    return {"ok": True}


@router.get("/api/drafts/{draft_id}/suggestions/{suggestion_id}")
async def get_suggestion(
    draft_id: str, suggestion_id: str, caller: CallerDep, runtime: RuntimeDep
) -> dict[str, Any]:
    return await in_reader(
        runtime,
        lambda s: tools.suggestion_dict(
            tools.get_suggestion(s, caller.principal, draft_id, suggestion_id)
        ),
    )


@router.get("/api/drafts/{draft_id}/revisions")
async def list_revisions(draft_id: str, caller: CallerDep, runtime: RuntimeDep) -> dict[str, Any]:
    def run(session: Any) -> dict[str, Any]:
        return {
            "revisions": [
                {
                    "id": r.id,
                    "seq": r.seq,
                    "source": r.source,
                    "chars": len(r.content),
                    "content": r.content,
                    "created_at": r.created_at.isoformat(timespec="seconds"),
                }
                for r in drafts.list_revisions(session, caller.principal, draft_id)
            ]
        }

    return await in_reader(runtime, run)


@router.post("/api/drafts/{draft_id}/revisions/{revision_id}/restore")
async def restore_revision(
    draft_id: str, revision_id: str, caller: CallerDep, runtime: RuntimeDep
) -> dict[str, Any]:
    return await in_session(
        runtime,
        lambda s: views.draft_dict(
            s,
            caller.principal,
            drafts.restore_revision(
                s,
                caller.principal,
                caller.auditing(runtime),
                draft_id=draft_id,
                revision_id=revision_id,
            ),
        ),
    )


@router.get("/api/drafts/{draft_id}/export")
async def export(
    draft_id: str, caller: CallerDep, runtime: RuntimeDep, format: str = "hwpx"
) -> Response:
    exported = await in_session(
        runtime,
        lambda s: export_draft(
            s,
            caller.principal,
            caller.auditing(runtime),
            draft_id=draft_id,
            fmt=format,
            organisation=runtime.settings.organisation,
            via="web" if caller.via == "session" else "api",
        ),
    )
    ascii_name = f"draft-{draft_id[:8]}.{format}"
    disposition = (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(exported.filename)}"
    )
    return Response(
        exported.data,
        media_type=exported.media_type,
        headers={"Content-Disposition": disposition, "Cache-Control": "no-store"},
    )
