"""Knowledge-base service functions: keyword-only, a Principal first, ACL in every query."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from doum.accounts.models import Department, Group, User
from doum.accounts.principal import Principal
from doum.db.base import utcnow
from doum.knowledge.access import readable_kb_ids, writable_kb_ids
from doum.knowledge.errors import (
    DocumentNotFound,
    KnowledgeBaseConflict,
    KnowledgeBaseNotFound,
    KnowledgeForbidden,
    KnowledgeInvalid,
)
from doum.knowledge.models import (
    DATA_CLASSES,
    Chunk,
    KnowledgeBase,
    KnowledgeBaseAccess,
    KnowledgeDocument,
)


@dataclass(frozen=True, slots=True)
class KnowledgeBaseSummary:
    id: str
    name: str
    description: str
    data_class: str
    department_id: int
    document_count: int
    chunk_count: int
    can_write: bool


def create_knowledge_base(
    session: Session,
    principal: Principal,
    *,
    name: str,
    description: str = "",
    data_class: str = "S",
    department_id: int | None = None,
) -> KnowledgeBase:
    """A new knowledge base owned by ``department_id`` (default: the creator's).

    Administrators may create one for any department, department managers for their own.
    """
    name = name.strip()
    if not 1 <= len(name) <= 100:
        raise KnowledgeInvalid("kb.name_invalid")
    if data_class not in DATA_CLASSES:
        raise KnowledgeInvalid("kb.data_class_invalid", data_class=data_class)
    department_id = department_id if department_id is not None else principal.department_id
    if department_id is None:
        raise KnowledgeInvalid("kb.department_required")
    if not principal.is_admin and not (
        principal.is_department_manager and department_id == principal.department_id
    ):
        raise KnowledgeForbidden("kb.manage_forbidden")
    if session.get(Department, department_id) is None:
        raise KnowledgeInvalid("account.department_unknown", department=department_id)
    if session.scalar(select(KnowledgeBase.id).where(KnowledgeBase.name == name)):
        raise KnowledgeBaseConflict(name=name)
    kb = KnowledgeBase(
        name=name,
        description=description.strip(),
        data_class=data_class,
        department_id=department_id,
        created_by=principal.user_id,
    )
    session.add(kb)
    session.flush()
    return kb


def readable_ids(
    session: Session, principal: Principal, requested: Sequence[str] | None = None
) -> list[str]:
    """Ids of the knowledge bases ``principal`` may read, optionally within ``requested``."""
    query = select(KnowledgeBase.id).where(KnowledgeBase.id.in_(readable_kb_ids(principal)))
    if requested is not None:
        query = query.where(KnowledgeBase.id.in_(list(requested)))
    return list(session.scalars(query.order_by(KnowledgeBase.id)))


def list_knowledge_bases(session: Session, principal: Principal) -> list[KnowledgeBaseSummary]:
    docs = (
        select(
            KnowledgeDocument.kb_id,
            func.count().label("n"),
            func.coalesce(func.sum(KnowledgeDocument.chunk_count), 0).label("chunks"),
        )
        .group_by(KnowledgeDocument.kb_id)
        .subquery()
    )
    writable = set(session.scalars(writable_kb_ids(principal)))
    rows = session.execute(
        select(KnowledgeBase, docs.c.n, docs.c.chunks)
        .outerjoin(docs, docs.c.kb_id == KnowledgeBase.id)
        .where(KnowledgeBase.id.in_(readable_kb_ids(principal)))
        .order_by(KnowledgeBase.name)
    ).all()
    return [
        KnowledgeBaseSummary(
            id=kb.id,
            name=kb.name,
            description=kb.description,
            data_class=kb.data_class,
            department_id=kb.department_id,
            document_count=int(n or 0),
            chunk_count=int(chunks or 0),
            can_write=kb.id in writable,
        )
        for kb, n, chunks in rows
    ]


def get_knowledge_base(session: Session, principal: Principal, ref: str) -> KnowledgeBase:
    """A readable knowledge base by id or name; unknown and unreadable look the same."""
    kb = session.scalar(
        select(KnowledgeBase).where(
            or_(KnowledgeBase.id == ref, KnowledgeBase.name == ref),
            KnowledgeBase.id.in_(readable_kb_ids(principal)),
        )
    )
    if kb is None:
        raise KnowledgeBaseNotFound(name=ref)
    return kb


def get_writable_knowledge_base(session: Session, principal: Principal, ref: str) -> KnowledgeBase:
    """Like :func:`get_knowledge_base`, and the principal may add documents and grant."""
    if principal.is_admin:
        kb = session.scalar(
            select(KnowledgeBase).where(or_(KnowledgeBase.id == ref, KnowledgeBase.name == ref))
        )
        if kb is None:
            raise KnowledgeBaseNotFound(name=ref)
        return kb
    kb = get_knowledge_base(session, principal, ref)
    if kb.id not in set(session.scalars(writable_kb_ids(principal))):
        raise KnowledgeForbidden()
    return kb


def grant_access(
    session: Session,
    principal: Principal,
    *,
    kb_ref: str,
    department_id: int | None = None,
    group_id: int | None = None,
    user_id: int | None = None,
    permission: str = "read",
) -> KnowledgeBaseAccess:
    """Add (or update) one access-list entry. Exactly one grantee must be given."""
    if sum(x is not None for x in (department_id, group_id, user_id)) != 1:
        raise KnowledgeInvalid("kb.grantee_invalid")
    if permission not in ("read", "write"):
        raise KnowledgeInvalid("kb.permission_invalid", permission=permission)
    kb = get_writable_knowledge_base(session, principal, kb_ref)
    for model, value in ((Department, department_id), (Group, group_id), (User, user_id)):
        if value is not None and session.get(model, value) is None:
            raise KnowledgeInvalid("kb.grantee_unknown", grantee=value)
    existing = session.scalar(
        select(KnowledgeBaseAccess).where(
            KnowledgeBaseAccess.kb_id == kb.id,
            KnowledgeBaseAccess.department_id.is_(None)
            if department_id is None
            else KnowledgeBaseAccess.department_id == department_id,
            KnowledgeBaseAccess.group_id.is_(None)
            if group_id is None
            else KnowledgeBaseAccess.group_id == group_id,
            KnowledgeBaseAccess.user_id.is_(None)
            if user_id is None
            else KnowledgeBaseAccess.user_id == user_id,
        )
    )
    if existing is not None:
        existing.permission = permission
        return existing
    entry = KnowledgeBaseAccess(
        kb_id=kb.id,
        department_id=department_id,
        group_id=group_id,
        user_id=user_id,
        permission=permission,
    )
    session.add(entry)
    kb.updated_at = utcnow()
    session.flush()
    return entry


def revoke_access(session: Session, principal: Principal, *, kb_ref: str, access_id: int) -> None:
    kb = get_writable_knowledge_base(session, principal, kb_ref)
    entry = session.get(KnowledgeBaseAccess, access_id)
    if entry is None or entry.kb_id != kb.id:
        raise KnowledgeInvalid("kb.grantee_unknown", grantee=access_id)
    session.delete(entry)


def list_access(
    session: Session, principal: Principal, *, kb_ref: str
) -> list[KnowledgeBaseAccess]:
    kb = get_knowledge_base(session, principal, kb_ref)
    return list(
        session.scalars(
            select(KnowledgeBaseAccess)
            .where(KnowledgeBaseAccess.kb_id == kb.id)
            .order_by(KnowledgeBaseAccess.id)
        )
    )


def list_documents(
    session: Session, principal: Principal, *, kb_ref: str
) -> list[KnowledgeDocument]:
    kb = get_knowledge_base(session, principal, kb_ref)
    return list(
        session.scalars(
            select(KnowledgeDocument)
            .where(KnowledgeDocument.kb_id == kb.id)
            .order_by(KnowledgeDocument.title, KnowledgeDocument.source_path)
        )
    )


def get_document(session: Session, principal: Principal, document_id: str) -> KnowledgeDocument:
    document = session.scalar(
        select(KnowledgeDocument).where(
            KnowledgeDocument.id == document_id,
            KnowledgeDocument.kb_id.in_(readable_kb_ids(principal)),
        )
    )
    if document is None:
        raise DocumentNotFound()
    return document


def document_chunks(session: Session, principal: Principal, document_id: str) -> list[Chunk]:
    """A readable document's chunks in order (for "open the source at this article")."""
    document = get_document(session, principal, document_id)
    return list(
        session.scalars(
            select(Chunk).where(Chunk.document_id == document.id).order_by(Chunk.ordinal)
        )
    )
