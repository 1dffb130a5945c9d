"""Synthetic documents built in code, so the tests run on a bare clone."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

from doum.documents.draft import DocumentDraft
from tests.documents.cfb import build_cfb

KOREAN_REPORT_LINES = [
    "□ 추진 배경",
    "○ 민원 처리 기간 단축 요구 증가",
    "- 평균 처리 기간 7.2일",
]


# -- HWP 5 ---------------------------------------------------------------------------
def record(tag: int, level: int, data: bytes) -> bytes:
    size = len(data)
    if size >= 0xFFF:
        return struct.pack("<II", tag | (level << 10) | (0xFFF << 20), size) + data
    return struct.pack("<I", tag | (level << 10) | (size << 20)) + data


def para_text(text: str) -> bytes:
    return (text + "\r").encode("utf-16-le")


def hwp_paragraph(text: str, level: int = 0, *, controls: bytes = b"", style: int = 0) -> bytes:
    header = struct.pack("<IIHBB", len(text) + 1, 0, 0, style, 0) + b"\x00" * 10
    out = record(0x42, level, header)
    out += record(0x43, level + 1, para_text(text))
    return out + controls


def hwp_table(rows: list[list[str]], level: int = 1) -> bytes:
    """A table control (CTRL_HEADER 'tbl ' + TABLE + one LIST_HEADER and paragraph per cell)."""
    ctrl = record(0x47, level, b" lbt" + b"\x00" * 40)
    n_rows, n_cols = len(rows), max(len(r) for r in rows)
    ctrl += record(0x4D, level + 1, struct.pack("<IHH", 0x6, n_rows, n_cols) + b"\x00" * 16)
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            cell = struct.pack("<HHIHHHH", 1, 0, 0x20, c, r, 1, 1) + b"\x00" * 22
            ctrl += record(0x48, level + 1, cell)
            ctrl += hwp_paragraph(text, level + 1)
    return ctrl


def docinfo_records(styles: tuple[str, ...] = ("바탕글", "개요 1")) -> bytes:
    out = b""
    for name in styles:
        encoded = name.encode("utf-16-le")
        out += record(
            0x1A, 0, struct.pack("<H", len(name)) + encoded + struct.pack("<H", 0) + b"\x00" * 8
        )
    return out


def build_hwp(
    paragraphs: list[str] | None = None,
    *,
    body: bytes | None = None,
    flags: int = 0x1,
    preview: str | None = None,
    extra_streams: dict[str, bytes] | None = None,
) -> bytes:
    """An HWP 5.0 file (compressed unless ``flags`` lacks bit 0)."""
    if body is None:
        body = b"".join(hwp_paragraph(p) for p in (paragraphs or ["본문"]))
    docinfo = docinfo_records()

    def pack(data: bytes) -> bytes:
        if not flags & 0x1:
            return data
        c = zlib.compressobj(9, zlib.DEFLATED, -15)
        return c.compress(data) + c.flush()

    header = b"HWP Document File".ljust(32, b"\x00") + struct.pack("<II", 0x05000300, flags)
    streams = {
        "FileHeader": header.ljust(256, b"\x00"),
        "DocInfo": pack(docinfo),
        "BodyText/Section0": pack(body),
    }
    if preview is not None:
        streams["PrvText"] = preview.encode("utf-16-le")
    streams.update(extra_streams or {})
    return build_cfb(streams)


# -- other formats ------------------------------------------------------------------
def report_draft() -> DocumentDraft:
    return (
        DocumentDraft(title="2025년 민원 처리 현황 보고", metadata={"author": "홍길동"})
        .heading("추진 배경")
        .bullet("민원 처리 기간 단축 요구 증가", marker="□")
        .bullet("평균 처리 기간 7.2일 → 5일 목표", marker="○", level=1)
        .footnote("2024년 행정안전부 통계 기준")
        .table(
            [["구분", "건수", "비율"], ["전화", "120", "60%"], ["방문", "80", "40%"]],
            caption="표 1. 유형별 현황",
        )
        .heading("관련 법령", level=2)
        .paragraph("제2조(정의) 이 법에서 사용하는 용어의 뜻은 다음과 같다.")
        .paragraph('1. "민원"이란 민원인이 행정기관에 처분 등 특정한 행위를 요구하는 것을 말한다.')
    )


def hwpx_sample() -> bytes:
    from doum.documents.writers.hwpx import hwpx_bytes

    return hwpx_bytes(report_draft())


def docx_sample() -> bytes:
    from doum.documents.writers.docx import docx_bytes

    return docx_bytes(report_draft())


def xlsx_sample() -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "민원현황"
    ws.append(["구분", "1월", "2월"])
    ws.append(["전화", 120, 130.0])
    ws.append(["방문", 80, 75])
    ws.append(["합계", None, None])
    ws.merge_cells("B4:C4")
    ws["B4"] = 405
    second = wb.create_sheet("비고")
    second.append(["메모"])
    second.append(["2025년 집계"])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def odt_sample() -> bytes:
    from odf.opendocument import OpenDocumentText
    from odf.table import Table, TableCell, TableColumn, TableRow
    from odf.text import H, List, ListItem, P

    doc = OpenDocumentText()
    doc.text.addElement(H(outlinelevel=1, text="추진 배경"))
    doc.text.addElement(P(text="□ 민원 처리 기간 단축 요구 증가"))
    items = List()
    item = ListItem()
    item.addElement(P(text="전화 민원 확대"))
    items.addElement(item)
    doc.text.addElement(items)
    table = Table(name="현황")
    table.addElement(TableColumn(numbercolumnsrepeated=2))
    for row in (["구분", "건수"], ["전화", "120"]):
        tr = TableRow()
        for value in row:
            cell = TableCell()
            cell.addElement(P(text=value))
            tr.addElement(cell)
        table.addElement(tr)
    doc.text.addElement(table)
    buffer = io.BytesIO()
    doc.write(buffer)
    return buffer.getvalue()


def pdf_sample(pages: int = 3) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_title("Complaint report")
    pdf.set_author("Hong")
    pdf.set_font("Helvetica", size=12)
    for n in range(1, pages + 1):
        pdf.add_page()
        pdf.multi_cell(
            0,
            8,
            f"Page {n} heading\n1. First item on page {n}.\n2. Second item.\nPlain closing sentence.",
        )
    return bytes(pdf.output())


HTML_SAMPLE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>민원 안내</title>
<style>p{color:red}</style><script>alert(1)</script></head><body>
<h1>민원 안내</h1><p>주민등록표 등본 발급 방법을 안내합니다.</p>
<ul><li>○ 온라인 발급</li><li>방문 발급<ul><li>신분증 지참</li></ul></li></ul>
<table><caption>수수료</caption><tr><th>구분</th><th>금액</th></tr>
<tr><td rowspan="2">등본</td><td>400원</td></tr><tr><td>무료(온라인)</td></tr></table>
</body></html>""".encode()

