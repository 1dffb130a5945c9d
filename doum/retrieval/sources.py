"""Registering files with a knowledge base: paths, uploads, folder re-sync, deletion.

These functions only record what must be indexed (``queued`` documents) and remove
what must go; the indexing itself runs in background tasks (:mod:`doum.jobs.tasks`).
"""

from __future__ import annotations

import logging
import re
import shutil
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from doum.accounts.principal import Principal
from doum.db.base import new_id, utcnow
from doum.knowledge.errors import KnowledgeInvalid
from doum.knowledge.models import DATA_CLASSES, KnowledgeBase, KnowledgeDocument
from doum.knowledge.service import get_document, get_writable_knowledge_base
from doum.retrieval.ingestion import file_sha256
from doum.retrieval.stores.protocol import SearchStore

logger = logging.getLogger(__name__)

SUPPORTED_SUFFIXES = frozenset(
    {".hwp", ".hwpx", ".pdf", ".docx", ".xlsx", ".csv", ".odt", ".html", ".htm", ".txt", ".md"}
)


@dataclass
class SyncPlan:
    """What a call changed. ``queued`` documents need :func:`doum.jobs.enqueue_documents`."""

    queued: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


def discover_files(paths: Iterable[Path]) -> list[Path]:
    """Files under ``paths`` (folders recursively) with a supported extension, sorted."""
    found: list[Path] = []
    for path in paths:
        if not path.exists():
            raise KnowledgeInvalid("kb.path_missing", path=str(path))
        if path.is_file():
            found.append(path.resolve())
            continue
        for child in sorted(path.rglob("*")):
            relative = child.relative_to(path)
            if any(part.startswith(".") for part in relative.parts):
                continue
            if child.is_file() and child.suffix.lower() in SUPPORTED_SUFFIXES:
                found.append(child.resolve())
    return sorted(dict.fromkeys(found))


def _register(
    session: Session,
    kb: KnowledgeBase,
    *,
    source_path: str,
    stored_path: str,
    filename: str,
    content_hash: str,
    data_class: str,
    plan: SyncPlan,
) -> None:
    document = session.scalar(
        select(KnowledgeDocument).where(
            KnowledgeDocument.kb_id == kb.id, KnowledgeDocument.source_path == source_path
        )
    )
    if document is None:
        document = KnowledgeDocument(
            id=new_id(),
            kb_id=kb.id,
            source_path=source_path,
            stored_path=stored_path,
            filename=filename,
            title=Path(filename).stem,
            data_class=data_class,
            content_hash=content_hash,
            status="queued",
            progress=0.0,
        )
        session.add(document)
        plan.queued.append(document.id)
        return
    if document.indexed_hash == content_hash and document.status != "error":
        plan.unchanged.append(document.id)
        if document.status != "done":
            plan.queued.append(document.id)  # vectors still missing: resume
        return
    document.content_hash = content_hash
    document.stored_path = stored_path
    document.status, document.progress = "queued", 0.0
    document.error_code = document.error_message = ""
    document.updated_at = utcnow()
    plan.queued.append(document.id)


def add_paths(
    session: Session,
    principal: Principal,
    *,
    kb_ref: str,
    paths: Sequence[Path],
    data_class: str | None = None,
) -> SyncPlan:
    """Register files and folders (recursive) in a knowledge base the principal may write."""
    kb = get_writable_knowledge_base(session, principal, kb_ref)
    klass = _data_class(kb, data_class)
    plan = SyncPlan()
    for file in discover_files(paths):
        _register(
            session,
            kb,
            source_path=str(file),
            stored_path=str(file),
            filename=file.name,
            content_hash=file_sha256(file),
            data_class=klass,
            plan=plan,
        )
    session.flush()
    return plan


def add_upload(
    session: Session,
    principal: Principal,
    *,
    kb_ref: str,
    filename: str,
    data: bytes,
    upload_dir: Path,
    data_class: str | None = None,
) -> SyncPlan:
    """Register an uploaded file: a copy is kept under ``upload_dir`` for the worker."""
    kb = get_writable_knowledge_base(session, principal, kb_ref)
    safe = re.sub(r"[^\w.\-가-힣]+", "_", Path(filename).name)[:200] or "upload"
    target = upload_dir / kb.id / new_id() / safe
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    plan = SyncPlan()
    _register(
        session,
        kb,
        source_path=f"upload:{target.parent.name}/{safe}",
        stored_path=str(target),
        filename=filename,
        content_hash=file_sha256(target),
        data_class=_data_class(kb, data_class),
        plan=plan,
    )
    session.flush()
    return plan


def sync_folder(
    session: Session,
    principal: Principal,
    *,
    kb_ref: str,
    folder: Path,
    store: SearchStore,
    data_class: str | None = None,
) -> SyncPlan:
    """Make the knowledge base mirror ``folder``: new and changed files are queued (by
    SHA-256), documents whose file is gone are removed from the index and the table."""
    kb = get_writable_knowledge_base(session, principal, kb_ref)
    root = folder.resolve()
    plan = add_paths(session, principal, kb_ref=kb.id, paths=[root], data_class=data_class)
    present = {str(p) for p in discover_files([root])}
    prefix = str(root).rstrip("/") + "/"
    for document in session.scalars(
        select(KnowledgeDocument).where(
            KnowledgeDocument.kb_id == kb.id,
            KnowledgeDocument.source_path.startswith(prefix, autoescape=True),
        )
    ):
        if document.source_path not in present:
            plan.removed.append(document.id)
            _remove(session, document, store)
    kb.source_path = str(root)
    kb.updated_at = utcnow()
    return plan


def _remove(session: Session, document: KnowledgeDocument, store: SearchStore) -> None:
    store.delete_document(document.id)
    if document.source_path.startswith("upload:") and document.stored_path:
        shutil.rmtree(Path(document.stored_path).parent, ignore_errors=True)
    session.delete(document)
    session.flush()


def delete_document(
    session: Session, principal: Principal, *, document_id: str, store: SearchStore
) -> None:
    document = get_document(session, principal, document_id)
    get_writable_knowledge_base(session, principal, document.kb_id)
    _remove(session, document, store)


def delete_knowledge_base(
    session: Session, principal: Principal, *, kb_ref: str, store: SearchStore
) -> None:
    kb = get_writable_knowledge_base(session, principal, kb_ref)
    store.delete_kb(kb.id)
    session.delete(kb)
    session.flush()


def _data_class(kb: KnowledgeBase, requested: str | None) -> str:
    if requested is None:
        return kb.data_class
    if requested not in DATA_CLASSES:
        raise KnowledgeInvalid("kb.data_class_invalid", data_class=requested)
    return requested
