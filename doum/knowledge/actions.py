"""Knowledge-base changes made from the web app and the API, each one audited.

Thin wrappers over :mod:`doum.knowledge.service` and :mod:`doum.retrieval.sources` that
add what a multi-user server needs: input checks with clear Korean errors per file, an
audit record for every change (create, grant, revoke, upload, delete, re-sync), and
names for the ids the UI shows. Queuing the indexing jobs is the caller's last step
(:func:`doum.knowledge.runtime.enqueue`), after the transaction commits.
"""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from doum.accounts.models import Department, Group, User
from doum.accounts.principal import Principal
from doum.accounts.service import Auditing
from doum.db.base import utcnow
from doum.documents.limits import human_size
from doum.knowledge import service
from doum.knowledge.errors import KnowledgeInvalid
from doum.knowledge.models import KnowledgeBase, KnowledgeBaseAccess, KnowledgeDocument
from doum.retrieval import sources
from doum.retrieval.sources import SUPPORTED_SUFFIXES, SyncPlan
from doum.retrieval.stores.protocol import SearchStore

MAX_FILES_PER_REQUEST = 50


@dataclass(frozen=True, slots=True)
class AccessEntry:
    id: int
    kind: str
    """``department``, ``group`` or ``user``."""
    grantee_id: int
    name: str
    permission: str


def _record(
    session: Session,
    auditing: Auditing,
    action: str,
    *,
    target_type: str,
    target_id: str,
    data_class: str = "",
    details: dict[str, Any] | None = None,
) -> None:
    auditing.log.record(
        session,
        context=auditing.context,
        action=action,
        target_type=target_type,
        target_id=target_id,
        data_class=data_class,
        details=details or {},
    )


# --- knowledge bases --------------------------------------------------------------------


def create_knowledge_base(
    session: Session,
    principal: Principal,
    auditing: Auditing,
    *,
    name: str,
    description: str = "",
    data_class: str = "S",
    department_id: int | None = None,
) -> KnowledgeBase:
    kb = service.create_knowledge_base(
        session,
        principal,
        name=name,
        description=description,
        data_class=data_class,
        department_id=department_id,
    )
    _record(
        session,
        auditing,
        "kb.create",
        target_type="knowledge_base",
        target_id=kb.id,
        data_class=kb.data_class,
        details={"name": kb.name, "department_id": kb.department_id},
    )
    return kb


def delete_knowledge_base(
    session: Session, principal: Principal, auditing: Auditing, *, kb_ref: str, store: SearchStore
) -> None:
    kb = service.get_writable_knowledge_base(session, principal, kb_ref)
    documents = list(
        session.scalars(select(KnowledgeDocument).where(KnowledgeDocument.kb_id == kb.id))
    )
    _record(
        session,
        auditing,
        "kb.delete",
        target_type="knowledge_base",
        target_id=kb.id,
        data_class=kb.data_class,
        details={"name": kb.name, "documents": len(documents)},
    )
    uploads = [Path(d.stored_path).parent for d in documents if _is_upload(d)]
    sources.delete_knowledge_base(session, principal, kb_ref=kb.id, store=store)
    for folder in uploads:
        shutil.rmtree(folder, ignore_errors=True)


