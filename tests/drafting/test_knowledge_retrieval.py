"""Drafting grounded on a real knowledge base through ``doum.retrieval``: the search
runs with the user's permissions, hits become cited sources with their class."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from doum.accounts.roles import Role
from doum.drafting.drafts import create_draft
from doum.drafting.generate import DraftGeneration
from doum.drafting.knowledge import RetrievalKnowledge, knowledge_for
from doum.runtime import Runtime
from tests.drafting.conftest import PROJECT_FACTS, People

pytest.importorskip("doum.retrieval.search")

STATUTE = """---
제목: 노인복지법
법령구분: 법률
시행일자: 2024-01-01
상태: 시행
---

# 노인복지법

## 제4장 노인복지시설의 설치ㆍ운영

##### 제36조 (노인여가복지시설)

① 노인여가복지시설은 다음 각 호의 시설로 한다.
1. 노인복지관
2. 경로당: 지역노인들이 자율적으로 친목도모ㆍ취미활동ㆍ공동작업장 운영 및 각종 정보교환과 기타 여가활동을 할 수 있도록 하는 장소를 제공함을 목적으로 하는 시설
3. 노인교실
"""


@pytest.fixture
def knowledge(runtime: Runtime, people: People, tmp_path: Path) -> str:
    from doum.config.retrieval import RetrievalSettings
    from doum.knowledge.service import create_knowledge_base
    from doum.retrieval.analysis import WhitespaceAnalyzer
    from doum.retrieval.backend import RetrievalBackend
    from doum.retrieval.ingestion import index_document
    from doum.retrieval.sources import add_paths
    from doum.retrieval.stores.sqlite import SQLiteSearchStore

    store = SQLiteSearchStore(tmp_path / "search.sqlite3", dim=384)
    store.ensure_schema()
    backend = RetrievalBackend(
        store=store,
        analyzer=WhitespaceAnalyzer(),
        embedder=None,
        settings=RetrievalSettings(embedding="none"),
    )
    runtime.extras["retrieval.backend"] = backend
    manager = people.add("head", Role.DEPARTMENT_MANAGER)
    path = tmp_path / "노인복지법.md"
    path.write_text(STATUTE, encoding="utf-8")
    with runtime.database.session() as session:
        kb = create_knowledge_base(session, manager, name="노인복지 법령", data_class="O")
        kb_id = kb.id
        ids = add_paths(session, manager, kb_ref=kb_id, paths=[path]).queued
    for document_id in ids:
        index_document(document_id, database=runtime.database, backend=backend)
    yield kb_id
    store.close()


def test_drafting_cites_a_real_knowledge_base(
    runtime: Runtime, people: People, scripted: Any, auditing: Any, knowledge: str
) -> None:
    kim = people.add("kim")  # same department as the knowledge base: may read it
    outsider = people.add("park", department="관광과")
    search = knowledge_for(runtime)
    assert isinstance(search, RetrievalKnowledge)
    assert [kb.name for kb in search.knowledge_bases(kim)] == ["노인복지 법령"]
    assert search.knowledge_bases(outsider) == []
    with runtime.database.session() as session:
        draft_id = create_draft(
            session,
            kim,
            auditing,
            template_id="report",
            fields={**PROJECT_FACTS, "사업명": "경로당 여가시설 지원"},
            knowledge_base_ids=[knowledge],
        ).id
        foreign = create_draft(
            session,
            outsider,
            auditing,
            template_id="report",
            fields={**PROJECT_FACTS, "사업명": "경로당 여가시설 지원"},
            knowledge_base_ids=[knowledge],
        ).id

    async def run(principal: Any, draft: str) -> Any:
        events = DraftGeneration(runtime, principal=principal, draft_id=draft).events()
        return [e async for e in events]

    start = asyncio.run(run(kim, draft_id))[0]
    labels = [s["label"] for s in start.sources]
    assert any("제36조" in label for label in labels), labels
    assert all(s["kind"] == "knowledge" and s["data_class"] == "O" for s in start.sources)
    assert "경로당" in scripted.calls[-1].messages[-1].content
    # Someone outside the department gets nothing from it, and is told so.
    outside = asyncio.run(run(outsider, foreign))[0]
    assert outside.sources == []
    assert any("관련 근거를 찾지 못했습니다" in n for n in outside.notices)
