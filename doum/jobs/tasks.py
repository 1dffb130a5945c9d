"""doum's background tasks. Registered on whichever Huey :func:`get_queue` builds, so the
embedded SQLite mode and the Redis mode run exactly the same code."""

from __future__ import annotations

import logging
import weakref
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from huey import Huey
from huey.exceptions import TaskLockedException
from sqlalchemy import select
from sqlalchemy.orm import Session

from doum.accounts.principal import Principal
from doum.db import Database, get_database
from doum.knowledge.access import readable_kb_ids
from doum.knowledge.models import KnowledgeDocument
from doum.retrieval.backend import RetrievalBackend, get_backend
from doum.retrieval.ingestion import embed_document, index_document, status_label

logger = logging.getLogger(__name__)

INDEX_TASK = "index_document"
EMBED_TASK = "embed_document"

_TASKS: weakref.WeakKeyDictionary[Huey, dict[str, Any]] = weakref.WeakKeyDictionary()


@dataclass(frozen=True, slots=True)
class JobServices:
    """The database and search backend a queue's tasks use (see :func:`bind_services`)."""

    database: Database
    backend: Callable[[], RetrievalBackend]
    """Called when a task runs, so binding never builds the backend early."""


_SERVICES: weakref.WeakKeyDictionary[Huey, JobServices] = weakref.WeakKeyDictionary()


def bind_services(
    huey: Huey, *, database: Database, backend: Callable[[], RetrievalBackend]
) -> None:
    """Make ``huey``'s tasks run against ``database`` and ``backend()`` instead of the
    process-wide ones — the web app binds its runtime's, so a server built from explicit
    settings (``create_app(runtime=…)``) indexes into its own database."""
    _SERVICES[huey] = JobServices(database=database, backend=backend)


def _services(huey: Huey) -> tuple[Database, RetrievalBackend]:
    bound = _SERVICES.get(huey)
    if bound is None:
        return get_database(), get_backend()
    return bound.database, bound.backend()


def _run_index(huey: Huey, document_id: str) -> None:
    try:
        with huey.lock_task(f"doum-document-{document_id}"):
            database, backend = _services(huey)
            needs_vectors = index_document(document_id, database=database, backend=backend)
    except TaskLockedException:
        logger.info("document busy elsewhere", extra={"document_id": document_id})
        return
    if needs_vectors:
        huey.enqueue(_task(huey, EMBED_TASK).s(document_id))


def _run_embed(huey: Huey, document_id: str) -> None:
    try:
        with huey.lock_task(f"doum-document-{document_id}"):
            database, backend = _services(huey)
            embed_document(document_id, database=database, backend=backend)
    except TaskLockedException:
        logger.info("document busy elsewhere", extra={"document_id": document_id})


def register_tasks(huey: Huey) -> None:
    """Register doum's tasks on ``huey`` (idempotent per instance)."""
    if huey in _TASKS:
        return

    def index(document_id: str) -> None:
        _run_index(huey, document_id)

    def embed(document_id: str) -> None:
        _run_embed(huey, document_id)

    # Parsing and lexical indexing first (priority 10), vectors after (0): a new upload
    # becomes searchable before older documents finish their dense pass.
    _TASKS[huey] = {
        INDEX_TASK: huey.task(name=INDEX_TASK, priority=10, retries=1, retry_delay=5)(index),
        EMBED_TASK: huey.task(name=EMBED_TASK, priority=0, retries=1, retry_delay=5)(embed),
    }


def _task(huey: Huey, name: str) -> Any:
    register_tasks(huey)
    return _TASKS[huey][name]


def enqueue_documents(document_ids: Iterable[str], *, huey: Huey | None = None) -> int:
    """Queue indexing (then vectors) for each document. Returns how many were queued."""
    from doum.jobs.queue import get_queue

    huey = huey or get_queue()
    count = 0
    for document_id in document_ids:
        huey.enqueue(_task(huey, INDEX_TASK).s(document_id))
        count += 1
    return count


def resume_unfinished(*, database: Database | None = None, huey: Huey | None = None) -> int:
    """Re-queue every document left queued, parsing or indexing (e.g. by a killed
    worker). Safe to call repeatedly: the steps are idempotent and locked per document."""
    from doum.jobs.queue import get_queue

    huey = huey or get_queue()
    bound = _SERVICES.get(huey)
    database = database or (bound.database if bound else get_database())
    with database.session() as session:
        rows = session.execute(
            select(
                KnowledgeDocument.id,
                KnowledgeDocument.status,
                KnowledgeDocument.indexed_hash,
                KnowledgeDocument.content_hash,
            ).where(KnowledgeDocument.status.in_(("queued", "parsing", "indexing")))
        ).all()
    for document_id, status, indexed, content in rows:
        name = EMBED_TASK if status == "indexing" and indexed and indexed == content else INDEX_TASK
        huey.enqueue(_task(huey, name).s(document_id))
    if rows:
        logger.info("resumed unfinished documents", extra={"count": len(rows)})
    return len(rows)


@dataclass(frozen=True, slots=True)
class DocumentProgress:
    id: str
    kb_id: str
    title: str
    filename: str
    status: str
    status_label: str
    """Korean: 대기 중, 문서 읽는 중, 색인 중, 완료, 오류."""
    progress: float
    chunk_count: int
    vector_count: int
    error_code: str
    error_message: str

    @property
    def searchable(self) -> bool:
        """Lexically searchable (the dense pass may still be running)."""
        return self.chunk_count > 0 and self.status in ("indexing", "done")


def document_progress(
    session: Session,
    principal: Principal,
    *,
    document_ids: Iterable[str] | None = None,
    kb_id: str | None = None,
) -> list[DocumentProgress]:
    """Status and progress of documents the principal may read (for the UI's bars)."""
    query = select(KnowledgeDocument).where(KnowledgeDocument.kb_id.in_(readable_kb_ids(principal)))
    if document_ids is not None:
        query = query.where(KnowledgeDocument.id.in_(list(document_ids)))
    if kb_id is not None:
        query = query.where(KnowledgeDocument.kb_id == kb_id)
    return [
        DocumentProgress(
            id=d.id,
            kb_id=d.kb_id,
            title=d.title,
            filename=d.filename,
            status=d.status,
            status_label=status_label(d.status),
            progress=round(d.progress, 3),
            chunk_count=d.chunk_count,
            vector_count=d.vector_count,
            error_code=d.error_code,
            error_message=d.error_message,
        )
        for d in session.scalars(query.order_by(KnowledgeDocument.created_at))
    ]
