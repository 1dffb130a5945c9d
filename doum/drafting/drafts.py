"""Drafts: a person's working documents, with their source files and revisions.

Drafts are private to their owner (every query filters on it); what people want to
share goes to the library (:mod:`doum.drafting.library`). The data class of a draft is
never below the highest of its template's default, its source files and the
knowledge-base passages it was grounded on (:func:`class_floor`).
"""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from doum.accounts.principal import Principal
from doum.accounts.service import Auditing
from doum.db.base import utcnow
from doum.drafting.errors import DraftingInvalid, DraftingNotFound
from doum.drafting.facts import fill_fields, get_fact_set
from doum.drafting.models import Draft, DraftAttachment, DraftRevision, FactSet
from doum.drafting.spec import TemplateSpec, validate_values
from doum.drafting.templates import get_template
from doum.privacy.classes import highest

EDIT_REVISION_WINDOW = timedelta(minutes=5)
TITLE_FIELDS = ("제목", "사업명", "행사명", "회의명", "담당부서")
DATA_CLASSES = ("C", "S", "O")


def _owned(principal: Principal) -> Any:
    return Draft.owner_id == principal.user_id


def get_draft(session: Session, principal: Principal, draft_id: str) -> Draft:
    draft = session.scalar(select(Draft).where(Draft.id == draft_id, _owned(principal)))
    if draft is None:
        raise DraftingNotFound("drafting.draft_not_found")
    return draft


def list_drafts(
    session: Session, principal: Principal, *, query: str = "", limit: int = 100, offset: int = 0
) -> list[Draft]:
    stmt = select(Draft).where(_owned(principal))
    if query.strip():
        like = f"%{query.strip()}%"
        stmt = stmt.where(
            or_(Draft.title.ilike(like), Draft.content.ilike(like), Draft.template_name.ilike(like))
        )
    return list(session.scalars(stmt.order_by(Draft.updated_at.desc()).limit(limit).offset(offset)))


def template_of(session: Session, principal: Principal, draft: Draft) -> TemplateSpec | None:
    """The draft's template, or None when it has none (or it was deleted since)."""
    if not draft.template_id:
        return None
    try:
        return get_template(session, principal, draft.template_id)
    except DraftingNotFound:
        return None


def default_title(spec: TemplateSpec | None, values: dict[str, str]) -> str:
    subject = next((values[k] for k in TITLE_FIELDS if values.get(k, "").strip()), "")
    subject = " ".join(subject.split())[:120]
    if spec is None:
        return subject or "새 초안"
    return f"{spec.name} — {subject}" if subject else spec.name


def class_floor(session: Session, draft: Draft, spec: TemplateSpec | None) -> str:
    attached = session.scalars(
        select(DraftAttachment.data_class).where(DraftAttachment.draft_id == draft.id)
    )
    sourced = [str(s.get("data_class")) for s in draft.sources or [] if s.get("data_class")]
    facts = (
        session.scalar(select(FactSet.data_class).where(FactSet.id == draft.fact_set_id))
        if draft.fact_set_id
        else None
    )
    return str(highest(spec.data_class if spec else None, facts, *attached, *sourced, default="O"))


def _check_class(data_class: str) -> str:
    if data_class not in DATA_CLASSES:
        raise DraftingInvalid("drafting.class_invalid", data_class=data_class)
    return data_class


def create_draft(
    session: Session,
    principal: Principal,
    auditing: Auditing,
    *,
    template_id: str | None = None,
    title: str = "",
    fields: dict[str, Any] | None = None,
    fact_set_id: str | None = None,
    data_class: str | None = None,
    model: str = "",
    knowledge_base_ids: list[str] | None = None,
    content: str = "",
    max_content_chars: int = 300_000,
) -> Draft:
    spec = get_template(session, principal, template_id) if template_id else None
    given = validate_values(spec or _free(), fields or {})
    classes: list[str | None] = [spec.data_class if spec else None, data_class]
    facts: dict[str, Any] = {}
    if fact_set_id:
        fact_set = get_fact_set(session, principal, fact_set_id)
        facts = dict(fact_set.facts)
        classes.append(fact_set.data_class)
    values = given
    if spec is not None:
        # What was given counts as project facts too: "회의명" is filled from "사업명".
        own = {k: v for k, v in given.items() if spec.field(k) is not None}
        values = fill_fields(spec, {**facts, **given}, own)
    if data_class is not None:
        _check_class(data_class)
    if len(content) > max_content_chars:
        raise DraftingInvalid("drafting.content_too_long", limit=max_content_chars)
    draft = Draft(
        owner_id=principal.user_id,
        department_id=principal.department_id,
        template_id=spec.id if spec else "",
        template_name=spec.name if spec else "",
        doc_type=spec.doc_type if spec else "free",
        title=_title(title or default_title(spec, values)),
        fields=values,
        content=content,
        data_class=str(highest(*classes, default="S")),
        model=model,
        fact_set_id=fact_set_id,
        knowledge_base_ids=list(knowledge_base_ids or []),
    )
    session.add(draft)
    session.flush()
    auditing.log.record(
        session,
        context=auditing.context,
        action="draft.create",
        target_type="draft",
        target_id=draft.id,
        data_class=draft.data_class,
        details={
            "template": draft.template_id,
            "title": draft.title,
            "fields": values,
            "fact_set": fact_set_id,
        },
    )
    return draft


def _free() -> TemplateSpec:
    return TemplateSpec(id="", name="", doc_type="free")


