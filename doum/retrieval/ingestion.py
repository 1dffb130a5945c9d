"""Ingestion: files → knowledge documents → chunks → lexical index → vectors.

Two steps, each idempotent and each a background task (see :mod:`doum.jobs.tasks`):

1. :func:`index_document` — parse, chunk, store the chunks and their morpheme terms.
   The document is searchable lexically as soon as this commits.
2. :func:`embed_document` — add dense vectors batch by batch; the document's progress
   moves from 0.5 to 1.0 and it is ``done`` when every chunk has a vector.

A worker killed at any point leaves either the old chunks or the new ones (chunk rows
are replaced in one transaction, the index in one store transaction, and search only
returns chunks present in both). Re-running a step does the remaining work only:
unchanged files (same SHA-256) are not re-parsed, and vectors are added only to the
chunks that lack one. Chunk ids are derived from the content, so re-indexing identical
text keeps its vectors.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import delete, select

from doum.db import Database
from doum.db.base import utcnow
from doum.documents.model import Document
from doum.errors import DoumError
from doum.knowledge.models import Chunk, KnowledgeBase, KnowledgeDocument
from doum.messages import message_for
from doum.retrieval.backend import RetrievalBackend
from doum.retrieval.chunking import ChunkDraft, chunk_document, document_law_name
from doum.retrieval.errors import IngestionFailed
from doum.retrieval.stores.protocol import IndexEntry

logger = logging.getLogger(__name__)

DocumentReader = Callable[[Path, str], Document]
LEXICAL_DONE = 0.5


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def chunk_id(document_id: str, ordinal: int, draft: ChunkDraft) -> str:
    key = "\x00".join((document_id, str(ordinal), draft.heading, draft.text))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


def default_reader(path: Path, filename: str) -> Document:
    try:
        from doum.documents import read_document
    except ImportError as error:  # pragma: no cover - the documents package ships with doum
        raise IngestionFailed("retrieval.parser_unavailable", detail=str(error)) from error
    return read_document(path, filename=filename)


def _set_status(database: Database, document_id: str, **values: object) -> None:
    with database.session() as session:
        document = session.get(KnowledgeDocument, document_id)
        if document is None:
            return
        for name, value in values.items():
            setattr(document, name, value)
        document.updated_at = utcnow()


def _fail(database: Database, document_id: str, error: DoumError) -> None:
    logger.warning("document failed", extra={"document_id": document_id, "code": error.code})
    _set_status(
        database,
        document_id,
        status="error",
        error_code=error.code,
        error_message=error.message,
        progress=1.0,
    )


def index_document(
    document_id: str,
    *,
    database: Database,
    backend: RetrievalBackend,
    reader: DocumentReader | None = None,
) -> bool:
    """Step 1. Returns True when the document needs vectors next (step 2)."""
    with database.session() as session:
        document = session.get(KnowledgeDocument, document_id)
        if document is None:
            return False
        kb = session.get(KnowledgeBase, document.kb_id)
        if kb is None:
            return False
        path = Path(document.stored_path or document.source_path)
        filename = document.filename or path.name
        indexed_hash, data_class = document.indexed_hash, document.data_class
        if indexed_hash and indexed_hash == document.content_hash and document.status != "error":
            return backend.embedder is not None and document.status != "done"
        document.status, document.progress = "parsing", 0.05
        document.error_code = document.error_message = ""
    try:
        if not path.is_file():
            raise IngestionFailed("retrieval.file_missing", path=str(path))
        content_hash = file_sha256(path)
        parsed = (reader or default_reader)(path, filename)
        drafts = chunk_document(parsed, max_chars=backend.settings.chunk_chars)
        if not drafts:
            raise IngestionFailed("retrieval.empty_document")
        _set_status(database, document_id, status="indexing", progress=0.3)
        terms = backend.analyzer.terms_many([d.index_text() for d in drafts])
    except DoumError as error:
        _fail(database, document_id, error)
        return False
    except (OSError, ValueError, RuntimeError) as error:
        logger.exception("parse failed", extra={"document_id": document_id})
        _fail(database, document_id, IngestionFailed("retrieval.parse_failed", detail=str(error)))
        return False

    rows = [
        _chunk_row(document_id, kb.id, i, d, data_class, len(t))
        for i, (d, t) in enumerate(zip(drafts, terms, strict=True))
    ]
    with database.session() as session:
        session.execute(delete(Chunk).where(Chunk.document_id == document_id))
        session.add_all(rows)
        document = session.get(KnowledgeDocument, document_id)
        if document is None:  # deleted meanwhile: undo by rolling back
            raise IngestionFailed("kb.document_not_found")
        document.title = document_law_name(parsed) or document.title or filename
        document.format = parsed.format
        document.metadata_json = _json_safe(parsed.metadata)  # type: ignore[assignment]
        document.chunk_count = len(rows)
        document.vector_count = 0
    backend.store.replace_document(
        document_id,
        kb.id,
        [
            IndexEntry(
                chunk_id=row.id,
                document_id=document_id,
                kb_id=kb.id,
                terms=t,
                law=row.law,
                effective_date=row.effective_date,
                data_class=data_class,
            )
            for row, t in zip(rows, terms, strict=True)
        ],
    )
    needs_vectors = backend.embedder is not None
    vectors = len(rows) - len(backend.store.missing_vectors(document_id))
    done = not needs_vectors or vectors == len(rows)
    _set_status(
        database,
        document_id,
        indexed_hash=content_hash,
        content_hash=content_hash,
        vector_count=vectors,
        status="done" if done else "indexing",
        progress=1.0 if done else LEXICAL_DONE + LEXICAL_DONE * vectors / len(rows),
    )
    logger.info("document indexed", extra={"document_id": document_id, "chunks": len(rows)})
    return not done


def _chunk_row(
    document_id: str, kb_id: str, ordinal: int, draft: ChunkDraft, data_class: str, token_count: int
) -> Chunk:
    return Chunk(
        id=chunk_id(document_id, ordinal, draft),
        document_id=document_id,
        kb_id=kb_id,
        ordinal=ordinal,
        text=draft.text,
        heading=draft.heading[:500],
        heading_path=list(draft.heading_path),
        law=draft.law[:200],
        chapter=draft.chapter[:200],
        article=draft.article[:32],
        article_title=draft.article_title[:200],
        paragraph=draft.paragraph[:32],
        page=draft.page,
        effective_date=draft.effective_date,
        legal_status=draft.legal_status[:16],
        data_class=data_class,
        token_count=token_count,
    )


def _json_safe(value: object) -> object:
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def embed_document(
    document_id: str,
    *,
    database: Database,
    backend: RetrievalBackend,
    batch_size: int | None = None,
) -> int:
    """Step 2: vectors for the chunks that lack one. Returns how many were added."""
    if backend.embedder is None:
        return 0
    batch_size = batch_size or backend.settings.embedding_batch
    missing = backend.store.missing_vectors(document_id)
    with database.session() as session:
        document = session.get(KnowledgeDocument, document_id)
        if document is None or document.status == "error":
            return 0
        total = document.chunk_count or 1
        texts = {
            c.id: f"{c.heading}\n{c.text}" if c.heading else c.text
            for c in session.scalars(select(Chunk).where(Chunk.id.in_(missing)))
        }
    todo = [cid for cid in missing if cid in texts]
    added = 0
    for start in range(0, len(todo), batch_size):
        ids = todo[start : start + batch_size]
        vectors = backend.embedder.embed_passages([texts[cid] for cid in ids])
        added += backend.store.set_vectors(dict(zip(ids, vectors, strict=True)))
        have = total - len(todo) + start + len(ids)
        _set_status(
            database,
            document_id,
            vector_count=have,
            progress=LEXICAL_DONE + LEXICAL_DONE * have / total,
        )
    remaining = len(backend.store.missing_vectors(document_id))
    if remaining == 0:
        _set_status(database, document_id, status="done", progress=1.0, vector_count=total)
    return added


def status_label(status: str) -> str:
    return message_for(f"jobs.status.{status}")
