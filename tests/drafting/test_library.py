"""The shared prompt / use-case library: categories, search, likes, copies into one's
own, department and organisation visibility (in the query), class limits, audit."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from doum.audit.models import AuditRecord
from doum.drafting.errors import DraftingForbidden, DraftingInvalid, DraftingNotFound
from doum.drafting.library import (
    copy_item,
    delete_item,
    get_item,
    search_library,
    set_like,
    share,
    update_item,
)
from doum.drafting.templates import get_template
from doum.runtime import Runtime
from tests.drafting.conftest import People

PROMPT = {
    "kind": "prompt",
    "category": "문서작성",
    "title": "보도자료 제목 다듬기",
    "summary": "제목 후보 5개를 받는 프롬프트",
    "body": "다음 보도자료의 제목 후보를 25자 이내로 5개 제시해 줘.",
    "tags": ["보도자료", "#제목"],
    "visibility": "organisation",
    "data_class": "O",
}


def test_share_search_like_copy(runtime: Runtime, people: People, auditing: Any) -> None:
    kim = people.add("kim")
    park = people.add("park", department="관광과")
    with runtime.database.session() as session:
        item = share(session, kim, auditing, data=PROMPT).item
        share(
            session,
            kim,
            auditing,
            data={
                **PROMPT,
                "title": "엑셀 민원 통계 분석",
                "category": "데이터분석",
                "body": "피벗으로 읍면동별 민원 건수를 세는 방법",
                "summary": "",
                "tags": [],
            },
        )
        dept_only = share(
            session,
            kim,
            auditing,
            data={**PROMPT, "title": "부서 내부 요령", "visibility": "department"},
        ).item
        private = share(
            session,
            kim,
            auditing,
            data={**PROMPT, "title": "나만 보는 메모", "visibility": "private"},
        ).item
        item_id, dept_id, private_id = item.id, dept_only.id, private.id
    with runtime.database.reader() as session:
        seen = [v.item.title for v in search_library(session, park, query="")]
        assert set(seen) == {"보도자료 제목 다듬기", "엑셀 민원 통계 분석"}
        assert [v.item.title for v in search_library(session, park, query="제목 후보")] == [
            "보도자료 제목 다듬기"
        ]
        assert [v.item.title for v in search_library(session, park, category="데이터분석")] == [
            "엑셀 민원 통계 분석"
        ]
        assert [v.item.title for v in search_library(session, park, query="보도자료")] == [
            "보도자료 제목 다듬기"
        ]
        assert len(search_library(session, kim)) == 4
        with pytest.raises(DraftingNotFound):
            get_item(session, park, dept_id)
        with pytest.raises(DraftingNotFound):
            get_item(session, park, private_id)
        view = get_item(session, park, item_id)
        assert view.author == "KIM" and view.department == "노인복지과"
        assert view.to_dict()["tags"] == ["보도자료", "제목"]
    with runtime.database.session() as session:
        assert set_like(session, park, auditing, item_id=item_id, liked=True).item.like_count == 1
        assert (
            set_like(session, park, auditing, item_id=item_id, liked=True).item.like_count == 1
        )  # once
        assert set_like(session, kim, auditing, item_id=item_id, liked=True).liked
        copied = copy_item(session, park, auditing, item_id=item_id)
    with runtime.database.reader() as session:
        assert get_item(session, kim, item_id).item.like_count == 2
        assert get_item(session, kim, item_id).item.copy_count == 1
        copy_view = get_item(session, park, copied["item_id"])
        assert copy_view.item.visibility == "private" and copy_view.item.source_id == item_id
        popular = search_library(session, park, order="popular")
        assert popular[0].item.id == item_id
    with runtime.database.session() as session:
        assert set_like(session, park, auditing, item_id=item_id, liked=False).item.like_count == 1
        with pytest.raises(DraftingForbidden):
            update_item(session, park, auditing, item_id=item_id, data={"title": "가로채기"})
        with pytest.raises(DraftingForbidden):
            delete_item(session, park, auditing, item_id=item_id)
        assert (
            update_item(
                session, kim, auditing, item_id=item_id, data={"title": "제목 다듬기 v2"}
            ).item.title
            == "제목 다듬기 v2"
        )
    with runtime.database.reader() as session:
        actions = [
            r.action
            for r in session.scalars(
                select(AuditRecord).where(AuditRecord.action.like("library.%"))
            )
        ]
    assert actions.count("library.share") == 4 and actions.count("library.like") == 2
    assert "library.copy" in actions and "library.unlike" in actions and "library.update" in actions


def test_sharing_a_template_and_copying_it(runtime: Runtime, people: People, auditing: Any) -> None:
    kim = people.add("kim")
    park = people.add("park", department="관광과")
    with runtime.database.session() as session:
        view = share(
            session,
            kim,
            auditing,
            template_id="speech",
            data={
                **PROMPT,
                "kind": "template",
                "title": "축사 잘 쓰는 템플릿",
                "category": "문서작성",
            },
        )
        assert view.item.kind == "template" and view.item.template["name"] == "인사말·축사·기념사"
        result = copy_item(session, park, auditing, item_id=view.item.id)
        copied = get_template(session, park, result["template_id"])
    assert copied.scope == "personal" and copied.name == "인사말·축사·기념사"
    assert [f.key for f in copied.fields][:3] == ["행사명", "종류", "발언자"]


def test_classes_limit_how_far_things_are_shared(
    runtime: Runtime, people: People, auditing: Any
) -> None:
    kim = people.add("kim")
    with runtime.database.session() as session:
        with pytest.raises(DraftingForbidden) as error:
            share(
                session,
                kim,
                auditing,
                data={**PROMPT, "data_class": "S", "visibility": "organisation"},
            )
        assert "S 자료는 기관 전체 범위로 공유할 수 없습니다" in error.value.message.replace(
            "등급 ", ""
        )
        with pytest.raises(DraftingForbidden):
            share(
                session,
                kim,
                auditing,
                data={**PROMPT, "data_class": "C", "visibility": "department"},
            )
        assert share(
            session, kim, auditing, data={**PROMPT, "data_class": "C", "visibility": "private"}
        )
        with pytest.raises(DraftingInvalid) as bad:
            share(session, kim, auditing, data={**PROMPT, "category": "잡담"})
        assert bad.value.code == "drafting.category_invalid"
