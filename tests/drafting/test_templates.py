"""The template library: shipped Korean defaults, organisation / department / personal
templates with visibility enforced in the query, copies, TOML in and out, audit."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import select

from doum.accounts.roles import Role
from doum.audit.models import AuditRecord
from doum.drafting.defaults import builtin_templates
from doum.drafting.errors import DraftingForbidden, DraftingInvalid, DraftingNotFound
from doum.drafting.skeleton import fill, table_markdown
from doum.drafting.spec import parse_definition
from doum.drafting.templates import (
    copy_template,
    create_template,
    definition_from_toml,
    definition_to_toml,
    delete_template,
    get_template,
    list_templates,
    resolve_template,
    update_template,
)
from doum.runtime import Runtime
from tests.drafting.conftest import People

EXPECTED = {
    "보도자료": ("press_release", "O"),
    "인사말·축사·기념사": ("speech", "O"),
    "개조식 보고서": ("report", "S"),
    "기안문·시행문": ("gongmun", "S"),
    "회의자료": ("meeting", "S"),
    "결과보고": ("result_report", "S"),
    "주간업무보고": ("weekly", "S"),
    "SNS 게시글": ("sns", "O"),
    "카드뉴스 문안": ("sns", "O"),
    "슬로건·아이디어": ("ideas", "O"),
}


def test_the_shipped_defaults() -> None:
    specs = {t.name: t for t in builtin_templates()}
    assert {n: (t.doc_type, t.data_class) for n, t in specs.items()} == EXPECTED
    report = specs["개조식 보고서"]
    assert report.style == "gaejosik" and "~함" in report.instructions
    assert [s.name for s in report.sections] == ["개요", "추진배경", "주요내용", "향후계획"]
    press = specs["보도자료"]
    assert [s.name for s in press.sections] == ["제목", "부제", "리드", "인용", "문의처"]
    assert [f.key for f in press.fields if f.required] == ["사업명", "주요내용", "문의처"]
    assert specs["SNS 게시글"].sections[0].count_field == "안수"
    for spec in specs.values():
        assert spec.fields and spec.skeleton.strip() and spec.instructions.strip()
        again = parse_definition(
            definition_from_toml(definition_to_toml(spec)), id=spec.id, source_key=spec.id
        )
        assert again.definition() == spec.definition()


def test_skeleton_placeholders() -> None:
    values = {
        "사업명": "스마트 경로당",
        "안건": "예산 확정\n일정 협의",
        "투자계획": "2025년: 10억 원\n2026년: 20억 원",
    }
    text = fill(
        "# {사업명}\n  ○ 기간: {사업기간}\n  ○ 안건: {안건:lines}\n{투자계획:table}", values
    )
    assert text.split("\n") == [
        "# 스마트 경로당",
        "  ○ 안건: 예산 확정",
        "  ○ 안건: 일정 협의",
        "| 구분 | 내용 |",
        "|---|---|",
        "| 2025년 | 10억 원 |",
        "| 2026년 | 20억 원 |",
    ]
    assert (
        table_markdown("구분 | 2025 | 2026\n도비 | 10 | 20").split("\n")[2] == "| 도비 | 10 | 20 |"
    )


DEFINITION = {
    "name": "복지과 행사 안내문",
    "doc_type": "press_release",
    "data_class": "O",
    "instructions": "행사를 안내합니다.",
    "skeleton": "# {행사명} 안내\n\n문의: {문의처}",
    "fields": [{"key": "행사명", "required": True}, {"key": "문의처"}],
    "sections": [{"name": "제목", "pattern": "^#\\s"}],
}


def test_visibility_is_enforced_in_the_query(
    runtime: Runtime, people: People, auditing: Any
) -> None:
    admin = people.add("boss", Role.ADMIN, department="기획조정실")
    manager = people.add("head", Role.DEPARTMENT_MANAGER)
    kim = people.add("kim")
    other = people.add("park", department="관광과")
    with runtime.database.session() as session:
        org = create_template(
            session,
            admin,
            auditing,
            definition={**DEFINITION, "name": "기관 공통 보고"},
            scope="organisation",
        )
        dept = create_template(
            session, manager, auditing, definition=DEFINITION, scope="department"
        )
        mine = copy_template(
            session, kim, auditing, template_id="press-release", name="내 보도자료"
        )
    with runtime.database.reader() as session:
        names = {
            p.username: [t.name for t in list_templates(session, p)] for p in (kim, other, admin)
        }
        assert names["kim"][: len(EXPECTED)] == list(EXPECTED)
        assert names["kim"][len(EXPECTED) :] == [
            "내 보도자료",
            "복지과 행사 안내문",
            "기관 공통 보고",
        ]
        assert names["park"][len(EXPECTED) :] == ["기관 공통 보고"]
        assert "복지과 행사 안내문" in names["boss"] and "내 보도자료" not in names["boss"]
        with pytest.raises(DraftingNotFound):
            get_template(session, other, dept.id)
        with pytest.raises(DraftingNotFound):
            get_template(session, other, mine.id)
        assert get_template(session, kim, org.id).name == "기관 공통 보고"
        assert mine.source_key == "press-release" and mine.scope == "personal"


def test_who_may_manage_what(runtime: Runtime, people: People, auditing: Any) -> None:
    manager = people.add("head", Role.DEPARTMENT_MANAGER)
    kim = people.add("kim")
    with runtime.database.session() as session:
        with pytest.raises(DraftingForbidden):
            create_template(session, kim, auditing, definition=DEFINITION, scope="organisation")
        with pytest.raises(DraftingForbidden):
            create_template(session, kim, auditing, definition=DEFINITION, scope="department")
        with pytest.raises(DraftingForbidden) as builtin_error:
            update_template(session, manager, auditing, template_id="report", definition=DEFINITION)
        assert builtin_error.value.code == "drafting.template_builtin"
        dept = create_template(
            session, manager, auditing, definition=DEFINITION, scope="department"
        )
        with pytest.raises(DraftingForbidden):
            update_template(session, kim, auditing, template_id=dept.id, definition=DEFINITION)
        updated = update_template(
            session,
            manager,
            auditing,
            template_id=dept.id,
            definition={**DEFINITION, "name": "행사 안내문 v2"},
        )
        assert updated.name == "행사 안내문 v2"
        with pytest.raises(DraftingInvalid) as bad:
            create_template(
                session,
                kim,
                auditing,
                definition={**DEFINITION, "sections": [{"name": "x", "pattern": "("}]},
            )
        assert bad.value.code == "drafting.template_invalid"
        delete_template(session, manager, auditing, template_id=dept.id)
    with runtime.database.reader() as session:
        actions = [
            r.action
            for r in session.scalars(
                select(AuditRecord).where(AuditRecord.action.like("draft.template.%"))
            )
        ]
        created = session.scalar(
            select(AuditRecord).where(AuditRecord.action == "draft.template.create")
        )
        assert json.loads(created.details)["definition"]["skeleton"] == DEFINITION["skeleton"]
    assert actions == ["draft.template.create", "draft.template.update", "draft.template.delete"]


def test_resolving_by_name_prefers_ones_own(
    runtime: Runtime, people: People, auditing: Any
) -> None:
    kim = people.add("kim")
    with runtime.database.session() as session:
        assert resolve_template(session, kim, "보도자료").id == "press-release"
        mine = copy_template(session, kim, auditing, template_id="press-release", name="보도자료")
        assert resolve_template(session, kim, "보도자료").id == mine.id
        assert resolve_template(session, kim, "press-release").builtin
        copy_template(session, kim, auditing, template_id="report", name="보도자료")
        with pytest.raises(DraftingInvalid) as error:
            resolve_template(session, kim, "보도자료")
        assert error.value.code == "drafting.template_ambiguous"
        with pytest.raises(DraftingNotFound):
            resolve_template(session, kim, "없는 템플릿")
