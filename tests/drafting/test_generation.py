"""Writing drafts with a scripted model through the real ChatModel protocol: every
default template yields its sections, one set of project facts fills every template,
sources are cited and their numbers checked, and every run is audited."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from sqlalchemy import select

from doum.accounts.principal import Principal
from doum.audit.models import AuditRecord
from doum.drafting.attachments import add_attachment, read_attachment
from doum.drafting.defaults import builtin_templates
from doum.drafting.drafts import create_draft, get_draft
from doum.drafting.facts import fill_fields, save_fact_set
from doum.drafting.generate import DraftEvent, DraftFinished, DraftGeneration
from doum.drafting.knowledge import EXTRA_KEY, KnowledgeBaseChoice, Passage
from doum.drafting.spec import missing_required
from doum.llm.types import ChatRequest
from doum.runtime import Runtime
from tests.drafting.conftest import PROJECT_FACTS, People, prompt_parts

TEMPLATE_IDS = [t.id for t in builtin_templates()]


def generate(
    runtime: Runtime, principal: Principal, draft_id: str, **kwargs: Any
) -> list[DraftEvent]:
    async def run() -> list[DraftEvent]:
        return [
            e
            async for e in DraftGeneration(
                runtime, principal=principal, draft_id=draft_id, **kwargs
            ).events()
        ]

    return asyncio.run(run())


def new_draft(
    runtime: Runtime, principal: Principal, auditing: Any, template: str, **kwargs: Any
) -> str:
    with runtime.database.session() as session:
        return create_draft(session, principal, auditing, template_id=template, **kwargs).id


def audit_rows(runtime: Runtime, action: str) -> list[AuditRecord]:
    with runtime.database.reader() as session:
        return list(session.scalars(select(AuditRecord).where(AuditRecord.action == action)))


@pytest.mark.parametrize("template_id", TEMPLATE_IDS)
def test_every_default_template_produces_its_sections(
    template_id: str, runtime: Runtime, people: People, scripted: Any, auditing: Any
) -> None:
    kim = people.add("kim")
    draft_id = new_draft(runtime, kim, auditing, template_id, fields=PROJECT_FACTS)
    events = generate(runtime, kim, draft_id)
    done = events[-1]
    assert isinstance(done, DraftFinished), events[-1]
    sections = done.checks["sections"]
    spec = next(t for t in builtin_templates() if t.id == template_id)
    assert [s["name"] for s in sections] == [s.name for s in spec.sections]
    assert all(s["ok"] for s in sections), sections
    assert done.repaired == []  # nothing had to be patched in
    # The model received the outline and every value of the form.
    parts = prompt_parts(scripted.calls[-1])
    assert parts["출력 골격"].startswith(("#", "보도 시점", "1.")), parts["출력 골격"]
    with runtime.database.reader() as session:
        fields = get_draft(session, kim, draft_id).fields
    for value in fields.values():
        assert value.split("\n")[0] in parts["입력 항목"]
    with runtime.database.reader() as session:
        stored = get_draft(session, kim, draft_id)
        assert stored.status == "complete" and stored.content == done.content


def test_a_model_that_skips_sections_is_caught_and_the_form_fills_what_it_can(
    runtime: Runtime, people: People, scripted: Any, auditing: Any
) -> None:
    scripted.script = staticmethod(
        lambda request: (
            "전북특별자치도는 올해 도내 경로당 200곳에 원격 건강관리 기기를 설치한다고 밝혔다."
        )
    )
    kim = people.add("kim")
    draft_id = new_draft(runtime, kim, auditing, "press-release", fields=PROJECT_FACTS)
    done = generate(runtime, kim, draft_id)[-1]
    assert isinstance(done, DraftFinished)
    found = {s["name"]: s["ok"] for s in done.checks["sections"]}
    assert found == {"제목": False, "부제": False, "리드": True, "인용": False, "문의처": True}
    assert done.repaired == ["문의처"]
    assert done.content.rstrip().endswith("문의: " + PROJECT_FACTS["문의처"])
    messages = [n["message"] for n in done.checks["notes"]]
    assert "템플릿의 '제목' 부분이 초안에 없습니다." in messages


def test_one_set_of_facts_fills_every_template(
    runtime: Runtime, people: People, scripted: Any, auditing: Any
) -> None:
    kim = people.add("kim")
    with runtime.database.session() as session:
        fact_set = save_fact_set(session, kim, auditing, name="스마트 경로당", facts=PROJECT_FACTS)
        fact_set_id = fact_set.id
    shared = ("추진배경", "기대효과", "투자계획")
    seen: dict[str, dict[str, str]] = {}
    for spec in builtin_templates():
        values = fill_fields(spec, PROJECT_FACTS)
        assert not missing_required(spec, values), (spec.id, missing_required(spec, values))
        draft_id = new_draft(runtime, kim, auditing, spec.id, fact_set_id=fact_set_id)
        with runtime.database.reader() as session:
            fields = get_draft(session, kim, draft_id).fields
        seen[spec.id] = fields
        filled_from_facts = [k for k, v in fields.items() if v in PROJECT_FACTS.values()]
        assert filled_from_facts, spec.id
        done = generate(runtime, kim, draft_id)[-1]
        assert isinstance(done, DraftFinished), done
        prompt = scripted.calls[-1].messages[-1].content
        for key in filled_from_facts:
            assert fields[key].split("\n")[0] in prompt, (spec.id, key)
    # The study's example: the same 추진배경·기대효과·투자계획 in the report, the press
    # release and the speech.
    for key in shared:
        values = {seen[t][key] for t in ("report", "press-release", "speech")}
        assert values == {PROJECT_FACTS[key]}, key


def test_attachment_grounding_cites_and_checks_numbers(
    runtime: Runtime, people: People, scripted: Any, auditing: Any
) -> None:
    kim = people.add("kim")
    plan = (
        "# 스마트 경로당 기본계획\n\n## 1. 사업 개요\n\n총사업비는 30억 원이며 도비 15억 원을 투입한다.\n\n"
        "## 2. 대상\n\n도내 경로당 200곳, 이용 어르신 약 1만 2천 명이 대상이다.\n\n"
        "## 3. 참고 통계\n\n65세 이상 인구 비율은 25.3%이다.\n"
    ).encode()
    text, fmt, sections = read_attachment(plan, filename="기본계획.md", settings=runtime.settings)
    assert sections == 4
    draft_id = new_draft(runtime, kim, auditing, "report", fields=PROJECT_FACTS)
    with runtime.database.session() as session:
        add_attachment(
            session,
            kim,
            auditing,
            draft_id=draft_id,
            filename="기본계획.md",
            text=text,
            format=fmt,
            size=len(plan),
            section_count=sections,
            data_class="C",
            settings=runtime.settings,
        )

    def writer(request: ChatRequest) -> str:
        sources = prompt_parts(request)["참고 자료"]
        n = next(
            line[1] for line in sources.splitlines() if line.startswith("[") and "대상" in line
        )
        return (
            "# 스마트 경로당 추진계획\n\n□ 개요\n  ○ 대상: 경로당 200곳, 어르신 약 1만 5천 명 ["
            + n
            + "]\n"
            "□ 추진배경\n  ○ 65세 이상 인구 비율 25.3% [3]\n□ 주요내용\n  ○ 원격 건강관리\n"
            "□ 향후계획\n  ○ 2027년 전면 확대 예정\n"
        )

    scripted.script = staticmethod(writer)
    events = generate(runtime, kim, draft_id)
    start, done = events[0], events[-1]
    assert start.type == "start" and start.data_class == "C"  # the attachment's class
    assert [s["kind"] for s in start.sources] == ["attachment"] * len(start.sources)
    assert any(
        s["label"] == "기본계획.md > 스마트 경로당 기본계획 > 2. 대상" for s in start.sources
    )
    numbers = {n["text"]: n for n in done.checks["numbers"]}
    assert numbers["200곳"]["status"] == "verified"
    assert numbers["1만 5천 명"]["status"] == "mismatch"
    assert numbers["1만 5천 명"]["expected"] == "1만 2천 명"
    assert numbers["25.3%"]["status"] == "verified"
    assert numbers["2027년"]["status"] == "unverified"
    assert numbers["65세"]["status"] == "verified"
    assert done.checks["summary"] == {"verified": 3, "mismatch": 1, "unverified": 1}
    with runtime.database.reader() as session:
        assert get_draft(session, kim, draft_id).data_class == "C"


class FakeKnowledge:
    def __init__(self) -> None:
        self.queries: list[tuple[str, list[str]]] = []

    def knowledge_bases(self, principal: Principal) -> list[KnowledgeBaseChoice]:
        return [KnowledgeBaseChoice("kb1", "노인복지 업무편람", "S")]

    def search(self, principal: Principal, query: str, *, kb_ids: Any, k: int) -> list[Passage]:
        self.queries.append((query, list(kb_ids)))
        return [
            Passage(
                "knowledge",
                "노인복지법 제37조(노인여가복지시설)",
                "노인여가복지시설은 노인복지관, 경로당, 노인교실로 한다.",
                "O",
                {"chunk_id": "c1", "kb_id": "kb1"},
            ),
            Passage(
                "knowledge",
                "업무편람 > 경로당 지원",
                "경로당 운영비는 연 360만 원을 지원한다.",
                "S",
                {"chunk_id": "c2", "kb_id": "kb1"},
            ),
        ]


def test_knowledge_base_grounding_through_the_seam(
    runtime: Runtime, people: People, scripted: Any, auditing: Any
) -> None:
    knowledge = FakeKnowledge()
    runtime.extras[EXTRA_KEY] = knowledge
    kim = people.add("kim")
    draft_id = new_draft(
        runtime, kim, auditing, "press-release", fields=PROJECT_FACTS, knowledge_base_ids=["kb1"]
    )
    start = generate(runtime, kim, draft_id)[0]
    assert knowledge.queries and knowledge.queries[0][1] == ["kb1"]
    assert PROJECT_FACTS["사업명"] in knowledge.queries[0][0]
    assert [s["label"] for s in start.sources] == [
        "노인복지법 제37조(노인여가복지시설)",
        "업무편람 > 경로당 지원",
    ]
    assert start.data_class == "S"  # press releases are O, but a retrieved chunk is S
    prompt = scripted.calls[-1].messages[-1].content
    assert "[2] 업무편람 > 경로당 지원\n경로당 운영비는 연 360만 원을 지원한다." in prompt


def test_without_retrieval_the_draft_says_so(
    runtime: Runtime, people: People, scripted: Any, auditing: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("doum.drafting.generate.knowledge_for", lambda runtime: None)
    kim = people.add("kim")
    draft_id = new_draft(
        runtime, kim, auditing, "report", fields=PROJECT_FACTS, knowledge_base_ids=["kb1"]
    )
    start = generate(runtime, kim, draft_id)[0]
    assert any("지식 검색 기능이 설치되어 있지 않아" in n for n in start.notices)


def test_generation_is_audited_with_prompt_and_output(
    runtime: Runtime, people: People, scripted: Any, auditing: Any
) -> None:
    kim = people.add("kim")
    draft_id = new_draft(runtime, kim, auditing, "weekly", fields=PROJECT_FACTS)
    done = generate(runtime, kim, draft_id, ip="10.0.0.7")[-1]
    prompt = audit_rows(runtime, "draft.generate")[-1]
    output = audit_rows(runtime, "draft.generated")[-1]
    details = json.loads(prompt.details)
    assert prompt.actor == "kim" and prompt.ip == "10.0.0.7" and prompt.target_id == draft_id
    assert "주간업무보고" in details["messages"][-1]["content"] and details["model"] == "scripted"
    out = json.loads(output.details)
    assert out["text"].strip() == done.content.strip() and out["status"] == "complete"
    assert output.data_class == "S"


def test_required_fields_are_enforced(
    runtime: Runtime, people: People, scripted: Any, auditing: Any
) -> None:
    kim = people.add("kim")
    draft_id = new_draft(runtime, kim, auditing, "press-release", fields={"사업명": "시험"})
    events = generate(runtime, kim, draft_id)
    assert events[-1].type == "error" and events[-1].code == "drafting.fields_missing"
    assert "핵심 내용" in events[-1].message and "문의처" in events[-1].message
    assert not scripted.calls


def test_stopping_keeps_what_was_written(
    runtime: Runtime, people: People, scripted: Any, auditing: Any
) -> None:
    scripted.script = staticmethod(lambda request: " ".join(["내용"] * 300))
    scripted.delay = 0.005
    kim = people.add("kim")
    draft_id = new_draft(runtime, kim, auditing, "ideas", fields=PROJECT_FACTS)

    async def run() -> None:
        events = DraftGeneration(runtime, principal=kim, draft_id=draft_id).events()
        seen = 0
        async for event in events:
            seen += event.type == "delta"
            if seen == 20:
                break
        await events.aclose()

    asyncio.run(run())
    with runtime.database.reader() as session:
        draft = get_draft(session, kim, draft_id)
        assert draft.status == "stopped"
        assert 0 < draft.content.count("내용") < 300
    assert json.loads(audit_rows(runtime, "draft.generated")[-1].details)["status"] == "stopped"


def test_drafts_are_private(runtime: Runtime, people: People, scripted: Any, auditing: Any) -> None:
    kim = people.add("kim")
    lee = people.add("lee")
    draft_id = new_draft(runtime, kim, auditing, "report", fields=PROJECT_FACTS)
    events = generate(runtime, lee, draft_id)
    assert events[-1].type == "error" and events[-1].code == "drafting.draft_not_found"
