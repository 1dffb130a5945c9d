"""사람 이름 without a title or label, from two other kinds of context:

* next to a contact the other recognisers found: "박서진(010-2231-8890)",
  "윤채원 / 010-9988-1122", "010-1234-5678(홍길동)", "송지훈 (jihoon@daum.net)"
  (:class:`ContactNameRecogniser`, which reads the spans found before it);
* a list of names counted as people: "김도현, 이수아 두 분", "최윤호·한지민 2명"
  (:class:`CountedNamesRecogniser`).

These contexts are weaker than a title, so a candidate must look more like a name: a
full name (surname + two syllables, or a two-syllable surname + two), not a common
word, place or organisation followed by one more syllable (보건소, 서초구, 우체국).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from doum.privacy.recognisers.korean_names import NOT_NAMES
from doum.privacy.recognisers.korean_places import PLACE_STEMS
from doum.privacy.recognisers.person import plausible_name
from doum.privacy.span import PiiSpan
from doum.privacy.types import PiiType

# Last syllables of organisations, offices and form fields (우체국, 도서관, 출장소, 협회,
# 기관명 …), on top of the endings plausible_name already refuses (과, 실, 청, 팀 …).
# (원 is left out: 지원, 승원, 혜원 are common given names; 병원/의원 are suffixes below.)
_ORG_ENDINGS = frozenset("국관소회사점장명")
_ORG_SUFFIXES = frozenset({"의원", "병원", "학원", "센터", "공사", "공단", "협회", "은행", "약국"})


def full_name(word: str) -> bool:
    """Whether ``word`` looks like a full Korean name even without a title."""
    if len(word) not in (3, 4) or not plausible_name(word):
        return False
    if word[:2] in NOT_NAMES or word[:2] in PLACE_STEMS or word in PLACE_STEMS:
        return False
    if word[1:] in _ORG_SUFFIXES:
        return False
    return word[-1] not in _ORG_ENDINGS


# A name right before a contact: "박서진(", "윤채원 / ", "홍서윤 ", "김하준: ".
_NAME_BEFORE = re.compile(r"(?<![가-힣])(?P<name>[가-힣]{3,4})\s?[(/,:：]?\s?\Z")
# A name in parentheses right after a contact: "010-1234-5678(홍길동)".
_NAME_AFTER = re.compile(r"\s?\(\s?(?P<name>[가-힣]{3,4})\s?\)")
_CONTACTS = frozenset({PiiType.PHONE, PiiType.EMAIL})


class ContactNameRecogniser:
    """Names written next to a phone number or e-mail address found by the rules."""

    name = "contact_name"
    types = frozenset({PiiType.PERSON})

    def find(self, text: str) -> Iterator[PiiSpan]:
        """Nothing without the other recognisers' spans: see :meth:`find_near`."""
        return self.find_near(text, ())

    def find_near(self, text: str, spans: Sequence[PiiSpan]) -> Iterator[PiiSpan]:
        for contact in spans:
            if contact.type not in _CONTACTS:
                continue
            m = _NAME_BEFORE.search(text, max(0, contact.start - 8), contact.start)
            if m is None:
                m = _NAME_AFTER.match(text, contact.end)
            if m is not None and full_name(m.group("name")):
                s, e = m.span("name")
                yield PiiSpan(PiiType.PERSON, s, e, text[s:e], 0.8, "연락처 옆 이름", self.name)


# A counter of people: "두 분", "세 분의", "2명", "다섯 명이" (not 분야, 명단, and not
# "10분" — minutes — or "3분의 1"). Each scan starts with a literal (분 or 명), which the
# regex engine finds fast, and looks back at the number.
_AFTER_COUNTER = r"(?=[이은의을과도께에만]|[\s.,;:)\]]|\Z)(?!의\s?\d)"
_COUNTERS = (
    re.compile(r"분(?:(?<=[두세네섯곱덟홉열]분)|(?<=[두세네섯곱덟홉열] 분))" + _AFTER_COUNTER),
    re.compile(r"명(?:(?<=[두세네섯곱덟홉열\d]명)|(?<=[두세네섯곱덟홉열\d] 명))" + _AFTER_COUNTER),
)
_NUMBER_BEFORE = re.compile(r"(?:\d{1,3}|두|세|네|다섯|여섯|일곱|여덟|아홉|열)\s?\Z")
# Two or more names joined by commas, middle dots, slashes or 및, ending where the number
# begins (after a space and an optional 님/씨).
_LIST_BEFORE = re.compile(
    r"(?<![가-힣])(?P<list>[가-힣]{3,4}(?:\s?[,，·ㆍ/]\s?[가-힣]{3,4}|\s및\s[가-힣]{3,4})+)"
    r"(?:\s?(?:님|씨))?\s\Z"
)
_HANGUL_RUN = re.compile(r"[가-힣]+")


class CountedNamesRecogniser:
    """Lists of names followed by a count of people ("김도현, 이수아 두 분")."""

    name = "counted_names"
    types = frozenset({PiiType.PERSON})

    def find(self, text: str) -> Iterator[PiiSpan]:
        if "분" not in text and "명" not in text:
            return
        for counter in (m for pattern in _COUNTERS for m in pattern.finditer(text)):
            number = _NUMBER_BEFORE.search(text, max(0, counter.start() - 4), counter.start())
            if number is None:
                continue
            names = _LIST_BEFORE.search(text, max(0, number.start() - 64), number.start())
            if names is None:
                continue
            base = names.start("list")
            for word in _HANGUL_RUN.finditer(names.group("list")):
                value = word.group()
                if value != "및" and full_name(value):
                    s = base + word.start()
                    yield PiiSpan(
                        PiiType.PERSON,
                        s,
                        s + len(value),
                        value,
                        0.75,
                        "이름 목록 + 인원",
                        self.name,
                    )
