"""Knowledge bases (지식베이스), who may read them, their documents and chunks.

The relational rows here are the source of truth for chunk text and citations; the
search index (morpheme terms and vectors) lives in a :class:`doum.retrieval.stores`
store keyed by the same chunk ids.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from doum.db.base import Base, new_id, utcnow

DATA_CLASSES = ("C", "S", "O")
"""기밀, 민감, 공개 — ordered from highest to lowest."""

DOCUMENT_STATUSES = ("queued", "parsing", "indexing", "done", "error")


class KnowledgeBase(Base):
    __tablename__ = "knowledge_bases"
    __table_args__ = (CheckConstraint("data_class IN ('C', 'S', 'O')", name="data_class"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    department_id: Mapped[int] = mapped_column(
        ForeignKey("departments.id", ondelete="RESTRICT"), index=True
    )
    """The owning department: its members may read and write."""
    data_class: Mapped[str] = mapped_column(String(1), default="S")
    created_by: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    source_path: Mapped[str] = mapped_column(String(1000), default="")
    """A folder last synchronised into this knowledge base (``doum kb sync``)."""
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class KnowledgeBaseAccess(Base):
    """One entry of a knowledge base's access list: a department, a group or a user."""

    __tablename__ = "knowledge_base_access"
    __table_args__ = (
        CheckConstraint(
            "(CASE WHEN department_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN group_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN user_id IS NULL THEN 0 ELSE 1 END) = 1",
            name="one_grantee",
        ),
        CheckConstraint("permission IN ('read', 'write')", name="permission"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kb_id: Mapped[str] = mapped_column(
        ForeignKey("knowledge_bases.id", ondelete="CASCADE"), index=True
    )
    department_id: Mapped[int | None] = mapped_column(
        ForeignKey("departments.id", ondelete="CASCADE"), default=None, index=True
    )
    group_id: Mapped[int | None] = mapped_column(
        ForeignKey("groups.id", ondelete="CASCADE"), default=None, index=True
    )
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), default=None, index=True
    )
    permission: Mapped[str] = mapped_column(String(8), default="read")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class KnowledgeDocument(Base):
    __tablename__ = "knowledge_documents"
    __table_args__ = (
        UniqueConstraint("kb_id", "source_path", name="uq_kb_source"),
        CheckConstraint("data_class IN ('C', 'S', 'O')", name="data_class"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    kb_id: Mapped[str] = mapped_column(ForeignKey("knowledge_bases.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(300), default="")
    source_path: Mapped[str] = mapped_column(String(1000))
    """Where the file came from: an absolute path (ingest/sync) or ``upload:<name>``."""
    filename: Mapped[str] = mapped_column(String(300), default="")
    stored_path: Mapped[str] = mapped_column(String(1000), default="")
    """The file the worker reads (a copy under the data dir for uploads)."""
    content_hash: Mapped[str] = mapped_column(String(64), default="")
    """SHA-256 of the file; unchanged files are not re-indexed."""
    indexed_hash: Mapped[str] = mapped_column(String(64), default="")
    """The content hash whose chunks are in the index now."""
    format: Mapped[str] = mapped_column(String(16), default="")
    metadata_json: Mapped[dict[str, Any]] = mapped_column("metadata", JSON, default=dict)
    data_class: Mapped[str] = mapped_column(String(1), default="S")
    status: Mapped[str] = mapped_column(String(16), default="queued")
    """queued | parsing | indexing | done | error"""
    error_code: Mapped[str] = mapped_column(String(64), default="")
    error_message: Mapped[str] = mapped_column(Text, default="")
    progress: Mapped[float] = mapped_column(default=0.0)
    chunk_count: Mapped[int] = mapped_column(default=0)
    vector_count: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


Index("ix_knowledge_documents_kb_status", KnowledgeDocument.kb_id, KnowledgeDocument.status)


class Chunk(Base):
    """One retrievable passage with everything needed to cite it."""

    __tablename__ = "knowledge_chunks"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    """Deterministic: a hash of (document, ordinal, text), so re-indexing the same content
    gives the same ids and keeps their vectors."""
    document_id: Mapped[str] = mapped_column(
        ForeignKey("knowledge_documents.id", ondelete="CASCADE"), index=True
    )
    kb_id: Mapped[str] = mapped_column(
        ForeignKey("knowledge_bases.id", ondelete="CASCADE"), index=True
    )
    ordinal: Mapped[int]
    text: Mapped[str] = mapped_column(Text)
    heading: Mapped[str] = mapped_column(String(500), default="")
    """The line shown above the passage: "행정기본법 제2조(정의)" or a manual's heading path."""
    heading_path: Mapped[list[str]] = mapped_column(JSON, default=list)
    law: Mapped[str] = mapped_column(String(200), default="")
    chapter: Mapped[str] = mapped_column(String(200), default="")
    article: Mapped[str] = mapped_column(String(32), default="")
    article_title: Mapped[str] = mapped_column(String(200), default="")
    paragraph: Mapped[str] = mapped_column(String(32), default="")
    page: Mapped[int | None] = mapped_column(default=None)
    effective_date: Mapped[str] = mapped_column(String(10), default="")
    """시행일자, ISO "YYYY-MM-DD" (statutes)."""
    legal_status: Mapped[str] = mapped_column(String(16), default="")
    """상태 of the statute: "시행", "폐지", "시행예정" …"""
    data_class: Mapped[str] = mapped_column(String(1), default="S")
    token_count: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
