"""Knowledge bases over JSON: list/create/delete, the access list, uploads with per-file
progress, documents, re-sync. Upload routes live under ``/api/kb/`` (the bigger body
limit). Every change is audited in :mod:`doum.knowledge.actions`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from fastapi import APIRouter, File, Form, UploadFile
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from doum.accounts.models import Department, Group, User
from doum.errors import DoumError
from doum.jobs.tasks import DocumentProgress, document_progress
from doum.knowledge import actions, service
from doum.knowledge.errors import DocumentNotFound, KnowledgeInvalid
from doum.knowledge.models import KnowledgeBase
from doum.knowledge.runtime import enqueue, retrieval_backend
from doum.messages import message_for
from doum.runtime import Runtime
from doum.web.deps import CallerDep, RuntimeDep
from doum.web.schemas import DataClassField
from doum.web.schemas_knowledge import (
    AccessGrant,
    AccessPublic,
    DocumentPublic,
    KnowledgeBaseCreate,
    KnowledgeBasePublic,
    SyncResult,
    UploadResult,
)

router = APIRouter(prefix="/api/kb", tags=["knowledge"])

T = TypeVar("T")


async def _read(runtime: Runtime, fn: Callable[[Session], T]) -> T:
    def run() -> T:
        with runtime.database.reader() as session:
            return fn(session)

    return await run_in_threadpool(run)


async def _write(runtime: Runtime, fn: Callable[[Session], T]) -> T:
    def run() -> T:
        with runtime.database.session() as session:
            return fn(session)

    return await run_in_threadpool(run)


def _document(p: DocumentProgress) -> DocumentPublic:
    return DocumentPublic(
        id=p.id,
        kb_id=p.kb_id,
        title=p.title,
        filename=p.filename,
        status=p.status,
        status_label=p.status_label,
        progress=p.progress,
        chunk_count=p.chunk_count,
        vector_count=p.vector_count,
        searchable=p.searchable,
        error_code=p.error_code,
        error_message=p.error_message,
    )


def _knowledge_bases(session: Session, caller: CallerDep) -> list[KnowledgeBasePublic]:
    summaries = service.list_knowledge_bases(session, caller.principal)
    names = actions.department_names(session, [s.department_id for s in summaries])
    folders = dict(
        session.execute(  # type: ignore[arg-type]
            select(KnowledgeBase.id, KnowledgeBase.source_path).where(
                KnowledgeBase.id.in_([s.id for s in summaries])
            )
        ).all()
    )
    return [
        KnowledgeBasePublic(
            id=s.id,
            name=s.name,
            description=s.description,
            data_class=s.data_class,
            department_id=s.department_id,
            department=names.get(s.department_id, ""),
            document_count=s.document_count,
            chunk_count=s.chunk_count,
            can_write=s.can_write,
            synced_folder=bool(folders.get(s.id)),
        )
        for s in summaries
    ]


# --- fixed paths first (before /{kb_id}) ----------------------------------------------------


@router.get("/progress")
async def progress(caller: CallerDep, runtime: RuntimeDep, ids: str = "") -> dict[str, Any]:
    """Status of the given documents (comma-separated ids) for the upload bars."""
    wanted = [i for i in ids.split(",") if i][:200]
    rows = await _read(
        runtime, lambda s: document_progress(s, caller.principal, document_ids=wanted)
    )
    return {"documents": [_document(r) for r in rows]}


@router.get("/directory")
async def directory(caller: CallerDep, runtime: RuntimeDep, q: str = "") -> dict[str, Any]:
    """Departments, groups and (matching) users to pick grantees and shares from."""
    needle = q.strip()[:50]

    def run(session: Session) -> dict[str, Any]:
        departments = session.execute(
            select(Department.id, Department.name).order_by(Department.name)
        ).all()
        groups = session.execute(select(Group.id, Group.name).order_by(Group.name)).all()
        users_query = select(User).where(User.is_active.is_(True)).order_by(User.username).limit(20)
        if needle:
            like = f"%{needle}%"
            users_query = users_query.where(
                User.username.ilike(like) | User.display_name.ilike(like)
            )
        return {
            "departments": [{"id": d.id, "name": d.name} for d in departments],
            "groups": [{"id": g.id, "name": g.name} for g in groups],
            "users": [
                {"id": u.id, "name": f"{u.name} ({u.username})"}
                for u in session.scalars(users_query)
            ],
        }

    return await _read(runtime, run)


@router.get("/documents/{document_id}/status")
async def document_status(
    document_id: str, caller: CallerDep, runtime: RuntimeDep
) -> DocumentPublic:
    rows = await _read(
        runtime, lambda s: document_progress(s, caller.principal, document_ids=[document_id])
    )
    if not rows:
        raise DocumentNotFound()
    return _document(rows[0])


@router.delete("/documents/{document_id}")
async def delete_document(
    document_id: str, caller: CallerDep, runtime: RuntimeDep
) -> dict[str, bool]:
    store = (await run_in_threadpool(retrieval_backend, runtime)).store
    await _write(
        runtime,
        lambda s: actions.delete_document(
            s, caller.principal, caller.auditing(runtime), document_id=document_id, store=store
        ),
    )
    return {"ok": True}


# --- knowledge bases -------------------------------------------------------------------------


@router.get("")
async def list_knowledge_bases(caller: CallerDep, runtime: RuntimeDep) -> dict[str, Any]:
    return {
        "knowledge_bases": await _read(runtime, lambda s: _knowledge_bases(s, caller)),
        "can_create": caller.principal.is_admin
        or (caller.principal.is_department_manager and caller.principal.department_id is not None),
        "department_id": caller.principal.department_id,
    }


@router.post("", status_code=201)
async def create_knowledge_base(
    body: KnowledgeBaseCreate, caller: CallerDep, runtime: RuntimeDep
) -> KnowledgeBasePublic:
    def run(session: Session) -> KnowledgeBasePublic:
        kb = actions.create_knowledge_base(
            session,
            caller.principal,
            caller.auditing(runtime),
            name=body.name,
            description=body.description,
            data_class=body.data_class,
            department_id=body.department_id,
        )
        return next(k for k in _knowledge_bases(session, caller) if k.id == kb.id)

    return await _write(runtime, run)


@router.get("/{kb_id}")
async def get_knowledge_base(
    kb_id: str, caller: CallerDep, runtime: RuntimeDep
) -> KnowledgeBasePublic:
    def run(session: Session) -> KnowledgeBasePublic:
        kb = service.get_knowledge_base(session, caller.principal, kb_id)
        return next(k for k in _knowledge_bases(session, caller) if k.id == kb.id)

    return await _read(runtime, run)


@router.delete("/{kb_id}")
async def delete_knowledge_base(
    kb_id: str, caller: CallerDep, runtime: RuntimeDep
) -> dict[str, bool]:
    store = (await run_in_threadpool(retrieval_backend, runtime)).store
    await _write(
        runtime,
        lambda s: actions.delete_knowledge_base(
            s, caller.principal, caller.auditing(runtime), kb_ref=kb_id, store=store
        ),
    )
    return {"ok": True}


# --- access list ------------------------------------------------------------------------------


@router.get("/{kb_id}/access")
async def list_access(
    kb_id: str, caller: CallerDep, runtime: RuntimeDep
) -> dict[str, list[AccessPublic]]:
    entries = await _read(runtime, lambda s: actions.access_list(s, caller.principal, kb_ref=kb_id))
    return {"access": [_access(e) for e in entries]}


def _access(entry: actions.AccessEntry) -> AccessPublic:
    return AccessPublic(
        id=entry.id,
        kind=entry.kind,
        grantee_id=entry.grantee_id,
        name=entry.name,
        permission=entry.permission,
    )


@router.post("/{kb_id}/access", status_code=201)
async def grant_access(
    kb_id: str, body: AccessGrant, caller: CallerDep, runtime: RuntimeDep
) -> dict[str, list[AccessPublic]]:
    def run(session: Session) -> list[AccessPublic]:
        actions.grant(
            session,
            caller.principal,
            caller.auditing(runtime),
            kb_ref=kb_id,
            permission=body.permission,
            **{f"{body.kind}_id": body.grantee_id},
        )
        return [_access(e) for e in actions.access_list(session, caller.principal, kb_ref=kb_id)]

    return {"access": await _write(runtime, run)}


@router.delete("/{kb_id}/access/{access_id}")
async def revoke_access(
    kb_id: str, access_id: int, caller: CallerDep, runtime: RuntimeDep
) -> dict[str, bool]:
    await _write(
        runtime,
        lambda s: actions.revoke(
            s, caller.principal, caller.auditing(runtime), kb_ref=kb_id, access_id=access_id
        ),
    )
    return {"ok": True}


# --- documents ---------------------------------------------------------------------------------


@router.get("/{kb_id}/documents")
async def list_documents(kb_id: str, caller: CallerDep, runtime: RuntimeDep) -> dict[str, Any]:
    def run(session: Session) -> list[DocumentPublic]:
        kb = service.get_knowledge_base(session, caller.principal, kb_id)
        return [_document(p) for p in document_progress(session, caller.principal, kb_id=kb.id)]

    return {"documents": await _read(runtime, run)}


@router.post("/{kb_id}/documents", status_code=201)
async def upload_documents(
    kb_id: str,
    caller: CallerDep,
    runtime: RuntimeDep,
    files: list[UploadFile] = File(...),
    data_class: DataClassField | None = Form(None),
) -> dict[str, list[UploadResult]]:
    """Upload one or more files; each gets its own result (a document to follow, or a
    clear Korean error) and a failing file never stops the others."""
    if not files:
        raise KnowledgeInvalid("knowledge.upload_none")
    if len(files) > actions.MAX_FILES_PER_REQUEST:
        raise KnowledgeInvalid("knowledge.upload_too_many", limit=actions.MAX_FILES_PER_REQUEST)
    limit = runtime.settings.documents.max_file_bytes
    upload_dir = runtime.settings.resolved_data_dir() / "uploads" / "knowledge"
    results: list[UploadResult] = []
    queued: list[str] = []
    for file in files:
        filename = (file.filename or "upload").replace("\\", "/").rsplit("/", 1)[-1]
        data = await file.read(limit + 1)
        try:
            document, plan = await _write(
                runtime,
                lambda s, name=filename, blob=data: actions.upload(  # type: ignore[misc]
                    s,
                    caller.principal,
                    caller.auditing(runtime),
                    kb_ref=kb_id,
                    filename=name,
                    data=blob,
                    upload_dir=upload_dir,
                    limit=limit,
                    data_class=data_class,
                ),
            )
        except DoumError as error:
            if error.http_status in (403, 404):
                raise  # about the knowledge base itself: one answer for the whole request
            results.append(UploadResult(filename=filename, error=error.to_dict()))
            continue
        queued.extend(plan.queued)
        results.append(
            UploadResult(
                filename=filename,
                document_id=document.id,
                status=document.status,
                status_label=message_for(f"jobs.status.{document.status}"),
                unchanged=bool(plan.unchanged),
            )
        )
    await run_in_threadpool(enqueue, runtime, queued)
    return {"results": results}


@router.post("/{kb_id}/sync")
async def resync(kb_id: str, caller: CallerDep, runtime: RuntimeDep) -> SyncResult:
    store = (await run_in_threadpool(retrieval_backend, runtime)).store
    plan = await _write(
        runtime,
        lambda s: actions.resync(
            s, caller.principal, caller.auditing(runtime), kb_ref=kb_id, store=store
        ),
    )
    await run_in_threadpool(enqueue, runtime, plan.queued)
    return SyncResult(
        queued=len(plan.queued),
        unchanged=len(plan.unchanged),
        removed=len(plan.removed),
        message=message_for(
            "knowledge.sync_queued",
            queued=len(plan.queued),
            unchanged=len(plan.unchanged),
            removed=len(plan.removed),
        ),
    )
