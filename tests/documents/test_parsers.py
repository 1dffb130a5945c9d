"""Each parser against the shared contract, plus what is special about its format."""

from __future__ import annotations

import pytest

from doum.documents.formats.docx import DocxParser
from doum.documents.formats.html import HtmlParser
from doum.documents.formats.hwp import HwpParser
from doum.documents.formats.hwpx import HwpxParser
from doum.documents.formats.markdown import MarkdownParser
from doum.documents.formats.odt import OdtParser
from doum.documents.formats.pdf import PdfParser
from doum.documents.formats.sheets import CsvParser, XlsxParser
from doum.documents.formats.text import TextParser
from doum.documents.model import BlockKind
from tests.documents import samples
from tests.documents.contract import ParserContract


class TestHwpParser(ParserContract):
    expected = ("보고서 제목", "□ 추진 배경", "a\tb")

    @pytest.fixture
    def parser(self) -> HwpParser:
        return HwpParser()

    def sample(self) -> bytes:
        body = samples.hwp_paragraph("보고서 제목") + samples.hwp_paragraph(
            "□ 추진 배경", controls=samples.hwp_table([["a", "b"], ["c", "d"]])
        )
        return samples.build_hwp(body=body, preview="보고서 제목")

    def test_structure(self, parser: HwpParser) -> None:
        document = parser.parse(self.sample())
        kinds = [b.kind for b in document.blocks]
        assert kinds == [BlockKind.PARAGRAPH, BlockKind.LIST_ITEM, BlockKind.TABLE]
        assert document.blocks[1].marker == "□"
        assert document.tables()[0].rows == [["a", "b"], ["c", "d"]]
        assert document.metadata["preview_text"] == "보고서 제목"

    def test_uncompressed_body(self, parser: HwpParser) -> None:
        document = parser.parse(samples.build_hwp(["압축하지 않은 본문"], flags=0))
        assert document.text() == "압축하지 않은 본문"

    def test_outline_style_is_heading(self, parser: HwpParser) -> None:
        body = samples.hwp_paragraph("개요 문단", style=1) + samples.hwp_paragraph("본문")
        document = parser.parse(samples.build_hwp(body=body))
        assert document.blocks[0].kind is BlockKind.HEADING
        assert document.blocks[0].level == 1

    def test_control_characters(self, parser: HwpParser) -> None:
        # a tab (inline control, 8 code units) and a line break (1 code unit)
        tab = b"\x09\x00" + b"\x00" * 12 + b"\x09\x00"
        raw = (
            "앞".encode("utf-16-le")
            + tab
            + "뒤".encode("utf-16-le")
            + b"\x0a\x00"
            + "끝".encode("utf-16-le")
            + b"\x0d\x00"
        )
        header = samples.record(0x42, 0, b"\x00" * 22)
        body = header + samples.record(0x43, 1, raw)
        assert parser.parse(samples.build_hwp(body=body)).text() == "앞\t뒤\n끝"


class TestHwpxParser(ParserContract):
    expected = ("2025년 민원 처리 현황 보고", "□ 민원 처리 기간 단축 요구 증가", "전화\t120\t60%")

    @pytest.fixture
    def parser(self) -> HwpxParser:
        return HwpxParser()

    def sample(self) -> bytes:
        return samples.hwpx_sample()

    def test_structure(self, parser: HwpxParser) -> None:
        document = parser.parse(self.sample())
        assert document.title == "2025년 민원 처리 현황 보고"
        kinds = [b.kind for b in document.blocks]
        assert kinds[:5] == [
            BlockKind.TITLE,
            BlockKind.HEADING,
            BlockKind.LIST_ITEM,
            BlockKind.LIST_ITEM,
            BlockKind.FOOTNOTE,
        ]
        table = document.tables()[0]
        assert table.header_rows == 1 and table.caption == "표 1. 유형별 현황"
        article = next(b for b in document.blocks if b.kind is BlockKind.ARTICLE)
        assert article.statute is not None and article.statute.article == "제2조"


class TestDocxParser(ParserContract):
    expected = ("추진 배경", "○ 평균 처리 기간 7.2일 → 5일 목표", "방문\t80\t40%")

    @pytest.fixture
    def parser(self) -> DocxParser:
        return DocxParser()

    def sample(self) -> bytes:
        return samples.docx_sample()

    def test_structure(self, parser: DocxParser) -> None:
        document = parser.parse(self.sample())
        assert document.metadata["author"] == "홍길동"
        headings = [(b.text, b.level) for b in document.blocks if b.kind is BlockKind.HEADING]
        assert headings == [("추진 배경", 1), ("관련 법령", 2)]
        assert document.tables()[0].header_rows == 1

    def test_merged_cells(self, parser: DocxParser) -> None:
        import io

        import docx

        d = docx.Document()
        table = d.add_table(rows=3, cols=3)
        table.cell(0, 0).merge(table.cell(0, 1)).text = "가로 병합"
        table.cell(1, 2).merge(table.cell(2, 2)).text = "세로 병합"
        buffer = io.BytesIO()
        d.save(buffer)
        parsed = parser.parse(buffer.getvalue()).tables()[0]
        assert parsed.rows[0][:2] == ["가로 병합", "가로 병합"]
        assert parsed.rows[1][2] == parsed.rows[2][2] == "세로 병합"
        spans = {(c.row, c.col): (c.row_span, c.col_span) for c in parsed.cells}
        assert spans[(0, 0)] == (1, 2) and spans[(1, 2)] == (2, 1)