def _title(title: str) -> str:
    title = " ".join(title.split())
    if not 1 <= len(title) <= 300:
        raise DraftingInvalid("drafting.title_invalid")
    return title


def update_draft(
    session: Session,
    principal: Principal,
    auditing: Auditing,
    *,
    draft_id: str,
    changes: dict[str, Any],
    max_content_chars: int = 300_000,
) -> Draft:
    """Apply the given changes (title, content, fields, data_class, model,
    knowledge_base_ids); a content change keeps a revision (one per 5 minutes of
    editing)."""
    draft = get_draft(session, principal, draft_id)
    spec = template_of(session, principal, draft)
    changed: dict[str, Any] = {}
    if "title" in changes and changes["title"] is not None:
        draft.title = _title(changes["title"])
        changed["title"] = draft.title
    if changes.get("fields") is not None:
        values = validate_values(spec or _free(), changes["fields"])
        if spec is not None:
            values = {k: v for k, v in values.items() if spec.field(k) is not None}
        draft.fields = values
        changed["fields"] = draft.fields
    if changes.get("model") is not None:
        draft.model = str(changes["model"])[:64]
        changed["model"] = draft.model
    if changes.get("knowledge_base_ids") is not None:
        draft.knowledge_base_ids = [str(k) for k in changes["knowledge_base_ids"]][:20]
        changed["knowledge_base_ids"] = draft.knowledge_base_ids
    if changes.get("data_class") is not None:
        wanted = _check_class(changes["data_class"])
        floor = class_floor(session, draft, spec)
        if highest(wanted, floor) != wanted:
            raise DraftingInvalid("drafting.class_lowered", floor=floor)
        draft.data_class = wanted
        changed["data_class"] = wanted
    if changes.get("content") is not None:
        content = str(changes["content"])
        if len(content) > max_content_chars:
            raise DraftingInvalid("drafting.content_too_long", limit=max_content_chars)
        if content != draft.content:
            draft.content = content
            record_revision(session, draft, "edit", principal)
            changed["content_chars"] = len(content)
            changed["content_sha256"] = hashlib.sha256(content.encode()).hexdigest()
    if not changed:
        return draft
    draft.updated_at = utcnow()
    session.flush()
    auditing.log.record(
        session,
        context=auditing.context,
        action="draft.update",
        target_type="draft",
        target_id=draft.id,
        data_class=draft.data_class,
        details=changed,
    )
    return draft


def delete_draft(
    session: Session, principal: Principal, auditing: Auditing, *, draft_id: str
) -> None:
    draft = get_draft(session, principal, draft_id)
    auditing.log.record(
        session,
        context=auditing.context,
        action="draft.delete",
        target_type="draft",
        target_id=draft.id,
        data_class=draft.data_class,
        details={"title": draft.title},
    )
    session.delete(draft)


def record_revision(
    session: Session, draft: Draft, source: str, principal: Principal | None
) -> DraftRevision:
    last = session.scalar(
        select(DraftRevision)
        .where(DraftRevision.draft_id == draft.id)
        .order_by(DraftRevision.seq.desc())
        .limit(1)
    )
    now = utcnow()
    if (
        last is not None
        and source == "edit"
        and last.source == "edit"
        and now - last.created_at < EDIT_REVISION_WINDOW
    ):
        last.content = draft.content
        return last
    revision = DraftRevision(
        draft_id=draft.id,
        seq=(last.seq + 1) if last else 1,
        content=draft.content,
        source=source,
        created_by=principal.user_id if principal else None,
        created_at=now,
    )
    session.add(revision)
    return revision


def list_revisions(session: Session, principal: Principal, draft_id: str) -> list[DraftRevision]:
    draft = get_draft(session, principal, draft_id)
    return list(
        session.scalars(
            select(DraftRevision)
            .where(DraftRevision.draft_id == draft.id)
            .order_by(DraftRevision.seq.desc())
        )
    )


def restore_revision(
    session: Session, principal: Principal, auditing: Auditing, *, draft_id: str, revision_id: str
) -> Draft:
    draft = get_draft(session, principal, draft_id)
    revision = session.scalar(
        select(DraftRevision).where(
            DraftRevision.id == revision_id, DraftRevision.draft_id == draft.id
        )
    )
    if revision is None:
        raise DraftingNotFound("drafting.draft_not_found")
    draft.content = revision.content
    draft.updated_at = utcnow()
    record_revision(session, draft, "restore", principal)
    auditing.log.record(
        session,
        context=auditing.context,
        action="draft.restore",
        target_type="draft",
        target_id=draft.id,
        data_class=draft.data_class,
        details={"revision": revision.seq},
    )
    return draft


def count_drafts(session: Session, principal: Principal) -> int:
    return int(
        session.scalar(select(func.count()).select_from(Draft).where(_owned(principal))) or 0
    )


def plain_text(markdown: str) -> str:
    """The draft as text for "copy": markdown marks removed, structure kept."""
    lines = []
    for line in markdown.split("\n"):
        line = re.sub(r"^#{1,6}\s+", "", line)
        line = re.sub(r"(\*\*|__)(.+?)\1", r"\2", line)
        if re.fullmatch(r"\s*\|?\s*:?-{2,}.*", line):
            continue
        lines.append(
            line.replace(" | ", "\t").strip("| ") if line.lstrip().startswith("|") else line
        )
    return "\n".join(lines).strip() + "\n"
