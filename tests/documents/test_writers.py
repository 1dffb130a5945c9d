"""HWPX and DOCX writers: package validity and round trips through our own readers."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from doum.config.documents import DocumentSettings
from doum.documents import DocumentDraft, Gongmun, read_bytes, write_docx, write_hwpx
from doum.documents.draft import Signatory
from doum.documents.model import BlockKind, Document
from doum.documents.writers.docx import docx_bytes
from doum.documents.writers.hwpx import hwpx_bytes
from tests.conftest import shared_path
from tests.documents import samples
from tests.documents.agreement import char_f1


def _read(data: bytes) -> Document:
    return read_bytes(data, isolated=False, settings=DocumentSettings())


def _gongmun_draft() -> DocumentDraft:
    gongmun = Gongmun(
        organization="전북특별자치도",
        recipient="국토교통부장관(도심주택공급협력과장)",
        via="",
        attachments=["추진실적 1부.", "사업 목록 1부."],
        sender="전북특별자치도지사",
        signatories=[
            Signatory("기안자", "주무관", "홍길동"),
            Signatory("검토자", "팀장", "김철수"),
            Signatory("결재권자", "과장", "이영희", "10/14"),
            Signatory("협조자", "주무관", "박영수"),
        ],
        document_number="도시재생과-1234",
        enforced_on="2025. 10. 14.",
        postal_code="54968",
        address="전북특별자치도 전주시 완산구 효자로 225",
        homepage="www.jeonbuk.go.kr",
        phone="063-280-2000",
        fax="063-280-2001",
        email="hong@korea.kr",
        disclosure="공개",
    )
    return (
        DocumentDraft(title="소규모주택정비사업 추진실적 제출", gongmun=gongmun)
        .paragraph("1. 관련: 국토교통부 도심주택공급협력과-3448(2025.10.13.)")
        .paragraph("2. 위 호와 관련하여 붙임과 같이 제출합니다.")
    )


def test_hwpx_package_layout() -> None:
    data = hwpx_bytes(samples.report_draft())
    archive = zipfile.ZipFile(io.BytesIO(data))
    first = archive.infolist()[0]
    assert first.filename == "mimetype" and first.compress_type == zipfile.ZIP_STORED
    assert archive.read("mimetype") == b"application/hwp+zip"
    assert data[30:38] == b"mimetype"  # readable at a fixed offset, like ODF
    names = set(archive.namelist())
    for required in (
        "version.xml",
        "Contents/header.xml",
        "Contents/section0.xml",
        "Contents/content.hpf",
        "META-INF/container.xml",
        "META-INF/manifest.xml",
        "settings.xml",
        "Preview/PrvText.txt",
    ):
        assert required in names
        if required.endswith((".xml", ".hpf")):
            etree.fromstring(archive.read(required))  # well-formed
    header = archive.read("Contents/header.xml").decode()
    for part in (
        "<hh:fontfaces",
        "<hh:borderFills",
        "<hh:charProperties",
        "<hh:paraProperties",
        "<hh:styles",
    ):
        assert part in header
    section = archive.read("Contents/section0.xml").decode()
    assert "<hp:secPr" in section and "<hp:pageNum" in section and "<hp:tbl" in section
    container = archive.read("META-INF/container.xml").decode()
    assert "Contents/content.hpf" in container


def test_hwpx_ids_refer_to_defined_shapes() -> None:
    archive = zipfile.ZipFile(io.BytesIO(hwpx_bytes(_gongmun_draft())))
    header = etree.fromstring(archive.read("Contents/header.xml"))
    section = etree.fromstring(archive.read("Contents/section0.xml"))

    def ids(tag: str) -> set[str]:
        return {el.get("id") for el in header.iter(f"{{*}}{tag}")}

    for attr, tag in (
        ("paraPrIDRef", "paraPr"),
        ("styleIDRef", "style"),
        ("charPrIDRef", "charPr"),
        ("borderFillIDRef", "borderFill"),
    ):
        used = {el.get(attr) for el in section.iter() if el.get(attr) is not None}
        assert used <= ids(tag), (attr, used - ids(tag))


@pytest.mark.parametrize("write", [hwpx_bytes, docx_bytes], ids=["hwpx", "docx"])
def test_round_trip_keeps_text_and_structure(write) -> None:  # type: ignore[no-untyped-def]
    draft = samples.report_draft()
    document = _read(write(draft))
    assert document.title == draft.title
    assert char_f1(document.text(), draft.plain_text()) >= 0.99
    headings = [(b.text, b.level) for b in document.blocks if b.kind is BlockKind.HEADING]
    assert headings == [("추진 배경", 1), ("관련 법령", 2)]
    bullets = [(b.marker, b.level) for b in document.blocks if b.kind is BlockKind.LIST_ITEM]
    assert bullets[:2] == [("□", 0), ("○", 1)]
    table = document.tables()[0]
    assert table.rows == [["구분", "건수", "비율"], ["전화", "120", "60%"], ["방문", "80", "40%"]]
    assert table.header_rows == 1
    assert any(b.kind is BlockKind.ARTICLE and b.text == "제2조(정의)" for b in document.blocks)


def test_hwpx_round_trip_keeps_footnotes_and_merges() -> None:
    draft = samples.report_draft()
    from doum.documents.model import Block, TableCell
    from doum.documents.tables import table_from_cells

    merged = table_from_cells(
        [
            TableCell("구분", 0, 0, header=True),
            TableCell("합계", 0, 1, col_span=2, header=True),
            TableCell("전화", 1, 0),
            TableCell("120", 1, 1),
            TableCell("60%", 1, 2),
        ]
    )
    draft.blocks.append(Block(kind=BlockKind.TABLE, table=merged))
    document = _read(hwpx_bytes(draft))
    assert [b.text for b in document.blocks if b.kind is BlockKind.FOOTNOTE] == [
        "2024년 행정안전부 통계 기준"
    ]
    last = document.tables()[-1]
    assert last.rows[0] == ["구분", "합계", "합계"]
    assert last.cell_count == 5


def test_reexport_of_parsed_document() -> None:
    original = _read(samples.docx_sample())
    draft = DocumentDraft.from_document(original)
    again = _read(hwpx_bytes(draft))
    assert char_f1(again.text(), original.text()) >= 0.98
    assert [t.rows for t in again.tables()] == [t.rows for t in original.tables()]


@pytest.mark.parametrize("write", [hwpx_bytes, docx_bytes], ids=["hwpx", "docx"])
def test_gongmun_layout_order(write) -> None:  # type: ignore[no-untyped-def]
    text = _read(write(_gongmun_draft())).text()
    order = [
        "전북특별자치도\n",
        "수신\t국토교통부장관",
        "(경유)",
        "제목\t소규모주택정비사업 추진실적 제출",
        "1. 관련:",
        "붙임\t1. 추진실적 1부.",
        "2. 사업 목록 1부.  끝.",
        "전북특별자치도지사",
        "기안자 주무관 홍길동   검토자 팀장 김철수   결재권자 과장 이영희 10/14",
        "협조자 주무관 박영수",
        "시행\t도시재생과-1234 (2025. 10. 14.)\t접수",
        "우 54968 전북특별자치도 전주시 완산구 효자로 225 / www.jeonbuk.go.kr",
        "전화 063-280-2000 전송 063-280-2001 / hong@korea.kr / 공개",
    ]
    positions = [text.find(part) for part in order]
    assert all(p >= 0 for p in positions), [
        o for o, p in zip(order, positions, strict=True) if p < 0
    ]
    assert positions == sorted(positions)


def test_end_mark_goes_after_body_without_attachments() -> None:
    draft = _gongmun_draft()
    assert draft.gongmun is not None
    draft.gongmun.attachments = []
    text = _read(hwpx_bytes(draft)).text()
    assert "2. 위 호와 관련하여 붙임과 같이 제출합니다.  끝." in text


def test_write_to_path_and_file(tmp_path: Path) -> None:
    draft = samples.report_draft()
    write_hwpx(draft, tmp_path / "보고서.hwpx")
    buffer = io.BytesIO()
    write_docx(draft, buffer)
    assert _read((tmp_path / "보고서.hwpx").read_bytes()).format == "hwpx"
    assert _read(buffer.getvalue()).format == "docx"


def test_control_characters_are_dropped() -> None:
    draft = DocumentDraft(title="제어\x01문자").paragraph("본문\x0b내용\x00")
    document = _read(hwpx_bytes(draft))
    assert "제어문자" in document.text() and "본문내용" in document.text()


@pytest.mark.shared
def test_gongmun_example_round_trips() -> None:
    original = _read(
        shared_path("fixtures", "hwp", "gongmun", "seoul_sihaengmun.hwpx").read_bytes()
    )
    again = _read(hwpx_bytes(DocumentDraft.from_document(original)))
    assert char_f1(again.text(), original.text()) >= 0.98
    assert [t.cell_count for t in again.tables()] == [t.cell_count for t in original.tables()]
