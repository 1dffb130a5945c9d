"""Who sees and who may change a department assistant, as SQL and plain checks.

Who sees an assistant (the catalogue): members of its owning department, members of the
departments it is shared with, its creator, and administrators. Who may change it:
administrators, managers of the owning department, and its creator. Creating one needs
the ``department_manager`` role (for one's own department) or ``admin``.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, or_, select
from sqlalchemy.orm import Session

from doum.accounts.principal import Principal
from doum.assistants.errors import AssistantNotFound
from doum.assistants.models import Assistant, AssistantKnowledgeBase, AssistantShare
from doum.knowledge.access import readable_kb_ids
from doum.knowledge.models import KnowledgeBase


def visible_assistant_ids(principal: Principal) -> Select[Any]:
    """A SELECT of the ids of the assistants ``principal`` may see and use."""
    if principal.is_admin:
        return select(Assistant.id)
    conditions: list[ColumnElement[bool]] = [Assistant.created_by == principal.user_id]
    if principal.department_id is not None:
        conditions.append(Assistant.department_id == principal.department_id)
        conditions.append(
            Assistant.id.in_(
                select(AssistantShare.assistant_id).where(
                    AssistantShare.department_id == principal.department_id
                )
            )
        )
    return select(Assistant.id).where(or_(*conditions))


def may_edit(principal: Principal, assistant: Assistant) -> bool:
    return (
        principal.is_admin
        or assistant.created_by == principal.user_id
        or (
            principal.is_department_manager
            and principal.department_id is not None
            and assistant.department_id == principal.department_id
        )
    )


def get_assistant(session: Session, principal: Principal, ref: str) -> Assistant:
    """A visible assistant by id (or by name when the name is unambiguous)."""
    assistant = session.scalar(
        select(Assistant).where(
            Assistant.id == ref, Assistant.id.in_(visible_assistant_ids(principal))
        )
    )
    if assistant is None:
        named = list(
            session.scalars(
                select(Assistant).where(
                    Assistant.name == ref, Assistant.id.in_(visible_assistant_ids(principal))
                )
            )
        )
        if len(named) != 1:
            raise AssistantNotFound(name=ref)
        assistant = named[0]
    return assistant


def assistant_kb_ids(session: Session, assistant_id: str) -> list[str]:
    return list(
        session.scalars(
            select(AssistantKnowledgeBase.kb_id)
            .where(AssistantKnowledgeBase.assistant_id == assistant_id)
            .order_by(AssistantKnowledgeBase.kb_id)
        )
    )


def shared_ids(session: Session, assistant_id: str) -> list[int]:
    return list(
        session.scalars(
            select(AssistantShare.department_id)
            .where(AssistantShare.assistant_id == assistant_id)
            .order_by(AssistantShare.department_id)
        )
    )


def share_gaps(session: Session, assistant: Assistant) -> list[tuple[int, str]]:
    """(department id, knowledge base id) pairs where a shared department's members
    cannot read one of the assistant's knowledge bases (by department membership)."""
    kb_ids = assistant_kb_ids(session, assistant.id)
    gaps: list[tuple[int, str]] = []
    for department_id in shared_ids(session, assistant.id):
        member = Principal(user_id=-1, username="", department_id=department_id)
        readable = set(
            session.scalars(
                select(KnowledgeBase.id).where(
                    KnowledgeBase.id.in_(kb_ids), KnowledgeBase.id.in_(readable_kb_ids(member))
                )
            )
        )
        gaps.extend((department_id, kb_id) for kb_id in kb_ids if kb_id not in readable)
    return gaps


def can_create(principal: Principal) -> bool:
    return principal.is_admin or (
        principal.is_department_manager and principal.department_id is not None
    )
