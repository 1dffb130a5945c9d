"""Project facts, written once and reused by every template (the study's example: one
set of 추진배경·기대효과·투자계획 fills the 보고서, the 보도자료 and the 인사말).

A fact set is a mapping from fact names to text. A template field takes its value from
the first of its :attr:`~doum.drafting.spec.FieldSpec.fact_keys` present in the set, so
"회의명" can be filled from "사업명" and "문의처" from "담당부서".
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session

from doum.accounts.principal import Principal
from doum.accounts.service import Auditing
from doum.db.base import utcnow
from doum.drafting.errors import DraftingInvalid, DraftingNotFound
from doum.drafting.models import FactSet
from doum.drafting.spec import MAX_FIELD_CHARS, TemplateSpec

FACT_NAMES: dict[str, str] = {
    "사업명": "사업·행사의 공식 이름",
    "사업기간": "예: 2025. 3. ~ 2026. 12.",
    "사업비": "총액과 재원, 예: 총 30억 원(도비 15억, 시군비 15억)",
    "추진배경": "왜 하는지: 근거 법령·계획, 현황 수치",
    "주요내용": "무엇을 어떻게 하는지",
    "추진실적": "지금까지 한 일",
    "향후계획": "앞으로의 일정과 할 일",
    "기대효과": "주민·기관이 얻는 효과",
    "투자계획": "연차별 투자계획, 한 줄에 한 해씩 (2025년: 10억 원)",
    "대상": "누구를 위한 사업인지",
    "일시": "행사·회의 일시",
    "장소": "행사·회의 장소",
    "주관": "주관 기관·부서",
    "담당부서": "담당 부서",
    "담당자": "담당자 직위·성명",
    "문의처": "부서·담당자·전화",
    "관련근거": "관련 법령·계획·공문",
    "행사명": "행사 이름",
    "발언자": "인사말·인용의 발언자 (직위 성명)",
}
MAX_FACTS = 60


def fill_fields(
    spec: TemplateSpec, facts: dict[str, Any], current: dict[str, str] | None = None
) -> dict[str, str]:
    """Field values for ``spec`` from ``facts``; values already in ``current`` win."""
    values = dict(current or {})
    for field in spec.fields:
        if values.get(field.key, "").strip():
            continue
        for name in field.fact_keys:
            value = facts.get(name)
            if isinstance(value, str) and value.strip():
                values[field.key] = value.strip()
                break
        else:
            if field.default and field.key not in values:
                values[field.key] = field.default
    return values


def facts_from_fields(spec: TemplateSpec, values: dict[str, str]) -> dict[str, str]:
    """The reusable facts in a filled form: each field under its own key (the fact
    name it is filled from first)."""
    out: dict[str, str] = {}
    for field in spec.fields:
        value = values.get(field.key, "").strip()
        if value and field.kind != "choice" and field.key not in ("안수", "장수"):
            out[field.key] = value
    return out


def _clean_facts(facts: dict[str, Any]) -> dict[str, str]:
    if not isinstance(facts, dict):
        raise DraftingInvalid("drafting.factset_invalid", detail="이름: 값 형식이어야 합니다")
    if len(facts) > MAX_FACTS:
        raise DraftingInvalid("drafting.factset_invalid", detail=f"항목은 {MAX_FACTS}개까지입니다")
    clean: dict[str, str] = {}
    for key, value in facts.items():
        name = str(key).strip()[:40]
        if not name or value is None:
            continue
        text = value if isinstance(value, str) else str(value)
        if len(text) > MAX_FIELD_CHARS:
            raise DraftingInvalid("drafting.field_too_long", field=name, limit=MAX_FIELD_CHARS)
        if text.strip():
            clean[name] = text.strip()
    return clean


# --- fact sets ------------------------------------------------------------------------


def _visible(principal: Principal) -> ColumnElement[bool]:
    conditions: list[ColumnElement[bool]] = [FactSet.owner_id == principal.user_id]
    if principal.department_id is not None:
        conditions.append(
            FactSet.shared.is_(True) & (FactSet.department_id == principal.department_id)
        )
    return or_(*conditions)


def list_fact_sets(session: Session, principal: Principal) -> list[FactSet]:
    return list(
        session.scalars(
            select(FactSet).where(_visible(principal)).order_by(FactSet.updated_at.desc())
        )
    )


def get_fact_set(session: Session, principal: Principal, fact_set_id: str) -> FactSet:
    row = session.scalar(select(FactSet).where(FactSet.id == fact_set_id, _visible(principal)))
    if row is None:
        raise DraftingNotFound("drafting.factset_not_found")
    return row


def save_fact_set(
    session: Session,
    principal: Principal,
    auditing: Auditing,
    *,
    name: str,
    facts: dict[str, Any],
    data_class: str = "S",
    shared: bool = False,
    fact_set_id: str | None = None,
) -> FactSet:
    """Create a fact set, or replace one the caller may see (department members edit
    their department's shared sets together)."""
    name = name.strip()
    if not 1 <= len(name) <= 200:
        raise DraftingInvalid("drafting.factset_invalid", detail="이름은 1~200자여야 합니다")
    if data_class not in ("C", "S", "O"):
        raise DraftingInvalid("drafting.class_invalid", data_class=data_class)
    if shared and principal.department_id is None:
        raise DraftingInvalid("drafting.department_required")
    clean = _clean_facts(facts)
    if fact_set_id:
        row = get_fact_set(session, principal, fact_set_id)
        action = "draft.facts.update"
    else:
        row = FactSet(owner_id=principal.user_id, department_id=principal.department_id)
        session.add(row)
        action = "draft.facts.create"
    row.name = name
    row.facts = clean
    row.data_class = data_class
    row.shared = shared
    row.updated_at = utcnow()
    session.flush()
    auditing.log.record(
        session,
        context=auditing.context,
        action=action,
        target_type="draft_fact_set",
        target_id=row.id,
        data_class=data_class,
        details={"name": name, "facts": clean, "shared": shared},
    )
    return row


def delete_fact_set(
    session: Session, principal: Principal, auditing: Auditing, *, fact_set_id: str
) -> None:
    row = get_fact_set(session, principal, fact_set_id)
    if row.owner_id != principal.user_id:
        raise DraftingNotFound("drafting.factset_not_found")
    auditing.log.record(
        session,
        context=auditing.context,
        action="draft.facts.delete",
        target_type="draft_fact_set",
        target_id=row.id,
        data_class=row.data_class,
        details={"name": row.name},
    )
    session.delete(row)