def department_names(session: Session, ids: Sequence[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = session.execute(
        select(Department.id, Department.name).where(Department.id.in_(list(set(ids))))
    ).all()
    return {row.id: row.name for row in rows}


# --- the access list --------------------------------------------------------------------


def grant(
    session: Session,
    principal: Principal,
    auditing: Auditing,
    *,
    kb_ref: str,
    department_id: int | None = None,
    group_id: int | None = None,
    user_id: int | None = None,
    permission: str = "read",
) -> KnowledgeBaseAccess:
    entry = service.grant_access(
        session,
        principal,
        kb_ref=kb_ref,
        department_id=department_id,
        group_id=group_id,
        user_id=user_id,
        permission=permission,
    )
    _record(
        session,
        auditing,
        "kb.grant",
        target_type="knowledge_base",
        target_id=entry.kb_id,
        details={
            "department_id": department_id,
            "group_id": group_id,
            "user_id": user_id,
            "permission": permission,
        },
    )
    return entry


def revoke(
    session: Session, principal: Principal, auditing: Auditing, *, kb_ref: str, access_id: int
) -> None:
    kb = service.get_writable_knowledge_base(session, principal, kb_ref)
    entry = session.get(KnowledgeBaseAccess, access_id)
    details = (
        {
            "access_id": access_id,
            "department_id": entry.department_id,
            "group_id": entry.group_id,
            "user_id": entry.user_id,
            "permission": entry.permission,
        }
        if entry is not None
        else {"access_id": access_id}
    )
    service.revoke_access(session, principal, kb_ref=kb.id, access_id=access_id)
    _record(
        session,
        auditing,
        "kb.revoke",
        target_type="knowledge_base",
        target_id=kb.id,
        details=details,
    )


def access_list(session: Session, principal: Principal, *, kb_ref: str) -> list[AccessEntry]:
    """The access list with the grantees' names (readers may see who else can read)."""
    entries = service.list_access(session, principal, kb_ref=kb_ref)
    departments = department_names(session, [e.department_id for e in entries if e.department_id])
    group_ids = [e.group_id for e in entries if e.group_id]
    groups = (
        {g.id: g.name for g in session.scalars(select(Group).where(Group.id.in_(group_ids)))}
        if group_ids
        else {}
    )
    user_ids = [e.user_id for e in entries if e.user_id]
    users = (
        {
            u.id: f"{u.name} ({u.username})"
            for u in session.scalars(select(User).where(User.id.in_(user_ids)))
        }
        if user_ids
        else {}
    )
    out: list[AccessEntry] = []
    for e in entries:
        if e.department_id is not None:
            kind, grantee, name = (
                "department",
                e.department_id,
                departments.get(e.department_id, ""),
            )
        elif e.group_id is not None:
            kind, grantee, name = "group", e.group_id, groups.get(e.group_id, "")
        else:
            assert e.user_id is not None
            kind, grantee, name = "user", e.user_id, users.get(e.user_id, "")
        out.append(AccessEntry(e.id, kind, grantee, name, e.permission))
    return out


# --- documents --------------------------------------------------------------------------


def _is_upload(document: KnowledgeDocument) -> bool:
    return document.source_path.startswith("upload:") and bool(document.stored_path)


def check_upload(filename: str, size: int, *, limit: int) -> None:
    """A clear Korean error for a file that cannot be indexed, before it is stored."""
    if Path(filename).suffix.lower() not in SUPPORTED_SUFFIXES:
        raise KnowledgeInvalid("knowledge.upload_unsupported", filename=filename)
    if size == 0:
        raise KnowledgeInvalid("knowledge.upload_empty", filename=filename)
    if size > limit:
        raise KnowledgeInvalid(
            "knowledge.upload_too_large",
            filename=filename,
            size=human_size(size),
            limit=human_size(limit),
        )


def upload(
    session: Session,
    principal: Principal,
    auditing: Auditing,
    *,
    kb_ref: str,
    filename: str,
    data: bytes,
    upload_dir: Path,
    limit: int,
    data_class: str | None = None,
) -> tuple[KnowledgeDocument, SyncPlan]:
    """Store an uploaded file and queue it. Uploading a file with the name of an earlier
    upload replaces that document (re-indexed only if the content changed)."""
    filename = Path(filename.replace("\\", "/")).name or "upload"
    kb = service.get_writable_knowledge_base(session, principal, kb_ref)
    check_upload(filename, len(data), limit=limit)
    digest = hashlib.sha256(data).hexdigest()
    previous = session.scalar(
        select(KnowledgeDocument)
        .where(
            KnowledgeDocument.kb_id == kb.id,
            KnowledgeDocument.filename == filename,
            KnowledgeDocument.source_path.startswith("upload:"),
        )
        .order_by(KnowledgeDocument.created_at.desc())
        .limit(1)
    )
    plan = SyncPlan()
    if previous is not None and _is_upload(previous):
        document = previous
        if document.content_hash == digest and document.status != "error":
            plan.unchanged.append(document.id)
        else:
            Path(document.stored_path).write_bytes(data)
            document.content_hash = digest
            document.status, document.progress = "queued", 0.0
            document.error_code = document.error_message = ""
            if data_class:
                document.data_class = data_class
            document.updated_at = utcnow()
            plan.queued.append(document.id)
    else:
        plan = sources.add_upload(
            session,
            principal,
            kb_ref=kb.id,
            filename=filename,
            data=data,
            upload_dir=upload_dir,
            data_class=data_class,
        )
        document_id = (plan.queued or plan.unchanged)[0]
        found = session.get(KnowledgeDocument, document_id)
        assert found is not None
        document = found
    _record(
        session,
        auditing,
        "kb.upload",
        target_type="knowledge_document",
        target_id=document.id,
        data_class=document.data_class,
        details={
            "kb_id": kb.id,
            "filename": filename,
            "size": len(data),
            "sha256": digest,
            "replaced": previous is not None,
            "unchanged": bool(plan.unchanged),
        },
    )
    return document, plan


def delete_document(
    session: Session,
    principal: Principal,
    auditing: Auditing,
    *,
    document_id: str,
    store: SearchStore,
) -> None:
    document = service.get_document(session, principal, document_id)
    _record(
        session,
        auditing,
        "kb.document_delete",
        target_type="knowledge_document",
        target_id=document.id,
        data_class=document.data_class,
        details={"kb_id": document.kb_id, "title": document.title, "filename": document.filename},
    )
    sources.delete_document(session, principal, document_id=document.id, store=store)


def resync(
    session: Session, principal: Principal, auditing: Auditing, *, kb_ref: str, store: SearchStore
) -> SyncPlan:
    """Re-sync: the folder the knowledge base mirrors (set by ``doum kb sync``), if any —
    changed files re-indexed, deleted ones removed — and every document that failed or
    stopped half-way queued again. The web never names a server folder itself."""
    kb = service.get_writable_knowledge_base(session, principal, kb_ref)
    plan = SyncPlan()
    if kb.source_path and Path(kb.source_path).is_dir():
        plan = sources.sync_folder(
            session, principal, kb_ref=kb.id, folder=Path(kb.source_path), store=store
        )
    for document in session.scalars(
        select(KnowledgeDocument).where(
            KnowledgeDocument.kb_id == kb.id, KnowledgeDocument.status != "done"
        )
    ):
        if document.id in plan.queued:
            continue
        if document.status == "error":
            document.status, document.progress = "queued", 0.0
            document.error_code = document.error_message = ""
            document.indexed_hash = ""
            document.updated_at = utcnow()
        plan.queued.append(document.id)
    _record(
        session,
        auditing,
        "kb.sync",
        target_type="knowledge_base",
        target_id=kb.id,
        data_class=kb.data_class,
        details={
            "folder": kb.source_path,
            "queued": len(plan.queued),
            "unchanged": len(plan.unchanged),
            "removed": len(plan.removed),
        },
    )
    return plan
