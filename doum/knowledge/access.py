"""Who may read or write a knowledge base, as SQL that every query embeds.

Readers of a knowledge base: members of its owning department, the user who created
it, and every department, group or user on its access list. Administrators manage
knowledge bases but read their content only through the same rules. Writers: the
owning department's managers, the creator, and grantees with ``write``; administrators
may also write (they run ingestion for the whole organisation).
"""

from __future__ import annotations

from sqlalchemy import Select, false, or_, select, union
from sqlalchemy.sql.elements import ColumnElement

from doum.accounts.principal import Principal
from doum.knowledge.models import KnowledgeBase, KnowledgeBaseAccess


def _grantee_match(principal: Principal) -> ColumnElement[bool]:
    conditions: list[ColumnElement[bool]] = [KnowledgeBaseAccess.user_id == principal.user_id]
    if principal.department_id is not None:
        conditions.append(KnowledgeBaseAccess.department_id == principal.department_id)
    if principal.group_ids:
        conditions.append(KnowledgeBaseAccess.group_id.in_(sorted(principal.group_ids)))
    return or_(*conditions)


def readable_kb_ids(principal: Principal) -> Select[tuple[str]]:
    """A SELECT of the ids of every knowledge base ``principal`` may read."""
    owned = select(KnowledgeBase.id).where(
        or_(
            KnowledgeBase.created_by == principal.user_id,
            KnowledgeBase.department_id == principal.department_id
            if principal.department_id is not None
            else false(),
        )
    )
    granted = select(KnowledgeBaseAccess.kb_id).where(_grantee_match(principal))
    return select(union(owned, granted).subquery().c[0])


def writable_kb_ids(principal: Principal) -> Select[tuple[str]]:
    """A SELECT of the ids of every knowledge base ``principal`` may add documents to."""
    if principal.is_admin:
        return select(KnowledgeBase.id)
    conditions: list[ColumnElement[bool]] = [KnowledgeBase.created_by == principal.user_id]
    if principal.department_id is not None and principal.is_department_manager:
        conditions.append(KnowledgeBase.department_id == principal.department_id)
    owned = select(KnowledgeBase.id).where(or_(*conditions))
    granted = select(KnowledgeBaseAccess.kb_id).where(
        _grantee_match(principal), KnowledgeBaseAccess.permission == "write"
    )
    return select(union(owned, granted).subquery().c[0])
