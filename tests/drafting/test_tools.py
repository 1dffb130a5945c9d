"""Proofreading and plain-language rewriting as accept/reject changes, translation with
terms kept — through the scripted model, audited, applied exactly."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from sqlalchemy import select

from doum.audit.models import AuditRecord
from doum.drafting.diff import apply, hunks
from doum.drafting.drafts import create_draft, get_draft, update_draft
from doum.drafting.errors import DraftingConflict, RelayedError
from doum.drafting.tools import ToolOptions, ToolRun, apply_suggestion, run_tool
from doum.drafting.translate import protect, restore
from doum.runtime import Runtime
from tests.drafting.conftest import People

TEXT = (
    "□ 추진배경\n"
    "  ○ 2025.3.5 오후 2시 회의에서 경로당 지원을 논의했슴\n"
    "  ○ 몇일 안에 내방객 응대 매뉴얼을 배포할수 있도록 함\n\n"
    "□ 향후계획\n"
    "  ○ 어르신 건강관리 로드맵 수립 예정\n"
)


def run(
    runtime: Runtime, principal: Any, draft_id: str, tool: str, **options: Any
) -> dict[str, Any]:
    return asyncio.run(
        run_tool(
            ToolRun(
                runtime,
                principal=principal,
                draft_id=draft_id,
                tool=tool,
                options=ToolOptions(**options),
            )
        )
    )


@pytest.fixture
def draft(runtime: Runtime, people: People, auditing: Any) -> tuple[Any, str]:
    kim = people.add("kim")
    with runtime.database.session() as session:
        return kim, create_draft(session, kim, auditing, title="회의 결과", content=TEXT).id


def test_proofreading_proposes_rule_and_model_changes_one_by_one(
    runtime: Runtime, draft: tuple[Any, str], scripted: Any, auditing: Any
) -> None:
    kim, draft_id = draft
    # The model fixes one awkward phrase (and, like models do, keeps the rest).
    scripted.script = staticmethod(lambda r: r.messages[-1].content.replace("논의했음", "협의했음"))
    suggestion = run(runtime, kim, draft_id, "proofread")
    changes = {h["before"]: h for h in suggestion["hunks"]}
    assert changes["2025.3.5"]["after"] == "2025. 3. 5." and "날짜" in changes["2025.3.5"]["reason"]
    assert changes["오후 2시"]["after"] == "14:00"
    assert changes["몇일"]["after"] == "며칠" and changes["몇일"]["source"] == "rule"
    assert changes["배포할수"]["after"] == "배포할 수"
    assert changes["논의했슴"]["after"] == "협의했음" and changes["논의했슴"]["source"] == "model"
    assert "내방객" not in changes  # 쉬운 말 is a separate tool
    # Accept everything but the model's change.
    keep = [h["id"] for h in suggestion["hunks"] if h["source"] == "rule"]
    with runtime.database.session() as session:
        applied = apply_suggestion(
            session, kim, auditing, draft_id=draft_id, suggestion_id=suggestion["id"], accept=keep
        )
        content = applied.content
    assert "2025. 3. 5. 14:00 회의" in content and "며칠" in content and "배포할 수" in content
    assert "논의했슴" in content and "협의했음" not in content
    assert content.count("\n") == TEXT.count("\n")  # structure untouched
    with runtime.database.reader() as session:
        actions = [r.action for r in session.scalars(select(AuditRecord).order_by(AuditRecord.seq))]
        record = session.scalar(select(AuditRecord).where(AuditRecord.action == "draft.proofread"))
        details = json.loads(record.details)
    assert actions[-2:] == ["draft.proofread", "draft.apply"]
    assert details["calls"][0]["messages"][-1]["content"].startswith("□ 추진배경")
    assert "협의했음" in details["calls"][0]["output"]


def test_a_model_that_rewrites_everything_is_not_proposed(
    runtime: Runtime, draft: tuple[Any, str], scripted: Any
) -> None:
    kim, draft_id = draft
    scripted.script = staticmethod(lambda r: "Here is the corrected text: The meeting was held.")
    suggestion = run(runtime, kim, draft_id, "proofread")
    assert all(h["source"] == "rule" for h in suggestion["hunks"])
    assert suggestion["meta"]["rejected_groups"] == 1
    assert "원문과 너무 달라" in suggestion["meta"]["notices"][0]


def test_plain_language_replaces_administrative_jargon(
    runtime: Runtime, draft: tuple[Any, str], scripted: Any
) -> None:
    kim, draft_id = draft
    scripted.script = staticmethod(lambda r: r.messages[-1].content)
    suggestion = run(runtime, kim, draft_id, "plain")
    after = {h["before"]: h["after"] for h in suggestion["hunks"]}
    assert (
        after["내방객"] == "방문객"
        and after["매뉴얼을"] == "지침서를"
        and after["로드맵"] == "단계별 이행안"
    )


def test_stale_suggestions_are_refused(
    runtime: Runtime, draft: tuple[Any, str], scripted: Any, auditing: Any
) -> None:
    kim, draft_id = draft
    scripted.script = staticmethod(lambda r: r.messages[-1].content)
    suggestion = run(runtime, kim, draft_id, "proofread")
    with runtime.database.session() as session:
        update_draft(
            session, kim, auditing, draft_id=draft_id, changes={"content": TEXT + "  ○ 추가\n"}
        )
    with pytest.raises(DraftingConflict) as error, runtime.database.session() as session:
        apply_suggestion(session, kim, auditing, draft_id=draft_id, suggestion_id=suggestion["id"])
    assert error.value.code == "drafting.suggestion_stale"


def test_translation_keeps_terms(runtime: Runtime, draft: tuple[Any, str], scripted: Any) -> None:
    kim, _ = draft
    translated = {
        "□ 추진배경": "□ Background",
    }

    def translator(request: Any) -> str:
        text = request.messages[-1].content
        assert "행정안전부" not in text and "새만금" not in text  # sent as markers
        out = text
        for ko, en in translated.items():
            out = out.replace(ko, en)
        return out.replace("경로당", "senior center").replace("와", " and ")

    scripted.script = staticmethod(translator)
    runtime_content = "□ 추진배경\n  ○ 행정안전부와 새만금 경로당 지원 협의\n"
    with runtime.database.session() as session:
        other = create_draft(
            session, kim, _auditing(runtime), title="번역", content=runtime_content
        ).id
    suggestion = run(runtime, kim, other, "translate", language="en", terms="새만금=Saemangeum")
    text = suggestion["proposed"]
    assert "Ministry of the Interior and Safety" in text and "Saemangeum" in text
    assert suggestion["meta"]["terms"] == {
        "행정안전부": "Ministry of the Interior and Safety",
        "새만금": "Saemangeum",
    }
    assert suggestion["meta"]["missing_terms"] == []


def test_translation_reports_dropped_terms(
    runtime: Runtime, draft: tuple[Any, str], scripted: Any
) -> None:
    kim, draft_id = draft
    scripted.script = staticmethod(lambda r: "Senior center support.")
    suggestion = run(runtime, kim, draft_id, "translate", language="vi", terms="경로당")
    assert suggestion["meta"]["missing_terms"] == ["경로당"]
    assert "경로당" in suggestion["meta"]["notices"][0]


def test_unknown_language_and_empty_body(
    runtime: Runtime, people: People, scripted: Any, auditing: Any
) -> None:
    kim = people.add("kim")
    with runtime.database.session() as session:
        empty = create_draft(session, kim, auditing, title="빈 초안").id
    with pytest.raises(RelayedError) as error:
        run(runtime, kim, empty, "proofread")
    assert (
        error.value.code == "drafting.nothing_to_process"
        and "처리할 본문이 없습니다" in error.value.message
    )
    from doum.drafting.errors import DraftingInvalid

    with pytest.raises(DraftingInvalid):
        ToolRun(
            runtime,
            principal=kim,
            draft_id=empty,
            tool="translate",
            options=ToolOptions(language="fr"),
        )


def test_diff_hunks_apply_exactly() -> None:
    before = "할수 있다. 몇일 걸림.\n둘째 줄"
    after = "할 수 있다. 며칠 걸림.\n둘째 줄 끝"
    changes = hunks(before, after)
    assert [(h["before"], h["after"]) for h in changes] == [
        ("할수", "할 수"),
        ("몇일", "며칠"),
        ("줄", "줄 끝"),
    ]
    assert apply(before, changes, [h["id"] for h in changes]) == after
    assert apply(before, changes, []) == before
    assert apply(before, changes, [2]) == "할수 있다. 며칠 걸림.\n둘째 줄"


def test_term_markers_round_trip() -> None:
    protected, markers = protect(
        "새만금 새만금개발청",
        {"새만금": "Saemangeum", "새만금개발청": "Saemangeum Development Agency"},
    )
    assert protected == "[[T2]] [[T1]]"
    restored, missing = restore(
        "[[ T2 ]] and [[T1]]",
        markers,
        {"새만금": "Saemangeum", "새만금개발청": "Saemangeum Development Agency"},
    )
    assert restored == "Saemangeum and Saemangeum Development Agency" and missing == []


def _auditing(runtime: Runtime) -> Any:
    from doum.accounts.service import Auditing
    from doum.audit.log import AuditContext

    return Auditing(runtime.audit, AuditContext.system("test"))


def test_applied_text_becomes_a_revision(
    runtime: Runtime, draft: tuple[Any, str], scripted: Any, auditing: Any
) -> None:
    kim, draft_id = draft
    scripted.script = staticmethod(lambda r: r.messages[-1].content)
    suggestion = run(runtime, kim, draft_id, "proofread")
    with runtime.database.session() as session:
        apply_suggestion(session, kim, auditing, draft_id=draft_id, suggestion_id=suggestion["id"])
    from doum.drafting.drafts import list_revisions

    with runtime.database.reader() as session:
        sources = [r.source for r in list_revisions(session, kim, draft_id)]
        assert get_draft(session, kim, draft_id).content != TEXT
    assert sources[0] == "proofread"
