"""Summarising documents longer than the model's context: map-reduce over the
structure keeps every heading, covers every section and cites where each part came
from — shown on a generated 200-page HWPX report."""

from __future__ import annotations

import asyncio
import io
import re
from typing import Any

import pytest

from doum.chat.prompts import estimate_tokens
from doum.documents import DocumentDraft, write_hwpx
from doum.drafting.attachments import add_attachment, read_attachment
from doum.drafting.drafts import create_draft, get_draft
from doum.drafting.structure import outline, split_sections
from doum.drafting.summarise import plan_units
from doum.drafting.tools import ToolOptions, ToolRun, apply_suggestion, run_tool
from doum.llm.types import ChatRequest
from doum.runtime import Runtime
from tests.drafting.conftest import People

CHAPTERS, SECTIONS, PARAGRAPHS = 20, 10, 6


def paragraph(chapter: int, section: int, n: int) -> str:
    key = f"C{chapter:02d}S{section:02d}"
    return (
        f"{key}-{n} 항목은 {chapter}장 {section}절의 {n}번째 내용으로, 관련 사업비는 {chapter * 10 + section}억 원이다. "
        + "지역 주민의 생활 여건을 개선하고 행정 서비스의 접근성을 높이기 위한 세부 과제를 단계적으로 추진한다. "
        * 3
        + f"이 문단의 핵심 표지는 [{key}]이다."
    )


def report_hwpx() -> tuple[bytes, list[str], int]:
    draft = DocumentDraft(title="전라북도 지역발전 종합계획(2026~2030)")
    headings = []
    for c in range(1, CHAPTERS + 1):
        chapter = f"제{c}장 분야별 추진계획 {c}"
        draft.heading(chapter, level=1)
        headings.append(chapter)
        for s in range(1, SECTIONS + 1):
            title = f"{c}.{s} 세부 과제 {c}-{s}"
            draft.heading(title, level=2)
            headings.append(title)
            for p in range(1, PARAGRAPHS + 1):
                draft.paragraph(paragraph(c, s, p))
    buffer = io.BytesIO()
    write_hwpx(draft, buffer)
    chars = sum(len(b.text) for b in draft.blocks)
    return buffer.getvalue(), headings, chars


def clerk_summary(request: ChatRequest) -> str:
    """A faithful little summariser: the first sentence of each paragraph it is given,
    cut to the length asked for."""
    text = request.messages[-1].content
    target = int(re.search(r"약 ([\d,]+)자", text).group(1).replace(",", ""))
    body = text.split("\n\n", 1)[1] if "\n\n" in text else text
    lines = [line for line in body.split("\n") if line.strip() and not line.startswith("[")]
    out, size = [], 0
    for line in lines:
        first = re.split(r"(?<=다\.)\s", line.strip())[0][:160]
        out.append(f"○ {first.lstrip('○- ')}")
        size += len(first)
        if size >= target:
            break
    return "\n".join(out)


@pytest.fixture
def summariser(scripted: Any) -> Any:
    scripted.script = staticmethod(clerk_summary)
    return scripted


def test_a_200_page_report_is_summarised_section_by_section(
    runtime: Runtime, people: People, summariser: Any, auditing: Any
) -> None:
    data, headings, chars = report_hwpx()
    assert chars > 200 * 1400  # about 200 A4 pages of Korean report text
    text, fmt, section_count = read_attachment(
        data, filename="종합계획.hwpx", settings=runtime.settings
    )
    assert fmt == "hwpx" and section_count >= CHAPTERS * (SECTIONS + 1)
    kim = people.add("kim")
    with runtime.database.session() as session:
        draft_id = create_draft(session, kim, auditing, title="종합계획 요약").id
        attachment = add_attachment(
            session,
            kim,
            auditing,
            draft_id=draft_id,
            filename="종합계획.hwpx",
            text=text,
            format=fmt,
            size=len(data),
            section_count=section_count,
            data_class="S",
            settings=runtime.settings,
        )
        attachment_id = attachment.id
    progress: list[tuple[int, int]] = []
    run = ToolRun(
        runtime,
        principal=kim,
        draft_id=draft_id,
        tool="summarise",
        options=ToolOptions(source=f"attachment:{attachment_id}"),
    )
    suggestion = asyncio.run(
        run_tool(
            run,
            on_event=lambda e: progress.append((e.done, e.total)) if e.type == "progress" else None,
        )
    )
    summary = suggestion["proposed"]
    meta = suggestion["meta"]

    # Longer than the context: many map calls plus the reduce step, each fitting it.
    model = runtime.gateway.config("scripted")
    calls = summariser.calls
    assert len(calls) > CHAPTERS * SECTIONS
    for request in calls:
        used = sum(estimate_tokens(m.content) for m in request.messages) + (request.max_tokens or 0)
        assert used <= model.context_length
    assert progress[-1][0] == progress[-1][1] == meta["units"] + 1

    # Every heading kept, in order, at its level; every section covered and cited.
    summary_outline = [h for _, h in outline(summary)]
    positions = [summary_outline.index(h) for h in headings]
    assert positions == sorted(positions)
    levels = dict((h, level) for level, h in outline(summary))
    assert levels[headings[0]] + 1 == levels[headings[1]] <= 6  # chapter above its sections
    for c in range(1, CHAPTERS + 1):
        for s in range(1, SECTIONS + 1):
            key = f"C{c:02d}S{s:02d}"
            assert f"{key}-1 항목은" in summary, key
            assert (
                f"〔원문: 전라북도 지역발전 종합계획(2026~2030) > 제{c}장 분야별 추진계획 {c} > {c}.{s} 세부 과제 {c}-{s}"
                in summary
            )
    assert "## 핵심 요약" in summary
    assert meta["extractive"] == []
    assert 0.1 < meta["ratio"] < 0.45, meta

    # The suggestion becomes a new draft when applied.
    with runtime.database.session() as session:
        new = apply_suggestion(
            session, kim, auditing, draft_id=draft_id, suggestion_id=suggestion["id"], mode="new"
        )
        assert new.id != draft_id and new.content == summary and new.doc_type == "summary"
        assert get_draft(session, kim, draft_id).content == ""


