"""The template library: shipped defaults, organisation, department and personal
templates. Who may see a template is decided inside the query; who may change it by
:func:`can_manage`.

* organisation templates — everyone sees them; administrators manage them;
* department templates — the department's members see them; its managers (and
  administrators) manage them;
* personal templates — only their owner sees and manages them (anyone may copy any
  visible template into their own).
"""

from __future__ import annotations

import tomllib
from typing import Any

from sqlalchemy import ColumnElement, false, or_, select
from sqlalchemy.orm import Session

from doum.accounts.principal import Principal
from doum.accounts.service import Auditing
from doum.db.base import utcnow
from doum.drafting.defaults import builtin, builtin_templates
from doum.drafting.errors import DraftingForbidden, DraftingInvalid, DraftingNotFound
from doum.drafting.models import TEMPLATE_SCOPES, DraftTemplate
from doum.drafting.spec import TemplateSpec, parse_definition

SCOPE_LABELS = {
    "builtin": "기본 제공",
    "organisation": "기관",
    "department": "부서",
    "personal": "개인",
}
_TIER = {"personal": 0, "department": 1, "organisation": 2, "builtin": 3}


def visible_to(principal: Principal) -> ColumnElement[bool]:
    """The SQL condition for template rows ``principal`` may see."""
    conditions: list[ColumnElement[bool]] = [
        DraftTemplate.scope == "organisation",
        (DraftTemplate.scope == "personal") & (DraftTemplate.owner_id == principal.user_id),
    ]
    if principal.is_admin:
        conditions.append(DraftTemplate.scope == "department")
    elif principal.department_id is not None:
        conditions.append(
            (DraftTemplate.scope == "department")
            & (DraftTemplate.department_id == principal.department_id)
        )
    else:
        conditions.append(false())
    return or_(*conditions)


def spec_of(row: DraftTemplate) -> TemplateSpec:
    data = {
        **(row.definition or {}),
        "name": row.name,
        "doc_type": row.doc_type,
        "description": row.description,
        "data_class": row.data_class,
    }
    return parse_definition(
        data,
        id=row.id,
        scope=row.scope,
        department_id=row.department_id,
        owner_id=row.owner_id,
        source_key=row.source_key,
    )


def list_templates(session: Session, principal: Principal) -> list[TemplateSpec]:
    rows = session.scalars(
        select(DraftTemplate).where(visible_to(principal)).order_by(DraftTemplate.name)
    )
    made = sorted((spec_of(r) for r in rows), key=lambda s: (_TIER[s.scope], s.name))
    return [*builtin_templates(), *made]


def get_template(session: Session, principal: Principal, ref: str) -> TemplateSpec:
    """A template by id (a default's key or a row id) that ``principal`` may use."""
    found = builtin(ref)
    if found is not None:
        return found
    row = _visible_row(session, principal, ref)
    return spec_of(row)


def resolve_template(session: Session, principal: Principal, ref: str) -> TemplateSpec:
    """By id, else by name: the caller's own template first, then department,
    organisation and the shipped default (``doum draft --template 보도자료``)."""
    ref = ref.strip()
    found = builtin(ref)
    if found is not None:
        return found
    row = session.scalar(
        select(DraftTemplate).where(DraftTemplate.id == ref, visible_to(principal))
    )
    if row is not None:
        return spec_of(row)
    named = [t for t in list_templates(session, principal) if t.name == ref]
    if not named:
        raise DraftingNotFound("drafting.template_not_found", template=ref)
    best = min(_TIER[t.scope] for t in named)
    tier = [t for t in named if _TIER[t.scope] == best]
    if len(tier) > 1:
        raise DraftingInvalid(
            "drafting.template_ambiguous", name=ref, ids=", ".join(t.id for t in tier)
        )
    return tier[0]


def _visible_row(session: Session, principal: Principal, template_id: str) -> DraftTemplate:
    row = session.scalar(
        select(DraftTemplate).where(DraftTemplate.id == template_id, visible_to(principal))
    )
    if row is None:
        raise DraftingNotFound("drafting.template_not_found", template=template_id)
    return row


def can_manage(
    principal: Principal, scope: str, department_id: int | None, owner_id: int | None
) -> bool:
    if scope == "builtin":
        return False
    if principal.is_admin:
        return scope != "personal" or owner_id == principal.user_id
    if scope == "department":
        return principal.is_department_manager and department_id == principal.department_id
    if scope == "personal":
        return owner_id == principal.user_id
    return False


def _placement(
    principal: Principal, scope: str, department_id: int | None
) -> tuple[int | None, int | None]:
    if scope not in TEMPLATE_SCOPES:
        raise DraftingInvalid("drafting.template_invalid", detail=f"범위: {scope}")
    if scope == "department":
        department_id = (
            department_id if principal.is_admin and department_id else principal.department_id
        )
        if department_id is None:
            raise DraftingInvalid("drafting.department_required")
        return department_id, None
    if scope == "personal":
        return None, principal.user_id
    return None, None