class TestXlsxParser(ParserContract):
    expected = ("민원현황", "전화\t120\t130", "2025년 집계")

    @pytest.fixture
    def parser(self) -> XlsxParser:
        return XlsxParser()

    def sample(self) -> bytes:
        return samples.xlsx_sample()

    def test_sheets_are_tables(self, parser: XlsxParser) -> None:
        document = parser.parse(self.sample())
        assert document.metadata["sheets"] == ["민원현황", "비고"]
        first = document.tables()[0]
        assert first.rows[-1] == ["합계", "405", "405"]  # merged B4:C4 repeated
        assert first.header_rows == 1


class TestCsvParser(ParserContract):
    expected = ("구분\t1월\t2월", "방문\t80\t75")
    binary = False

    @pytest.fixture
    def parser(self) -> CsvParser:
        return CsvParser()

    def sample(self) -> bytes:
        return samples.CSV_SAMPLE

    def test_cp949_and_tabs(self, parser: CsvParser) -> None:
        document = parser.parse("이름\t부서\n홍길동\t민원과\n".encode("cp949"))
        assert document.tables()[0].rows == [["이름", "부서"], ["홍길동", "민원과"]]


class TestOdtParser(ParserContract):
    expected = ("추진 배경", "전화 민원 확대", "전화\t120")

    @pytest.fixture
    def parser(self) -> OdtParser:
        return OdtParser()

    def sample(self) -> bytes:
        return samples.odt_sample()

    def test_structure(self, parser: OdtParser) -> None:
        document = parser.parse(self.sample())
        assert document.blocks[0].kind is BlockKind.HEADING
        assert any(
            b.kind is BlockKind.LIST_ITEM and b.text == "전화 민원 확대" for b in document.blocks
        )


class TestPdfParser(ParserContract):
    expected = ("Page 1 heading", "1. First item on page 3.")

    @pytest.fixture
    def parser(self) -> PdfParser:
        return PdfParser()

    def sample(self) -> bytes:
        return samples.pdf_sample(pages=3)

    def test_pages_and_metadata(self, parser: PdfParser) -> None:
        document = parser.parse(self.sample())
        assert document.page_count == 3
        assert document.title == "Complaint report"
        assert {b.page for b in document.blocks} == {1, 2, 3}
        items = [b for b in document.blocks if b.kind is BlockKind.LIST_ITEM]
        assert items and items[0].marker == "1."


class TestHtmlParser(ParserContract):
    expected = ("주민등록표 등본 발급 방법을 안내합니다.", "신분증 지참")
    binary = False

    @pytest.fixture
    def parser(self) -> HtmlParser:
        return HtmlParser()

    def sample(self) -> bytes:
        return samples.HTML_SAMPLE

    def test_structure(self, parser: HtmlParser) -> None:
        document = parser.parse(self.sample())
        assert document.title == "민원 안내"
        assert "alert" not in document.text() and "color" not in document.text()
        table = document.tables()[0]
        assert table.caption == "수수료" and table.header_rows == 1
        assert table.rows == [["구분", "금액"], ["등본", "400원"], ["등본", "무료(온라인)"]]
        nested = next(b for b in document.blocks if b.text == "신분증 지참")
        assert nested.kind is BlockKind.LIST_ITEM and nested.level == 1


class TestTextParser(ParserContract):
    expected = ("□ 추진 배경", "끝.")
    binary = False

    @pytest.fixture
    def parser(self) -> TextParser:
        return TextParser()

    def sample(self) -> bytes:
        return samples.TEXT_SAMPLE

    def test_markers(self, parser: TextParser) -> None:
        document = parser.parse(self.sample())
        assert document.metadata["encoding"] == "cp949"
        markers = [(b.marker, b.level) for b in document.blocks if b.kind is BlockKind.LIST_ITEM]
        assert markers == [("□", 0), ("○", 1), ("-", 2)]


class TestMarkdownParser(ParserContract):
    expected = ("이 법은 시험을 목적으로 한다.", "가. 필기시험")
    binary = False

    @pytest.fixture
    def parser(self) -> MarkdownParser:
        return MarkdownParser()

    def sample(self) -> bytes:
        return samples.MARKDOWN_STATUTE

    def test_plain_markdown(self, parser: MarkdownParser) -> None:
        data = "# 제목\n\n본문 **굵게** [링크](http://x)\n\n- 하나\n  - 둘\n\n| a | b |\n|---|---|\n| 1 | 2 |\n".encode()
        document = parser.parse(data)
        assert [b.kind for b in document.blocks] == [
            BlockKind.HEADING,
            BlockKind.PARAGRAPH,
            BlockKind.LIST_ITEM,
            BlockKind.LIST_ITEM,
            BlockKind.TABLE,
        ]
        assert document.blocks[1].text == "본문 굵게 링크"
        assert document.blocks[3].level == 1
        assert document.tables()[0].rows == [["a", "b"], ["1", "2"]]
