"""Reading knowledge: searching, opening a document at the cited place, downloading it.

Every read is audited ("document read or downloaded" is an audit requirement) and goes
through the same access rule as search: a document the user may not read is "not found".
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from doum.accounts.principal import Principal
from doum.accounts.service import Auditing
from doum.db import Database
from doum.errors import NotFound
from doum.knowledge import service
from doum.knowledge.errors import KnowledgeInvalid
from doum.knowledge.models import Chunk, KnowledgeDocument
from doum.retrieval.backend import RetrievalBackend
from doum.retrieval.citations import legal_flags, paragraph_label
from doum.retrieval.search import Mode, SearchResult, run_search
from doum.retrieval.stores.protocol import SearchFilters

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def iso_date(value: str) -> str:
    """``value`` checked as an ISO date (empty stays empty)."""
    value = value.strip()
    if not value:
        return ""
    try:
        if not _ISO_DATE.match(value):
            raise ValueError(value)
        dt.date.fromisoformat(value)
    except ValueError:
        raise KnowledgeInvalid("knowledge.date_invalid", value=value) from None
    return value


def search_filters(
    *, laws: Sequence[str] = (), effective_from: str = "", effective_to: str = ""
) -> SearchFilters | None:
    filters = SearchFilters(
        laws=tuple(law.strip() for law in laws if law.strip()),
        effective_from=iso_date(effective_from),
        effective_to=iso_date(effective_to),
    )
    return None if filters.is_empty() else filters


def audited_search(
    database: Database,
    backend: RetrievalBackend,
    principal: Principal,
    auditing: Auditing,
    *,
    query: str,
    kb_ids: Sequence[str] | None = None,
    filters: SearchFilters | None = None,
    mode: Mode = "hybrid",
    k: int = 10,
) -> SearchResult:
    """:func:`doum.retrieval.search.run_search` as ``principal``, recorded in the audit log
    with the query, the scope and the chunks returned."""
    result = run_search(
        principal,
        query,
        kb_ids=kb_ids,
        filters=filters,
        mode=mode,
        k=k,
        database=database,
        backend=backend,
    )
    with database.session() as session:
        auditing.log.record(
            session,
            context=auditing.context,
            action="knowledge.search",
            target_type="knowledge_base",
            target_id=",".join(kb_ids or [])[:200],
            data_class=result.data_class or "",
            details={
                "query": result.query,
                "mode": result.mode,
                "kb_ids": list(kb_ids) if kb_ids else None,
                "filters": _filters_dict(filters),
                "hits": len(result.hits),
                "chunk_ids": [h.chunk_id for h in result.hits],
            },
        )
    return result


def _filters_dict(filters: SearchFilters | None) -> dict[str, Any]:
    if filters is None:
        return {}
    return {
        "laws": list(filters.laws),
        "effective_from": filters.effective_from,
        "effective_to": filters.effective_to,
    }


# --- the document view ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DocumentSection:
    """One chunk as shown on the document page, with the anchors citations link to."""

    chunk_id: str
    anchor: str
    """``chunk-<id>``: every citation links here."""
    article_anchor: str
    """``article-제2조`` on the first piece of an article (empty otherwise)."""
    chapter: str
    """Shown above the section when it differs from the previous one."""
    heading: str
    text: str
    page: int | None
    paragraph: str
    effective_date: str
    legal_status: str
    flag_messages: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class DocumentView:
    id: str
    kb_id: str
    kb_name: str
    title: str
    filename: str
    format: str
    data_class: str
    status: str
    metadata: dict[str, str]
    sections: list[DocumentSection] = field(default_factory=list)
    downloadable: bool = False


def article_anchor(article: str) -> str:
    return "article-" + re.sub(r"\s+", "-", article.strip()) if article else ""


def _sections(chunks: Sequence[Chunk]) -> list[DocumentSection]:
    out: list[DocumentSection] = []
    seen_articles: set[str] = set()
    previous_chapter = previous_path = ""
    for chunk in chunks:
        chapter = chunk.chapter or ""
        path = " > ".join(chunk.heading_path or [])
        anchor = ""
        if chunk.article:
            heading = chunk.article + (f"({chunk.article_title})" if chunk.article_title else "")
            if chunk.paragraph:
                heading += " " + paragraph_label(chunk.paragraph)
            if chunk.article not in seen_articles:
                seen_articles.add(chunk.article)
                anchor = article_anchor(chunk.article)
        else:
            heading = path if path != previous_path else ""
        _, messages = legal_flags(chunk.effective_date, chunk.legal_status)
        out.append(
            DocumentSection(
                chunk_id=chunk.id,
                anchor=f"chunk-{chunk.id}",
                article_anchor=anchor,
                chapter=chapter if chapter != previous_chapter else "",
                heading=heading,
                text=chunk.text,
                page=chunk.page,
                paragraph=chunk.paragraph,
                effective_date=chunk.effective_date,
                legal_status=chunk.legal_status,
                flag_messages=messages,
            )
        )
        previous_chapter, previous_path = chapter, path
    return out


_SHOWN_METADATA = (
    "법령구분",
    "소관부처",
    "공포일자",
    "시행일자",
    "상태",
    "공포번호",
    "작성자",
    "작성일",
)


def read_document(
    session: Session, principal: Principal, auditing: Auditing, *, document_id: str
) -> DocumentView:
    """A readable document with its passages in order, for the page that citations open."""
    document = service.get_document(session, principal, document_id)
    kb = service.get_knowledge_base(session, principal, document.kb_id)
    chunks = service.document_chunks(session, principal, document.id)
    auditing.log.record(
        session,
        context=auditing.context,
        action="knowledge.document_read",
        target_type="knowledge_document",
        target_id=document.id,
        data_class=document.data_class,
        details={"kb_id": kb.id, "title": document.title},
    )
    metadata = document.metadata_json or {}
    return DocumentView(
        id=document.id,
        kb_id=kb.id,
        kb_name=kb.name,
        title=document.title or document.filename,
        filename=document.filename,
        format=document.format,
        data_class=document.data_class,
        status=document.status,
        metadata={k: str(metadata[k]) for k in _SHOWN_METADATA if metadata.get(k)},
        sections=_sections(chunks),
        downloadable=_file_of(document) is not None,
    )


def _file_of(document: KnowledgeDocument) -> Path | None:
    path = Path(document.stored_path or document.source_path.removeprefix("upload:"))
    return path if path.is_file() else None


def document_file(
    session: Session, principal: Principal, auditing: Auditing, *, document_id: str
) -> tuple[Path, str]:
    """The original file of a readable document and its download name (audited)."""
    document = service.get_document(session, principal, document_id)
    path = _file_of(document)
    if path is None:
        raise NotFound("knowledge.file_missing")
    auditing.log.record(
        session,
        context=auditing.context,
        action="knowledge.document_download",
        target_type="knowledge_document",
        target_id=document.id,
        data_class=document.data_class,
        details={"kb_id": document.kb_id, "filename": document.filename},
    )
    return path, document.filename or path.name
