"""Tables of department assistants: the assistant, its knowledge bases, its shares."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from doum.db.base import Base, new_id, utcnow

DEFAULT_K = 5
"""Passages per answer when an assistant does not set ``k``."""


class Assistant(Base):
    """A department assistant. Chatting with it retrieves only from its knowledge bases
    (still within what the asking user may read), follows its instructions and uses only
    its allowed models; its data class is a floor for every request made with it."""

    __tablename__ = "assistants"
    __table_args__ = (
        CheckConstraint("data_class IN ('C', 'S', 'O')", name="data_class"),
        UniqueConstraint("department_id", "name", name="uq_assistants_department_name"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(Text, default="")
    instructions: Mapped[str] = mapped_column(Text, default="")
    """Added to the system prompt of every turn with this assistant."""
    department_id: Mapped[int] = mapped_column(
        ForeignKey("departments.id", ondelete="RESTRICT"), index=True
    )
    """The owning department: its members may use it, its managers may change it."""
    data_class: Mapped[str] = mapped_column(String(1), default="S")
    allowed_models: Mapped[list[str]] = mapped_column(JSON, default=list)
    """Model names it may use, in order of preference; empty means any allowed model."""
    settings_json: Mapped[dict[str, Any]] = mapped_column("settings", JSON, default=dict)
    """Retrieval options: ``k`` (passages per answer), ``sources_first`` (default mode)."""
    created_by: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class AssistantKnowledgeBase(Base):
    __tablename__ = "assistant_knowledge_bases"

    assistant_id: Mapped[str] = mapped_column(
        ForeignKey("assistants.id", ondelete="CASCADE"), primary_key=True
    )
    kb_id: Mapped[str] = mapped_column(
        ForeignKey("knowledge_bases.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class AssistantShare(Base):
    """A department the assistant is shared with (listed in its members' catalogue)."""

    __tablename__ = "assistant_shares"

    assistant_id: Mapped[str] = mapped_column(
        ForeignKey("assistants.id", ondelete="CASCADE"), primary_key=True
    )
    department_id: Mapped[int] = mapped_column(
        ForeignKey("departments.id", ondelete="CASCADE"), primary_key=True, index=True
    )
