"""Tables of the drafting studio: templates, project facts, drafts (with their source
files, revisions and tool suggestions) and the shared prompt / use-case library.

The Korean default templates are not rows: they ship with the code
(:mod:`doum.drafting.defaults`) and are addressed by their key (``press-release``).
Rows hold what people make: organisation, department and personal templates.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from doum.db.base import Base, new_id, utcnow

DATA_CLASS_CHECK = "data_class IN ('C', 'S', 'O')"
TEMPLATE_SCOPES = ("organisation", "department", "personal")
LIBRARY_KINDS = ("prompt", "template", "case")
LIBRARY_VISIBILITY = ("private", "department", "organisation")
LIBRARY_CATEGORIES = (
    "자료조사",
    "문서작성",
    "데이터분석",
    "자료제작",
    "아이디어",
    "번역",
    "프로그래밍",
)


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN (" + ", ".join(f"'{v}'" for v in values) + ")"


class DraftTemplate(Base):
    """A template made by someone: for the whole organisation (administrators), one
    department (its managers) or one person (anyone, often a copy)."""

    __tablename__ = "draft_templates"
    __table_args__ = (
        CheckConstraint(_in("scope", TEMPLATE_SCOPES), name="scope"),
        CheckConstraint(DATA_CLASS_CHECK, name="data_class"),
        CheckConstraint(
            "(scope = 'organisation')"
            " OR (scope = 'department' AND department_id IS NOT NULL)"
            " OR (scope = 'personal' AND owner_id IS NOT NULL)",
            name="scope_owner",
        ),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(100))
    doc_type: Mapped[str] = mapped_column(String(32))
    description: Mapped[str] = mapped_column(Text, default="")
    scope: Mapped[str] = mapped_column(String(16), default="personal")
    department_id: Mapped[int | None] = mapped_column(
        ForeignKey("departments.id", ondelete="CASCADE"), default=None, index=True
    )
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), default=None, index=True
    )
    data_class: Mapped[str] = mapped_column(String(1), default="S")
    """Default data class of drafts made from this template."""
    definition: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    """fields, instructions, skeleton, sections, variants, style (see TemplateSpec)."""
    source_key: Mapped[str] = mapped_column(String(64), default="")
    """The template this one was copied from (a default's key or a row id)."""
    created_by: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class FactSet(Base):
    """One project's facts (사업명, 추진배경, 기대효과, 투자계획 …), reused by every
    template that asks for them."""

    __tablename__ = "draft_fact_sets"
    __table_args__ = (CheckConstraint(DATA_CLASS_CHECK, name="data_class"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    department_id: Mapped[int | None] = mapped_column(
        ForeignKey("departments.id", ondelete="SET NULL"), default=None, index=True
    )
    shared: Mapped[bool] = mapped_column(default=False)
    """Visible to (and editable by) the owner's department."""
    name: Mapped[str] = mapped_column(String(200))
    facts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    data_class: Mapped[str] = mapped_column(String(1), default="S")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class Draft(Base):
    __tablename__ = "drafts"
    __table_args__ = (CheckConstraint(DATA_CLASS_CHECK, name="data_class"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    department_id: Mapped[int | None] = mapped_column(
        ForeignKey("departments.id", ondelete="SET NULL"), default=None
    )
    template_id: Mapped[str] = mapped_column(String(64), default="")
    template_name: Mapped[str] = mapped_column(String(100), default="")
    doc_type: Mapped[str] = mapped_column(String(32), default="free")
    title: Mapped[str] = mapped_column(String(300), default="새 초안")
    fields: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    content: Mapped[str] = mapped_column(Text, default="")
    data_class: Mapped[str] = mapped_column(String(1), default="S")
    model: Mapped[str] = mapped_column(String(64), default="")
    status: Mapped[str] = mapped_column(String(16), default="new")
    """new | generating | complete | stopped | error"""
    knowledge_base_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    sources: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    """The passages the last generation was grounded on, numbered [1], [2] …"""
    checks: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    """Section, style and number checks of the current content."""
    fact_set_id: Mapped[str | None] = mapped_column(
        ForeignKey("draft_fact_sets.id", ondelete="SET NULL"), default=None
    )
    prompt_tokens: Mapped[int] = mapped_column(default=0)
    completion_tokens: Mapped[int] = mapped_column(default=0)
    latency_ms: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


Index("ix_drafts_owner_updated", Draft.owner_id, Draft.updated_at)


class DraftAttachment(Base):
    """A file a draft is grounded on, kept as structured markdown text."""

    __tablename__ = "draft_attachments"
    __table_args__ = (CheckConstraint(DATA_CLASS_CHECK, name="data_class"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    draft_id: Mapped[str] = mapped_column(ForeignKey("drafts.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    format: Mapped[str] = mapped_column(String(16), default="")
    size: Mapped[int] = mapped_column(default=0)
    data_class: Mapped[str] = mapped_column(String(1), default="S")
    text: Mapped[str] = mapped_column(Text, default="")
    section_count: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class DraftRevision(Base):
    __tablename__ = "draft_revisions"
    __table_args__ = (UniqueConstraint("draft_id", "seq", name="uq_draft_revisions_seq"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    draft_id: Mapped[str] = mapped_column(ForeignKey("drafts.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int]
    content: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(16), default="edit")
    """generate | edit | proofread | plain | summarise | translate | restore"""
    created_by: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class DraftSuggestion(Base):
    """What an editing tool proposed for a draft, accepted or rejected change by change."""

    __tablename__ = "draft_suggestions"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    draft_id: Mapped[str] = mapped_column(ForeignKey("drafts.id", ondelete="CASCADE"), index=True)
    tool: Mapped[str] = mapped_column(String(16))
    """proofread | plain | summarise | translate"""
    base_content: Mapped[str] = mapped_column(Text, default="")
    proposed: Mapped[str] = mapped_column(Text, default="")
    hunks: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    meta: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(16), default="open")
    """open | applied | discarded"""
    model: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class LibraryItem(Base):
    """A shared prompt, template or short use-case write-up (활용 사례)."""

    __tablename__ = "library_items"
    __table_args__ = (
        CheckConstraint(_in("kind", LIBRARY_KINDS), name="kind"),
        CheckConstraint(_in("category", LIBRARY_CATEGORIES), name="category"),
        CheckConstraint(_in("visibility", LIBRARY_VISIBILITY), name="visibility"),
        CheckConstraint(DATA_CLASS_CHECK, name="data_class"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    department_id: Mapped[int | None] = mapped_column(
        ForeignKey("departments.id", ondelete="SET NULL"), default=None, index=True
    )
    kind: Mapped[str] = mapped_column(String(16), default="prompt")
    category: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text, default="")
    tags: Mapped[str] = mapped_column(String(300), default="")
    visibility: Mapped[str] = mapped_column(String(16), default="department")
    data_class: Mapped[str] = mapped_column(String(1), default="O")
    template: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    """For ``kind = template``: a snapshot of the template's definition."""
    source_id: Mapped[str | None] = mapped_column(String(32), default=None)
    like_count: Mapped[int] = mapped_column(default=0)
    copy_count: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class LibraryLike(Base):
    __tablename__ = "library_likes"

    item_id: Mapped[str] = mapped_column(
        ForeignKey("library_items.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