def test_units_merge_short_sections_and_split_long_ones() -> None:
    markdown = (
        "# 법\n## 제1장 총칙\n###### 제1조 (목적)\n짧은 조문.\n###### 제2조 (정의)\n짧은 정의.\n"
        "## 제2장 본칙\n###### 제3조 (긴 조문)\n" + "\n".join(["아주 긴 문장입니다. " * 30] * 12)
    )
    sections = split_sections(markdown)
    units = plan_units(sections, budget_tokens=600, count=estimate_tokens, min_chars=400)
    assert [s.heading for s in units[0].sections] == ["제1조 (목적)", "제2조 (정의)"]
    long_parts = [u for u in units if u.first.heading == "제3조 (긴 조문)"]
    assert len(long_parts) > 1 and all(u.part and u.part[1] == len(long_parts) for u in long_parts)
    assert all(estimate_tokens(u.text) <= 600 for u in units)


def test_sections_the_model_fails_on_fall_back_and_are_reported(
    runtime: Runtime, people: People, scripted: Any, auditing: Any
) -> None:
    scripted.script = staticmethod(
        lambda request: "" if "제2조" in request.messages[-1].content else "○ 요약함"
    )
    kim = people.add("kim")
    content = (
        "# 시험법\n## 제1조 (목적)\n" + "이 법은 시험을 목적으로 한다. " * 40 + "\n"
        '## 제2조 (정의)\n"시험"이란 능력을 재는 일을 말한다. '
        + "더 긴 설명이 이어진다. " * 40
        + "\n"
    )
    with runtime.database.session() as session:
        draft_id = create_draft(session, kim, auditing, content=content).id
    suggestion = asyncio.run(
        run_tool(ToolRun(runtime, principal=kim, draft_id=draft_id, tool="summarise"))
    )
    meta = suggestion["meta"]
    assert meta["extractive"] == ["시험법 > 제2조 (정의)"]
    assert "1개 구획은 모델이 요약하지 못해" in meta["notices"][0]
    assert '"시험"이란 능력을 재는 일을 말한다.' in suggestion["proposed"]


@pytest.mark.shared
def test_a_statute_from_the_corpus_keeps_its_chapters(
    runtime: Runtime, people: People, summariser: Any, auditing: Any
) -> None:
    from tests.conftest import shared_path

    path = shared_path("corpus", "laws", "행정기본법", "법률.md")
    data = path.read_bytes()
    text, fmt, sections = read_attachment(data, filename=path.name, settings=runtime.settings)
    kim = people.add("kim")
    with runtime.database.session() as session:
        draft_id = create_draft(session, kim, auditing, title="행정기본법").id
        attachment_id = add_attachment(
            session,
            kim,
            auditing,
            draft_id=draft_id,
            filename=path.name,
            text=text,
            format=fmt,
            size=len(data),
            section_count=sections,
            data_class="O",
            settings=runtime.settings,
        ).id
    suggestion = asyncio.run(
        run_tool(
            ToolRun(
                runtime,
                principal=kim,
                draft_id=draft_id,
                tool="summarise",
                options=ToolOptions(source=f"attachment:{attachment_id}"),
            )
        )
    )
    summary = suggestion["proposed"]
    chapters = [h for _, h in outline(text) if re.match(r"제\d+장", h)]
    assert len(chapters) >= 4
    for chapter in chapters:
        assert chapter in summary
    for article in ("제1조 (목적)", "제2조 (정의)", "제8조 (법치행정의 원칙)"):
        assert article in summary