MARKDOWN_STATUTE = """---
제목: 시험기본법
법령구분: 법률
소관부처:
- 행정안전부
시행일자: 2025-03-18
상태: 시행
---

# 시험기본법

## 제1장 총칙

### 제1절 목적

##### 제1조 (목적)

이 법은 시험을 목적으로 한다.

##### 제2조 (정의)

이 법에서 사용하는 용어의 뜻은 다음과 같다.

  1\\. "시험"이란 다음 각 목의 것을 말한다.
    가\\. 필기시험
    나\\. 실기시험
  2\\. "응시자"란 시험을 보는 사람을 말한다.

##### 제3조 (책무)

**①** 국가는 시험을 공정하게 관리한다.

**②** 지방자치단체는 제1항에 협력한다.

## 부칙

제1조(시행일) 이 법은 공포한 날부터 시행한다.
""".encode()

TEXT_SAMPLE = "\n".join(["민원 처리 현황 보고", *KOREAN_REPORT_LINES, "끝."]).encode("cp949")

CSV_SAMPLE = "구분,1월,2월\n전화,120,130\n방문,80,75\n".encode("utf-8-sig")


def zip_bytes(members: dict[str, bytes], *, stored_first: str | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        if stored_first:
            archive.writestr(
                zipfile.ZipInfo(stored_first),
                members[stored_first],
                compress_type=zipfile.ZIP_STORED,
            )
        for name, data in members.items():
            if name != stored_first:
                archive.writestr(name, data)
    return buffer.getvalue()


def small_docx() -> bytes:
    """A hand-made minimal DOCX (a few KB) for fast fuzzing."""
    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    document = (
        f'<?xml version="1.0" encoding="UTF-8"?><w:document {w}><w:body>'
        '<w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr><w:r><w:t>추진 배경</w:t></w:r></w:p>'
        '<w:p><w:pPr><w:numPr><w:ilvl w:val="1"/></w:numPr></w:pPr><w:r><w:t>○ 항목</w:t><w:tab/><w:t>값</w:t></w:r>'
        '<w:r><w:footnoteReference w:id="1"/></w:r></w:p>'
        '<w:tbl><w:tr><w:trPr><w:tblHeader/></w:trPr><w:tc><w:tcPr><w:gridSpan w:val="2"/></w:tcPr>'
        "<w:p><w:r><w:t>머리</w:t></w:r></w:p></w:tc></w:tr>"
        '<w:tr><w:tc><w:tcPr><w:vMerge w:val="restart"/></w:tcPr><w:p><w:r><w:t>가</w:t></w:r></w:p></w:tc>'
        "<w:tc><w:p><w:r><w:t>나</w:t></w:r></w:p></w:tc></w:tr>"
        "<w:tr><w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p/></w:tc><w:tc><w:p><w:r><w:t>다</w:t></w:r></w:p></w:tc></w:tr>"
        "</w:tbl></w:body></w:document>"
    ).encode()
    styles = (
        f'<?xml version="1.0" encoding="UTF-8"?><w:styles {w}><w:style w:type="paragraph" w:styleId="Heading1">'
        '<w:name w:val="heading 1"/></w:style></w:styles>'
    ).encode()
    footnotes = (
        f'<?xml version="1.0" encoding="UTF-8"?><w:footnotes {w}><w:footnote w:id="1">'
        "<w:p><w:r><w:t>각주 내용</w:t></w:r></w:p></w:footnote></w:footnotes>"
    ).encode()
    types = b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'
    return zip_bytes(
        {
            "[Content_Types].xml": types,
            "word/document.xml": document,
            "word/styles.xml": styles,
            "word/footnotes.xml": footnotes,
        }
    )
