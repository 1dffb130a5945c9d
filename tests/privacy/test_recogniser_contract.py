"""Contract every :class:`Recogniser` must honour. Each implementation inherits the base
class and names a text it must find something in."""

from __future__ import annotations

import pytest

from doum.privacy.recognisers import (
    BirthDateRecogniser,
    CountedNamesRecogniser,
    IdentifierRecogniser,
    KiwiPersonRecogniser,
    NumberRecogniser,
    PersonRecogniser,
    Recogniser,
)

PLAIN = "2024년 3월 15일 행정정보과-1234 문서로 시행한 지방자치법 제227조의2에 따른 회의 결과를 알립니다."


class RecogniserContract:
    recogniser: Recogniser
    sample: str  # a text with at least one span of one of the recogniser's types

    def test_is_a_recogniser(self) -> None:
        assert isinstance(self.recogniser, Recogniser)
        assert self.recogniser.name
        assert self.recogniser.types

    def test_finds_something_in_its_sample(self) -> None:
        assert list(self.recogniser.find(self.sample))

    def test_spans_are_well_formed(self) -> None:
        for text in (self.sample, "😀 " + self.sample, self.sample * 3):
            for span in self.recogniser.find(text):
                assert 0 <= span.start < span.end <= len(text)
                assert text[span.start : span.end] == span.text
                assert span.type in self.recogniser.types
                assert 0.0 < span.score <= 1.0
                assert span.reason and span.text not in span.reason

    def test_offsets_shift_with_prefix(self) -> None:
        base = [(s.type, s.start, s.end) for s in self.recogniser.find(self.sample)]
        shifted = [
            (s.type, s.start - 3, s.end - 3) for s in self.recogniser.find("가나 " + self.sample)
        ]
        assert shifted == base

    def test_empty_and_plain_text(self) -> None:
        assert list(self.recogniser.find("")) == []
        assert list(self.recogniser.find(PLAIN)) == []

    def test_deterministic(self) -> None:
        assert list(self.recogniser.find(self.sample)) == list(self.recogniser.find(self.sample))


class TestNumberRecogniser(RecogniserContract):
    recogniser = NumberRecogniser()
    sample = (
        "주민등록번호 900101-1234568, 연락처 010-1234-5678, 주소 서울특별시 종로구 세종대로 209"
    )


class TestIdentifierRecogniser(RecogniserContract):
    recogniser = IdentifierRecogniser()
    sample = "이메일 hong.gd@korea.kr, 여권번호 M12345678, +82-10-1234-5678"


class TestPersonRecogniser(RecogniserContract):
    recogniser = PersonRecogniser()
    sample = "홍길동 주무관과 성명: 김영희 님이 참석하였다."


@pytest.mark.model
class TestKiwiPersonRecogniser(RecogniserContract):
    recogniser = KiwiPersonRecogniser()
    sample = "어제 김민준이 민원실을 방문하였다."


class TestBirthDateRecogniser(RecogniserContract):
    recogniser = BirthDateRecogniser()
    sample = "생년월일: 1990. 1. 1., 어머님 생신 1950. 11. 2., 신청인(1987.3.2.생)"


class TestCountedNamesRecogniser(RecogniserContract):
    recogniser = CountedNamesRecogniser()
    sample = "최수빈, 정예준 두 명이 현장에 나갔다."
