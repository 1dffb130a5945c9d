"""Exported HWPX and DOCX, read back by doum, have the structure of the draft: title,
headings, 개조식 items with their markers and depth, numbered items and tables — and a
기안문 has the 공문 layout (두문, 본문, 붙임, 끝., 결문)."""

from __future__ import annotations

import asyncio
import io
import zipfile
from typing import Any

import pytest

from doum.documents import read_bytes
from doum.documents.model import Block, BlockKind
from doum.drafting.defaults import builtin_templates
from doum.drafting.drafts import create_draft, get_draft, plain_text
from doum.drafting.export import document_draft, export_draft, render
from doum.drafting.generate import DraftGeneration
from doum.runtime import Runtime
from tests.drafting.conftest import PROJECT_FACTS, People

GONGMUN_FIELDS = {
    **PROJECT_FACTS,
    "제목": "2025년 스마트 경로당 조성사업 추진계획 알림",
    "수신": "수신자 참조",
    "붙임": "추진계획 1부.\n참석자 명단 1부.",
    "발신명의": "전북특별자치도지사",
    "기안자": "주무관 김도움",
    "검토자": "팀장 이검토",
    "결재권자": "과장 박결재",
    "시행번호": "노인복지과-1234",
    "시행일자": "2025. 3. 5.",
    "문서종류": "시행문 (대외 발송)",
}


def shape(blocks: list[Block]) -> list[tuple[Any, ...]]:
    out = []
    for b in blocks:
        if b.kind in (BlockKind.HEADER, BlockKind.FOOTER):
            continue
        if b.table is not None:
            out.append(("table", tuple(tuple(r) for r in b.table.rows)))
        elif b.kind is BlockKind.LIST_ITEM:
            text = b.text if b.text.startswith(b.marker) else f"{b.marker} {b.text}"
            out.append(("item", b.marker, b.level, text))
        else:
            out.append((b.kind.value, b.text))
    return out


def written(
    runtime: Runtime, people: People, auditing: Any, template: str, fields: dict[str, str]
) -> Any:
    kim = people.add("kim")
    with runtime.database.session() as session:
        draft_id = create_draft(session, kim, auditing, template_id=template, fields=fields).id

    async def run() -> None:
        async for _ in DraftGeneration(runtime, principal=kim, draft_id=draft_id).events():
            pass

    asyncio.run(run())
    return kim, draft_id


@pytest.mark.parametrize(
    "template_id", [t.id for t in builtin_templates() if t.doc_type != "gongmun"]
)
def test_export_reads_back_with_the_same_structure(
    template_id: str, runtime: Runtime, people: People, scripted: Any, auditing: Any
) -> None:
    kim, draft_id = written(runtime, people, auditing, template_id, PROJECT_FACTS)
    with runtime.database.reader() as session:
        draft = get_draft(session, kim, draft_id)
        expected = document_draft(draft, organisation="전북특별자치도")
        exported = [render(draft, fmt, organisation="전북특별자치도") for fmt in ("hwpx", "docx")]
    for fmt, file in zip(("hwpx", "docx"), exported, strict=True):
        back = read_bytes(file.data, filename=file.filename, isolated=False)
        assert back.format == fmt
        blocks = [b for b in back.blocks if b.kind not in (BlockKind.HEADER, BlockKind.FOOTER)]
        assert blocks[0].kind is BlockKind.TITLE and blocks[0].text == expected.title
        assert shape(blocks[1:]) == shape(expected.blocks), fmt
    assert len(expected.blocks) >= 5
    if template_id == "report":
        kinds = shape(expected.blocks)
        assert ("item", "□", 0, "□ 개요") in kinds and ("item", "□", 0, "□ 추진배경") in kinds
        assert ("table", (("구분", "내용"), ("2025년", "12억 원"), ("2026년", "18억 원"))) in kinds


@pytest.mark.parametrize("fmt", ["hwpx", "docx"])
def test_gongmun_is_laid_out_as_an_official_document(
    fmt: str, runtime: Runtime, people: People, scripted: Any, auditing: Any
) -> None:
    kim, draft_id = written(runtime, people, auditing, "gongmun", GONGMUN_FIELDS)
    with runtime.database.reader() as session:
        draft = get_draft(session, kim, draft_id)
        exported = render(draft, fmt, organisation="전북특별자치도")
        body = shape(document_draft(draft, organisation="전북특별자치도").blocks)
    lines = [
        b.text
        for b in read_bytes(exported.data, filename=exported.filename, isolated=False).blocks
        if b.kind not in (BlockKind.HEADER, BlockKind.FOOTER)
    ]
    assert lines[0] == "전북특별자치도"
    assert lines[1] == "수신\t수신자 참조"
    assert lines[3] == "제목\t2025년 스마트 경로당 조성사업 추진계획 알림"
    assert lines[4].startswith("1. 관련:")
    items = [t for t in lines if t.startswith(("1.", "2.", "3.", "가.", "나."))]
    assert len(items) >= 4 and len(body) >= 4
    assert "붙임\t1. 추진계획 1부." in lines and "\t2. 참석자 명단 1부.  끝." in lines
    sender = lines.index("전북특별자치도지사")
    assert sender > lines.index("\t2. 참석자 명단 1부.  끝.")
    assert lines[sender + 1] == "기안자 주무관 김도움   검토자 팀장 이검토   결재권자 과장 박결재"
    assert lines[sender + 2].startswith("시행\t노인복지과-1234 (2025. 3. 5.)")


def test_markdown_and_text_exports_and_the_audit(
    runtime: Runtime, people: People, scripted: Any, auditing: Any
) -> None:
    kim, draft_id = written(runtime, people, auditing, "report", PROJECT_FACTS)
    with runtime.database.session() as session:
        md = export_draft(session, kim, auditing, draft_id=draft_id, fmt="md", organisation="도")
        txt = export_draft(session, kim, auditing, draft_id=draft_id, fmt="txt", organisation="도")
        hwpx = export_draft(
            session, kim, auditing, draft_id=draft_id, fmt="hwpx", organisation="도"
        )
        content = get_draft(session, kim, draft_id).content
    assert md.data.decode() == content and md.filename.endswith(".md")
    text = txt.data.decode()
    assert "# " not in text and "□ 개요" in text and "2025년\t12억 원" in text
    assert text == plain_text(content)
    with zipfile.ZipFile(io.BytesIO(hwpx.data)) as package:
        assert package.namelist()[0] == "mimetype"
    from sqlalchemy import select

    from doum.audit.models import AuditRecord

    with runtime.database.reader() as session:
        formats = [
            r.details
            for r in session.scalars(
                select(AuditRecord).where(AuditRecord.action == "draft.export")
            )
        ]
    assert len(formats) == 3 and '"format":"hwpx"' in formats[-1].replace(" ", "")
