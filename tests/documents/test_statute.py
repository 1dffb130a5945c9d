"""Statute structure: statute markdown (front matter) and articles quoted in documents."""

from __future__ import annotations

import pytest

from doum.config.documents import DocumentSettings
from doum.documents import read_bytes, read_document
from doum.documents.model import BlockKind, Document
from doum.documents.statute import parse_article_heading
from tests.conftest import shared_path
from tests.documents import samples


def _refs(document: Document) -> list[str]:
    return [b.statute.citation() for b in document.blocks if b.statute is not None]


def test_statute_markdown_structure() -> None:
    document = read_bytes(samples.MARKDOWN_STATUTE, isolated=False, settings=DocumentSettings())
    assert document.format == "md"
    assert document.title == "시험기본법"
    meta = document.metadata
    assert (meta["법령구분"], meta["소관부처"], meta["상태"]) == ("법률", ["행정안전부"], "시행")
    assert str(meta["시행일자"]) == "2025-03-18"
    articles = [b for b in document.blocks if b.kind is BlockKind.ARTICLE]
    assert [(b.statute.article, b.statute.article_title) for b in articles if b.statute] == [
        ("제1조", "목적"),
        ("제2조", "정의"),
        ("제3조", "책무"),
        ("제1조", "시행일"),
    ]
    first = articles[0].statute
    assert first is not None and first.chapter == "제1장 총칙" and first.section == "제1절 목적"
    refs = _refs(document)
    assert "시험기본법 제2조 제1호 가목" in refs
    assert "시험기본법 제2조 제2호" in refs
    assert "시험기본법 제3조 제2항" in refs
    assert "시험기본법 부칙 제1조" in refs
    item = next(b for b in document.blocks if b.text.startswith("가. 필기시험"))
    assert item.statute is not None and (item.statute.item, item.statute.subitem) == ("1", "가")
    assert item.path[-1] == "제2조 (정의)"


def test_articles_quoted_in_an_ordinary_document() -> None:
    text = "\n".join(
        [
            "□ 검토 배경",
            "○ 관련 규정은 다음과 같다.",
            "제2조(정의) 이 법에서 사용하는 용어의 뜻은 다음과 같다.",
            '1. "민원"이란 행정기관에 특정한 행위를 요구하는 것을 말한다.',
            "가. 일반민원",
            "□ 향후 계획",
            "1. 제도 개선",
        ]
    ).encode()
    document = read_bytes(text, filename="검토.txt", isolated=False, settings=DocumentSettings())
    article = next(b for b in document.blocks if b.kind is BlockKind.ARTICLE)
    assert article.text == "제2조(정의)"
    refs = _refs(document)
    assert refs == ["제2조", "제2조", "제2조 제1호", "제2조 제1호 가목"]
    plan = document.blocks[-1]
    assert plan.text == "1. 제도 개선" and plan.statute is None


@pytest.mark.parametrize(
    ("text", "article", "title"),
    [
        ("제1조(목적) 이 법은", "제1조", "목적"),
        ("제 227 조의 2 (특례)", "제227조의2", "특례"),
        ("제5조 삭제 <2016.1.7>", "제5조", ""),
        ("제10조", "제10조", ""),
    ],
)
def test_article_headings(text: str, article: str, title: str) -> None:
    heading = parse_article_heading(text)
    assert heading is not None and (heading.article, heading.title) == (article, title)


@pytest.mark.parametrize("text", ["제2조에 따라 처리한다.", "제2조제1항의 경우", "제3장에서 정한"])
def test_references_are_not_headings(text: str) -> None:
    assert parse_article_heading(text) is None


@pytest.mark.shared
def test_law_corpus() -> None:
    path = shared_path("corpus", "laws", "행정기본법", "법률.md")
    document = read_document(path, isolated=False, settings=DocumentSettings())
    assert document.title == "행정기본법"
    for key in ("법령구분", "소관부처", "시행일자", "상태"):
        assert key in document.metadata
    refs = _refs(document)
    assert "행정기본법 제2조 제1호 가목" in refs
    assert "행정기본법 제40조 제4항" in refs
    article = next(b for b in document.blocks if b.statute and b.statute.article == "제14조")
    assert article.statute is not None and article.statute.chapter == "제3장 행정작용"
    assert article.statute.section == "제1절 처분"


@pytest.mark.shared
@pytest.mark.slow
def test_whole_law_corpus_reads() -> None:
    root = shared_path("corpus", "laws")
    files = sorted(root.glob("*/*.md"))
    assert len(files) >= 50
    for path in files:
        document = read_document(path, isolated=False, settings=DocumentSettings())
        assert document.title and document.is_statute, path
        assert "시행일자" in document.metadata
