"""The kiwipiepy name aid: which words it asks the analyser about (few, and never one the
rules decided), what it concludes, and that repeated words are answered from its cache."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from doum.privacy.detector import PiiDetector
from doum.privacy.recognisers import kiwi_person
from doum.privacy.recognisers.kiwi_person import KiwiPersonRecogniser, candidate_size

PROSE = (
    "□ 추진 배경\n○ 도민의 일상 속 불편을 줄이고 행정 서비스의 질을 높이기 위해 생성형 인공지능을 "
    "업무 전반에 단계적으로 도입하고자 함. 관련 법령과 지침에 따라 보안성 검토를 거쳐 운영 "
    "환경을 구축함. 감염병 예방을 위한 정기적 점검과 제2호서식의 제출을 요청함."
)


@pytest.mark.parametrize(
    ("word", "size"),
    [
        ("김민준이", 3),
        ("권소예가", 3),
        ("남궁민수는", 4),
        ("김민준", 3),
        ("감염병", 0),  # 염 is no given-name syllable
        ("정기적", 0),
        ("서비스", 0),
        ("보건소", 0),  # 보건 + 소
        ("조교수", 0),  # surname + title
        ("김민준재단", 0),  # what follows is no particle
        ("김현", 0),  # two syllables: only with short_names
    ],
)
def test_candidate_words(word: str, size: int) -> None:
    assert candidate_size(word) == size


def test_short_names_are_optional() -> None:
    assert candidate_size("김현에게") == 0
    assert candidate_size("김현에게", short=True) == 2


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every text handed to the analyser (with an empty verdict cache)."""
    seen: list[str] = []
    real = kiwi_person._tokenize

    def counting(text: str) -> list[Any]:
        seen.append(text)
        return real(text)

    kiwi_person.verdict.cache_clear()
    monkeypatch.setattr(kiwi_person, "_tokenize", counting)
    yield seen
    kiwi_person.verdict.cache_clear()


@pytest.mark.model
def test_prose_without_candidates_never_reaches_the_analyser(calls: list[str]) -> None:
    assert [s for s in PiiDetector.full().detect(PROSE) if s.type.value == "person"] == []
    assert calls == []


@pytest.mark.model
def test_names_the_rules_decided_are_not_analysed(calls: list[str]) -> None:
    spans = PiiDetector.full().detect("홍길동 주무관이 김민준에게 전화했다.")
    assert [(s.text, s.recogniser) for s in spans] == [
        ("홍길동", "person"),
        ("김민준", "kiwi_person"),
    ]
    assert calls == ["김민준에게"]


@pytest.mark.model
def test_verdicts_are_cached_per_word(calls: list[str]) -> None:
    recogniser = KiwiPersonRecogniser()
    text = "어제 김민준이 왔다. 오늘도 김민준이 왔다."
    assert [s.text for s in recogniser.find(text)] == ["김민준", "김민준"]
    assert recogniser.find(text) is not None and list(recogniser.find(text))
    assert calls == ["김민준이"]


@pytest.mark.model
@pytest.mark.parametrize(
    "text",
    [
        "공유림 관리와 지평식 주차장",  # a known noun + one syllable, unknown as a whole
        "별지 제2호서식의 예방접종 후 이상반응",  # glued to a number
        "배수지가 넘쳐 도로가 잠겼다",  # a known common noun (reservoir)
    ],
)
def test_look_alikes(text: str) -> None:
    assert [s for s in PiiDetector.full().detect(text) if s.type.value == "person"] == []
