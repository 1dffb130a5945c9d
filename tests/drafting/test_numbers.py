"""Reading numbers the way Korean administrative text writes them, and checking them
against sources."""

from __future__ import annotations

import pytest

from doum.drafting.numbers import check_numbers, mentions


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("3억 5천만 원", 350_000_000, "원"),
        ("1,200억 원", 120_000_000_000, "원"),
        ("1조 2,000억원", 1_200_000_000_000, "원"),
        ("12.5%", 12.5, "%"),
        ("30 퍼센트", 30, "%"),
        ("200개소", 200, "곳"),
        ("1만 2천 명", 12_000, "명"),
        ("1,500", 1500, ""),
        ("2025. 3. 5.", (2025, 3, 5), "date"),
        ("2025년 3월 5일", (2025, 3, 5), "date"),
    ],
)
def test_mentions(text: str, value: object, unit: str) -> None:
    found = mentions(f"올해 {text} 기준")
    assert [(m.value, m.unit) for m in found] == [(value, unit)]


def test_what_is_not_a_number_to_check() -> None:
    text = "1. 관련: 제37조 제2항 [3] 전화 063-280-1234, 14:00 시작, 안 2, 3장, 5단계"
    assert mentions(text) == []


def test_checks_against_cited_and_uncited_sources() -> None:
    sources = [
        {"n": 1, "text": "총사업비는 30억 원이며 경로당 200곳에 설치한다."},
        {"n": 2, "text": "참여 어르신은 1만 2천 명으로 집계되었다."},
    ]
    content = (
        "총사업비 30억 원 [1]\n"
        "참여 어르신 1만 5천 명 [2]\n"
        "설치 대상 경로당 200곳\n"
        "이용률 10% 향상 [1]\n"
        "신규 예산 45억 원\n"
    )
    result = {
        c["text"]: c
        for c in check_numbers(content, sources, {"기대효과": "이용률 10% 향상"})["numbers"]
    }
    assert result["30억 원"]["status"] == "verified" and result["30억 원"]["source"] == 1
    assert (
        result["1만 5천 명"]["status"] == "mismatch"
        and result["1만 5천 명"]["expected"] == "1만 2천 명"
    )
    assert result["200곳"]["status"] == "verified"  # uncited, but in a source
    assert result["10%"]["status"] == "unverified"  # cites [1], which does not say it
    assert result["45억 원"]["status"] == "unverified"
