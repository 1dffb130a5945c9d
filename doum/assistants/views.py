"""What the catalogue and the API show of an assistant."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from doum.accounts.models import Department
from doum.accounts.principal import Principal
from doum.assistants.access import (
    assistant_kb_ids,
    may_edit,
    share_gaps,
    shared_ids,
    visible_assistant_ids,
)
from doum.assistants.models import DEFAULT_K, Assistant
from doum.knowledge.access import readable_kb_ids
from doum.knowledge.models import KnowledgeBase


@dataclass(frozen=True, slots=True)
class AssistantView:
    id: str
    name: str
    description: str
    instructions: str
    department_id: int
    department: str
    data_class: str
    allowed_models: list[str]
    knowledge_bases: list[dict[str, Any]]
    """``id``, ``name``, ``data_class`` of the knowledge bases the viewer may read;
    ``hidden`` counts the others (their names are not shown)."""
    hidden_knowledge_bases: int
    shared_departments: list[dict[str, Any]]
    k: int
    sources_first: bool
    can_edit: bool
    created_at: str
    updated_at: str
    gaps: list[dict[str, Any]] = field(default_factory=list)
    """For editors: shared departments that cannot read one of its knowledge bases."""


def _department_names(session: Session, ids: Collection[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(
        session.execute(select(Department.id, Department.name).where(Department.id.in_(ids))).all()  # type: ignore[arg-type]
    )


def assistant_view(session: Session, principal: Principal, assistant: Assistant) -> AssistantView:
    kb_ids = assistant_kb_ids(session, assistant.id)
    readable = (
        session.execute(
            select(KnowledgeBase.id, KnowledgeBase.name, KnowledgeBase.data_class)
            .where(KnowledgeBase.id.in_(kb_ids), KnowledgeBase.id.in_(readable_kb_ids(principal)))
            .order_by(KnowledgeBase.name)
        ).all()
        if kb_ids
        else []
    )
    shared = shared_ids(session, assistant.id)
    names = _department_names(session, {assistant.department_id, *shared})
    can_edit = may_edit(principal, assistant)
    kb_names = {row.id: row.name for row in readable}
    gaps = (
        [
            {
                "department_id": d,
                "department": names.get(d, str(d)),
                "kb_id": k,
                "kb": kb_names.get(k, ""),
            }
            for d, k in share_gaps(session, assistant)
        ]
        if can_edit
        else []
    )
    settings = dict(assistant.settings_json or {})
    return AssistantView(
        id=assistant.id,
        name=assistant.name,
        description=assistant.description,
        instructions=assistant.instructions,
        department_id=assistant.department_id,
        department=names.get(assistant.department_id, ""),
        data_class=assistant.data_class,
        allowed_models=list(assistant.allowed_models or []),
        knowledge_bases=[
            {"id": row.id, "name": row.name, "data_class": row.data_class} for row in readable
        ],
        hidden_knowledge_bases=len(kb_ids) - len(readable),
        shared_departments=[{"id": d, "name": names.get(d, str(d))} for d in shared],
        k=int(settings.get("k", DEFAULT_K)),
        sources_first=bool(settings.get("sources_first", False)),
        can_edit=can_edit,
        created_at=assistant.created_at.isoformat(timespec="seconds"),
        updated_at=assistant.updated_at.isoformat(timespec="seconds"),
        gaps=gaps,
    )


def list_assistants(session: Session, principal: Principal) -> list[AssistantView]:
    """The catalogue: every assistant ``principal`` may see, by name."""
    rows = session.scalars(
        select(Assistant)
        .where(Assistant.id.in_(visible_assistant_ids(principal)))
        .order_by(Assistant.name, Assistant.id)
    )
    return [assistant_view(session, principal, a) for a in rows]
