from __future__ import annotations

import pytest

from doum.documents.model import Block, BlockKind, Document, StatuteRef, Table
from doum.retrieval.chunking import chunk_document, iso_date, split_sentences
from tests.conftest import shared_path
from tests.retrieval.conftest import manual, statute


def test_one_article_per_chunk_with_citation_fields() -> None:
    chunks = chunk_document(statute("주민등록법", effective="2024-05-01"))
    assert [c.article for c in chunks] == ["제1조", "제2조"]
    second = chunks[1]
    assert second.heading == "주민등록법 제2조(발급)"
    assert second.chapter == "제1장 총칙" and second.article_title == "발급"
    assert second.effective_date == "2024-05-01" and second.legal_status == "시행"
    assert second.paragraph == ""  # whole article in one chunk
    assert "①" in second.text and "②" in second.text
    assert second.index_text().startswith("주민등록법 제2조(발급)\n")


def test_long_article_split_by_paragraph() -> None:
    long = [f"{'①②③④⑤'[i]} " + f"{i + 1}번째 항의 내용입니다. " * 30 for i in range(5)]
    doc = statute("긴법", articles=[("제3조", "긴 조문", long)])
    chunks = chunk_document(doc, max_chars=1000)
    assert len(chunks) > 1
    assert all(c.article == "제3조" and c.heading == "긴법 제3조(긴 조문)" for c in chunks)
    assert all(len(c.text) <= 1000 for c in chunks)
    assert chunks[0].paragraph.startswith("1") and chunks[-1].paragraph.endswith("5")
    # no 항 is cut in the middle when it fits
    assert all(
        c.text.count("①")
        + c.text.count("②")
        + c.text.count("③")
        + c.text.count("④")
        + c.text.count("⑤")
        >= 1
        for c in chunks
    )


def test_single_huge_paragraph_split_at_korean_sentence_ends() -> None:
    text = "가나다라마바사 아자차카타파하 문장이다. " * 200
    pieces = split_sentences(text, 300)
    assert all(len(p) <= 300 for p in pieces)
    assert all(p.rstrip().endswith("다.") for p in pieces[:-1])
    assert "".join(pieces).replace(" ", "") == text.replace(" ", "")


def test_manual_by_heading_and_tables_whole_with_header() -> None:
    chunks = chunk_document(manual())
    kinds = [(c.kind, c.heading) for c in chunks]
    assert kinds == [
        ("section", "민원 업무편람 > 1. 민원 접수"),
        ("section", "민원 업무편람 > 2. 처리 기간"),
        ("table", "민원 업무편람 > 2. 처리 기간"),
    ]
    table = chunks[2]
    assert table.text.splitlines()[0] == "| 민원 종류 | 처리 기간 |"
    assert "정보공개 청구" in table.text and table.page == 4
    assert chunks[0].page == 3 and chunks[0].heading_path == ["1. 민원 접수"]


def test_very_long_table_is_split_with_header_repeated() -> None:
    rows = [["구분", "내용"]] + [[f"항목{i}", "설명 " * 20] for i in range(100)]
    doc = Document(
        format="xlsx",
        title="표",
        blocks=[Block(kind=BlockKind.TABLE, table=Table(rows=rows, header_rows=1))],
    )
    chunks = chunk_document(doc, max_chars=500)
    assert len(chunks) > 3
    assert all(c.text.splitlines()[0] == "| 구분 | 내용 |" for c in chunks)


def test_supplementary_provisions_are_labelled() -> None:
    ref = StatuteRef(law="가법", article="제1조", article_title="시행일", supplementary=True)
    doc = Document(
        format="md",
        title="가법",
        metadata={"제목": "가법"},
        blocks=[
            Block(kind=BlockKind.ARTICLE, text="제1조(시행일)", statute=ref),
            Block(kind=BlockKind.PARAGRAPH, text="이 법은 공포한 날부터 시행한다.", statute=ref),
        ],
    )
    [chunk] = chunk_document(doc)
    assert chunk.article == "부칙 제1조" and chunk.heading == "가법 부칙 제1조(시행일)"


def test_iso_date() -> None:
    import datetime as dt

    assert iso_date(dt.date(2025, 3, 18)) == "2025-03-18"
    assert iso_date("20250318") == "2025-03-18"
    assert iso_date("2025.3.18") == ""
    assert iso_date(None) == ""


@pytest.mark.shared
def test_real_statute_from_the_corpus() -> None:
    from doum.documents import read_document

    path = shared_path("corpus", "laws", "행정기본법", "법률.md")
    chunks = chunk_document(read_document(path, isolated=False))
    by_article = {c.article: c for c in chunks}
    assert "제2조" in by_article and by_article["제2조"].article_title == "정의"
    assert by_article["제2조"].law == "행정기본법"
    assert by_article["제2조"].effective_date == "2025-03-18"
    assert by_article["제1조"].chapter.startswith("제1장")
    assert all(len(c.text) <= 1000 for c in chunks)
