"""The shared prompt / use-case library (활용 사례): staff share prompts, templates and
short write-ups, search them, like them and copy them into their own.

Visibility is enforced in the query: ``private`` (the author), ``department`` (the
author's department) and ``organisation`` (everyone). What may be shared how far
follows the data class: C stays private, S may reach the department, O everyone.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, delete, func, insert, or_, select, update
from sqlalchemy.orm import Session

from doum.accounts.models import Department, User
from doum.accounts.principal import Principal
from doum.accounts.service import Auditing
from doum.db.base import utcnow
from doum.drafting.errors import DraftingForbidden, DraftingInvalid, DraftingNotFound
from doum.drafting.models import (
    LIBRARY_CATEGORIES,
    LIBRARY_KINDS,
    LIBRARY_VISIBILITY,
    LibraryItem,
    LibraryLike,
)
from doum.drafting.spec import parse_definition
from doum.drafting.templates import create_template, get_template

VISIBILITY_LABELS = {"private": "나만", "department": "우리 부서", "organisation": "기관 전체"}
KIND_LABELS = {"prompt": "프롬프트", "template": "템플릿", "case": "활용 사례"}
_REACH = {"C": ("private",), "S": ("private", "department"), "O": LIBRARY_VISIBILITY}


def visible_to(principal: Principal) -> ColumnElement[bool]:
    conditions: list[ColumnElement[bool]] = [
        LibraryItem.owner_id == principal.user_id,
        LibraryItem.visibility == "organisation",
    ]
    if principal.department_id is not None:
        conditions.append(
            (LibraryItem.visibility == "department")
            & (LibraryItem.department_id == principal.department_id)
        )
    return or_(*conditions)


@dataclass(frozen=True, slots=True)
class LibraryView:
    item: LibraryItem
    author: str
    department: str
    liked: bool

    def to_dict(self) -> dict[str, Any]:
        item = self.item
        return {
            "id": item.id,
            "kind": item.kind,
            "kind_label": KIND_LABELS[item.kind],
            "category": item.category,
            "title": item.title,
            "summary": item.summary,
            "body": item.body,
            "tags": [t for t in item.tags.split(",") if t],
            "visibility": item.visibility,
            "visibility_label": VISIBILITY_LABELS[item.visibility],
            "data_class": item.data_class,
            "has_template": item.template is not None,
            "like_count": item.like_count,
            "copy_count": item.copy_count,
            "liked": self.liked,
            "author": self.author,
            "department": self.department,
            "owner_id": item.owner_id,
            "source_id": item.source_id,
            "created_at": item.created_at.isoformat(timespec="seconds"),
            "updated_at": item.updated_at.isoformat(timespec="seconds"),
        }


def _validate(data: dict[str, Any]) -> dict[str, Any]:
    kind = data.get("kind", "prompt")
    if kind not in LIBRARY_KINDS:
        raise DraftingInvalid("drafting.library_invalid", detail=f"종류: {kind}")
    category = data.get("category", "")
    if category not in LIBRARY_CATEGORIES:
        raise DraftingInvalid("drafting.category_invalid", category=category)
    visibility = data.get("visibility", "department")
    if visibility not in LIBRARY_VISIBILITY:
        raise DraftingInvalid("drafting.library_invalid", detail=f"공개 범위: {visibility}")
    data_class = data.get("data_class", "O")
    if data_class not in ("C", "S", "O"):
        raise DraftingInvalid("drafting.class_invalid", data_class=data_class)
    if visibility not in _REACH[data_class]:
        raise DraftingForbidden(
            "drafting.library_class",
            data_class=data_class,
            visibility=VISIBILITY_LABELS[visibility],
        )
    title = " ".join(str(data.get("title", "")).split())
    if not 1 <= len(title) <= 200:
        raise DraftingInvalid("drafting.library_invalid", detail="제목은 1~200자여야 합니다")
    body = str(data.get("body", ""))
    if len(body) > 50_000:
        raise DraftingInvalid("drafting.library_invalid", detail="본문은 50,000자까지입니다")
    tags = data.get("tags") or []
    if isinstance(tags, str):
        tags = tags.split(",")
    tags = [t.strip().lstrip("#")[:30] for t in tags if t.strip()][:10]
    return {
        "kind": kind,
        "category": category,
        "visibility": visibility,
        "data_class": data_class,
        "title": title,
        "summary": str(data.get("summary", ""))[:2000].strip(),
        "body": body.strip(),
        "tags": ",".join(tags)[:300],
    }


def _views(session: Session, principal: Principal, items: list[LibraryItem]) -> list[LibraryView]:
    if not items:
        return []
    ids = [i.id for i in items]
    liked = set(
        session.scalars(
            select(LibraryLike.item_id).where(
                LibraryLike.user_id == principal.user_id, LibraryLike.item_id.in_(ids)
            )
        )
    )
    owners = {i.owner_id for i in items}
    names = {
        uid: (name or username, dept or "")
        for uid, name, username, dept in session.execute(
            select(User.id, User.display_name, User.username, Department.name)
            .outerjoin(Department, Department.id == User.department_id)
            .where(User.id.in_(owners))
        )
    }
    return [
        LibraryView(i, *names.get(i.owner_id, ("(알 수 없음)", "")), liked=i.id in liked)
        for i in items
    ]


def search_library(
    session: Session,
    principal: Principal,
    *,
    query: str = "",
    category: str = "",
    kind: str = "",
    mine: bool = False,
    order: str = "popular",
    limit: int = 50,
    offset: int = 0,
) -> list[LibraryView]:
    stmt = select(LibraryItem).where(visible_to(principal))
    if mine:
        stmt = stmt.where(LibraryItem.owner_id == principal.user_id)
    if category:
        stmt = stmt.where(LibraryItem.category == category)
    if kind:
        stmt = stmt.where(LibraryItem.kind == kind)
    for word in query.split()[:8]:
        like = f"%{word}%"
        stmt = stmt.where(
            or_(
                LibraryItem.title.ilike(like),
                LibraryItem.summary.ilike(like),
                LibraryItem.body.ilike(like),
                LibraryItem.tags.ilike(like),
            )
        )
    if order == "recent":
        stmt = stmt.order_by(LibraryItem.created_at.desc())
    else:
        stmt = stmt.order_by(
            (LibraryItem.like_count + LibraryItem.copy_count).desc(), LibraryItem.created_at.desc()
        )
    items = list(session.scalars(stmt.limit(limit).offset(offset)))
    return _views(session, principal, items)


def _visible_item(session: Session, principal: Principal, item_id: str) -> LibraryItem:
    item = session.scalar(
        select(LibraryItem).where(LibraryItem.id == item_id, visible_to(principal))
    )
    if item is None:
        raise DraftingNotFound("drafting.library_not_found")
    return item


def get_item(session: Session, principal: Principal, item_id: str) -> LibraryView:
    return _views(session, principal, [_visible_item(session, principal, item_id)])[0]


def _audit(
    session: Session, auditing: Auditing, action: str, item: LibraryItem, details: dict[str, Any]
) -> None:
    auditing.log.record(
        session,
        context=auditing.context,
        action=action,
        target_type="library_item",
        target_id=item.id,
        data_class=item.data_class,
        details={"title": item.title, "visibility": item.visibility, **details},
    )


def share(
    session: Session,
    principal: Principal,
    auditing: Auditing,
    *,
    data: dict[str, Any],
    template_id: str | None = None,
) -> LibraryView:
    """Publish a prompt, a write-up or (with ``template_id``) a template."""
    clean = _validate(data)
    if clean["visibility"] == "department" and principal.department_id is None:
        raise DraftingInvalid("drafting.department_required")
    snapshot = None
    if template_id:
        spec = get_template(session, principal, template_id)
        snapshot = {
            **spec.definition(),
            "name": spec.name,
            "doc_type": spec.doc_type,
            "description": spec.description,
            "data_class": spec.data_class,
        }
        clean["kind"] = "template"
    elif clean["kind"] == "template":
        raise DraftingInvalid("drafting.library_invalid", detail="공유할 템플릿을 고르세요")
    item = LibraryItem(
        owner_id=principal.user_id,
        department_id=principal.department_id,
        template=snapshot,
        **clean,
    )
    session.add(item)
    session.flush()
    _audit(session, auditing, "library.share", item, {"kind": item.kind, "body": item.body})
    return _views(session, principal, [item])[0]


def update_item(
    session: Session,
    principal: Principal,
    auditing: Auditing,
    *,
    item_id: str,
    data: dict[str, Any],
) -> LibraryView:
    item = _visible_item(session, principal, item_id)
    if item.owner_id != principal.user_id:
        raise DraftingForbidden("drafting.library_forbidden")
    clean = _validate({**_current(item), **data, "kind": item.kind})
    for key, value in clean.items():
        setattr(item, key, value)
    item.updated_at = utcnow()
    session.flush()
    _audit(session, auditing, "library.update", item, {"changes": sorted(data)})
    return _views(session, principal, [item])[0]


def _current(item: LibraryItem) -> dict[str, Any]:
    return {
        "category": item.category,
        "visibility": item.visibility,
        "data_class": item.data_class,
        "title": item.title,
        "summary": item.summary,
        "body": item.body,
        "tags": item.tags,
    }


def delete_item(
    session: Session, principal: Principal, auditing: Auditing, *, item_id: str
) -> None:
    item = _visible_item(session, principal, item_id)
    if item.owner_id != principal.user_id and not principal.is_admin:
        raise DraftingForbidden("drafting.library_forbidden")
    _audit(session, auditing, "library.delete", item, {})
    session.delete(item)


def set_like(
    session: Session, principal: Principal, auditing: Auditing, *, item_id: str, liked: bool
) -> LibraryView:
    item = _visible_item(session, principal, item_id)
    exists = session.scalar(
        select(LibraryLike.item_id).where(
            LibraryLike.item_id == item.id, LibraryLike.user_id == principal.user_id
        )
    )
    if liked and not exists:
        session.execute(
            insert(LibraryLike).values(
                item_id=item.id, user_id=principal.user_id, created_at=utcnow()
            )
        )
    elif not liked and exists:
        session.execute(
            delete(LibraryLike).where(
                LibraryLike.item_id == item.id, LibraryLike.user_id == principal.user_id
            )
        )
    else:
        return _views(session, principal, [item])[0]
    count = select(func.count()).where(LibraryLike.item_id == item.id).scalar_subquery()
    session.execute(update(LibraryItem).where(LibraryItem.id == item.id).values(like_count=count))
    session.refresh(item)
    _audit(session, auditing, "library.like" if liked else "library.unlike", item, {})
    return _views(session, principal, [item])[0]


def copy_item(
    session: Session, principal: Principal, auditing: Auditing, *, item_id: str
) -> dict[str, Any]:
    """Copy into one's own: a template becomes a personal template, a prompt or
    write-up a private library item."""
    item = _visible_item(session, principal, item_id)
    session.execute(
        update(LibraryItem)
        .where(LibraryItem.id == item.id)
        .values(copy_count=LibraryItem.copy_count + 1)
    )
    if item.kind == "template" and item.template:
        definition = dict(item.template)
        parse_definition(definition, id="copy")  # still valid?
        spec = create_template(
            session,
            principal,
            auditing,
            definition=definition,
            scope="personal",
            source_key=item.id,
        )
        result: dict[str, Any] = {"kind": "template", "template_id": spec.id, "name": spec.name}
    else:
        copy = LibraryItem(
            owner_id=principal.user_id,
            department_id=principal.department_id,
            kind=item.kind,
            category=item.category,
            title=item.title[:200],
            summary=item.summary,
            body=item.body,
            tags=item.tags,
            visibility="private",
            data_class=item.data_class,
            source_id=item.id,
        )
        session.add(copy)
        session.flush()
        result = {"kind": item.kind, "item_id": copy.id, "title": copy.title}
    _audit(session, auditing, "library.copy", item, result)
    return result
