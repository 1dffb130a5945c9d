"""How drafting objects are shown to the UI, the JSON API and the CLI."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from doum.accounts.principal import Principal
from doum.drafting.drafts import class_floor, template_of
from doum.drafting.facts import FACT_NAMES
from doum.drafting.models import Draft, DraftAttachment, DraftSuggestion, FactSet
from doum.drafting.spec import TemplateSpec
from doum.drafting.templates import SCOPE_LABELS, can_manage, definition_to_toml


def template_dict(
    spec: TemplateSpec, principal: Principal, *, full: bool = False
) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": spec.id,
        "name": spec.name,
        "doc_type": spec.doc_type,
        "doc_type_label": spec.doc_type_label,
        "description": spec.description,
        "data_class": spec.data_class,
        "style": spec.style,
        "scope": spec.scope,
        "scope_label": SCOPE_LABELS[spec.scope],
        "builtin": spec.builtin,
        "can_edit": can_manage(principal, spec.scope, spec.department_id, spec.owner_id),
        "fields": [
            {
                "key": f.key,
                "label": f.display,
                "kind": f.kind,
                "required": f.required,
                "placeholder": f.placeholder,
                "help": f.help,
                "choices": list(f.choices),
                "default": f.default,
                "facts": list(f.fact_keys),
            }
            for f in spec.fields
        ],
        "sections": [s.name for s in spec.sections],
    }
    if full:
        data["instructions"] = spec.instructions
        data["skeleton"] = spec.skeleton
        data["toml"] = definition_to_toml(spec)
    return data


def attachment_dict(a: DraftAttachment) -> dict[str, Any]:
    return {
        "id": a.id,
        "filename": a.filename,
        "format": a.format,
        "size": a.size,
        "data_class": a.data_class,
        "section_count": a.section_count,
        "chars": len(a.text),
        "created_at": a.created_at.isoformat(timespec="seconds"),
    }


def draft_summary(d: Draft) -> dict[str, Any]:
    return {
        "id": d.id,
        "title": d.title,
        "template_id": d.template_id,
        "template_name": d.template_name,
        "doc_type": d.doc_type,
        "data_class": d.data_class,
        "status": d.status,
        "chars": len(d.content),
        "updated_at": d.updated_at.isoformat(timespec="seconds"),
        "created_at": d.created_at.isoformat(timespec="seconds"),
    }


def draft_dict(session: Session, principal: Principal, d: Draft) -> dict[str, Any]:
    spec = template_of(session, principal, d)
    attachments = session.scalars(
        select(DraftAttachment)
        .where(DraftAttachment.draft_id == d.id)
        .order_by(DraftAttachment.created_at)
    )
    open_suggestions = session.scalars(
        select(DraftSuggestion.id).where(
            DraftSuggestion.draft_id == d.id, DraftSuggestion.status == "open"
        )
    )
    return {
        **draft_summary(d),
        "fields": d.fields or {},
        "content": d.content,
        "class_floor": class_floor(session, d, spec),
        "model": d.model,
        "knowledge_base_ids": d.knowledge_base_ids or [],
        "sources": d.sources or [],
        "checks": d.checks or {},
        "fact_set_id": d.fact_set_id,
        "prompt_tokens": d.prompt_tokens,
        "completion_tokens": d.completion_tokens,
        "latency_ms": d.latency_ms,
        "attachments": [attachment_dict(a) for a in attachments],
        "open_suggestions": list(open_suggestions),
        "template": template_dict(spec, principal) if spec else None,
    }


def fact_set_dict(row: FactSet, principal: Principal) -> dict[str, Any]:
    return {
        "id": row.id,
        "name": row.name,
        "facts": row.facts or {},
        "data_class": row.data_class,
        "shared": row.shared,
        "mine": row.owner_id == principal.user_id,
        "updated_at": row.updated_at.isoformat(timespec="seconds"),
    }


def fact_names() -> list[dict[str, str]]:
    return [{"name": k, "hint": v} for k, v in FACT_NAMES.items()]