def create_template(
    session: Session,
    principal: Principal,
    auditing: Auditing,
    *,
    definition: dict[str, Any],
    scope: str = "personal",
    department_id: int | None = None,
    source_key: str = "",
) -> TemplateSpec:
    department_id, owner_id = _placement(principal, scope, department_id)
    if not can_manage(principal, scope, department_id, owner_id):
        raise DraftingForbidden("drafting.template_forbidden")
    spec = parse_definition(definition, id="new", scope=scope)
    row = DraftTemplate(
        name=spec.name,
        doc_type=spec.doc_type,
        description=spec.description,
        scope=scope,
        department_id=department_id,
        owner_id=owner_id,
        data_class=spec.data_class,
        definition=spec.definition(),
        source_key=source_key,
        created_by=principal.user_id,
    )
    session.add(row)
    session.flush()
    _audit(session, auditing, "draft.template.create", row, {"source": source_key})
    return spec_of(row)


def update_template(
    session: Session,
    principal: Principal,
    auditing: Auditing,
    *,
    template_id: str,
    definition: dict[str, Any],
) -> TemplateSpec:
    if builtin(template_id) is not None:
        raise DraftingForbidden("drafting.template_builtin")
    row = _visible_row(session, principal, template_id)
    if not can_manage(principal, row.scope, row.department_id, row.owner_id):
        raise DraftingForbidden("drafting.template_forbidden")
    spec = parse_definition(definition, id=row.id, scope=row.scope)
    before = {"name": row.name, "definition": row.definition}
    row.name = spec.name
    row.doc_type = spec.doc_type
    row.description = spec.description
    row.data_class = spec.data_class
    row.definition = spec.definition()
    row.updated_at = utcnow()
    session.flush()
    _audit(session, auditing, "draft.template.update", row, {"before": before})
    return spec_of(row)


def delete_template(
    session: Session, principal: Principal, auditing: Auditing, *, template_id: str
) -> None:
    if builtin(template_id) is not None:
        raise DraftingForbidden("drafting.template_builtin")
    row = _visible_row(session, principal, template_id)
    if not can_manage(principal, row.scope, row.department_id, row.owner_id):
        raise DraftingForbidden("drafting.template_forbidden")
    _audit(session, auditing, "draft.template.delete", row, {"definition": row.definition})
    session.delete(row)


def copy_template(
    session: Session,
    principal: Principal,
    auditing: Auditing,
    *,
    template_id: str,
    scope: str = "personal",
    name: str | None = None,
    department_id: int | None = None,
) -> TemplateSpec:
    """A copy of any visible template (a default included) in ``scope``."""
    source = get_template(session, principal, template_id)
    definition = {
        **source.definition(),
        "name": (name or f"{source.name} (사본)").strip()[:100],
        "doc_type": source.doc_type,
        "description": source.description,
        "data_class": source.data_class,
    }
    return create_template(
        session,
        principal,
        auditing,
        definition=definition,
        scope=scope,
        department_id=department_id,
        source_key=source.id,
    )


def _audit(
    session: Session, auditing: Auditing, action: str, row: DraftTemplate, extra: dict[str, Any]
) -> None:
    auditing.log.record(
        session,
        context=auditing.context,
        action=action,
        target_type="draft_template",
        target_id=row.id,
        data_class=row.data_class,
        details={
            "name": row.name,
            "scope": row.scope,
            "department_id": row.department_id,
            "definition": row.definition,
            **extra,
        },
    )


# --- TOML in and out (doum templates import/export, the web editor) ----------------


def definition_from_toml(text: str) -> dict[str, Any]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise DraftingInvalid("drafting.template_invalid", detail=f"TOML: {error}") from error
    data.pop("key", None)
    return data


def definition_to_toml(spec: TemplateSpec) -> str:
    """The template as the TOML a person edits (the shipped files' format)."""
    lines = [
        f"name = {_toml_str(spec.name)}",
        f"doc_type = {_toml_str(spec.doc_type)}",
        f"description = {_toml_str(spec.description)}",
        f"data_class = {_toml_str(spec.data_class)}",
        f"style = {_toml_str(spec.style)}",
    ]
    if spec.target_chars_field:
        lines.append(f"target_chars_field = {_toml_str(spec.target_chars_field)}")
    lines.append(f"instructions = {_toml_str(spec.instructions)}")
    lines.append(f"skeleton = {_toml_str(spec.skeleton)}")
    for f in spec.fields:
        lines += ["", "[[fields]]", f"key = {_toml_str(f.key)}"]
        if f.label and f.label != f.key:
            lines.append(f"label = {_toml_str(f.label)}")
        if f.kind != "text":
            lines.append(f"kind = {_toml_str(f.kind)}")
        if f.required:
            lines.append("required = true")
        for name in ("placeholder", "help", "default"):
            value = getattr(f, name)
            if value:
                lines.append(f"{name} = {_toml_str(value)}")
        for name in ("choices", "facts"):
            values = getattr(f, name)
            if values:
                lines.append(f"{name} = [" + ", ".join(_toml_str(v) for v in values) + "]")
    for s in spec.sections:
        lines += [
            "",
            "[[sections]]",
            f"name = {_toml_str(s.name)}",
            f"pattern = {_toml_str(s.pattern)}",
        ]
        if s.fill:
            lines.append(f"fill = {_toml_str(s.fill)}")
        if s.count_field:
            lines.append(f"count_field = {_toml_str(s.count_field)}")
    return "\n".join(lines) + "\n"


def _toml_str(value: str) -> str:
    if "\n" in value and "'''" not in value and not value.endswith("'"):
        return "'''\n" + value + "'''"
    if "'" not in value and "\n" not in value and "\\" in value:
        return f"'{value}'"
    import json

    return json.dumps(value, ensure_ascii=False)
