"""도로명·지번 주소. The scan is anchored on a building or lot number right after
"…로/길" or "…동/리/N가" (see :mod:`doum.privacy.recognisers.numbers`, which finds every
digit run in one pass); :func:`address_at` then extends the span to the left over 시·도,
시·군·구, 읍·면 and to the right over 동·호·층 and a short parenthesis.
"""

from __future__ import annotations

import re

from doum.privacy.span import PiiSpan
from doum.privacy.types import PiiType

SIDO = (
    "서울특별시",
    "서울시",
    "서울",
    "부산광역시",
    "부산시",
    "부산",
    "대구광역시",
    "대구시",
    "대구",
    "인천광역시",
    "인천시",
    "인천",
    "광주광역시",
    "광주시",
    "광주",
    "대전광역시",
    "대전시",
    "대전",
    "울산광역시",
    "울산시",
    "울산",
    "세종특별자치시",
    "세종시",
    "세종",
    "경기도",
    "경기",
    "강원특별자치도",
    "강원도",
    "강원",
    "충청북도",
    "충북",
    "충청남도",
    "충남",
    "전북특별자치도",
    "전라북도",
    "전북",
    "전라남도",
    "전남",
    "경상북도",
    "경북",
    "경상남도",
    "경남",
    "제주특별자치도",
    "제주도",
    "제주",
)
_SIDO = "|".join(sorted(SIDO, key=len, reverse=True))
# The number after the road/lot word: "209", "123-45", "1411번지". The scan's lookbehind
# guarantees a 로/길/동/리/가 (and at most one space) right before it.
NUMBER = re.compile(r"\d{1,5}(?:-\d{1,4})?(?!\d|번길|가길|길|가)(?P<bunji>\s?번지)?")
# Branch for the digit scan (after its first digit): a number right after an address word.
SCAN_BRANCH = r"(?:(?<=[로길동리가]\d)|(?<=[로길동리가] \d))"
_SIDO_SET = frozenset(SIDO)
_ROAD_TAIL = re.compile(r"[가-힣\d·.]{1,14}$")
_DETAIL = re.compile(
    r"(?:\s?,?\s?(?:[가-힣A-Za-z]{0,10}\s?)?\d{1,4}\s?동)?(?:\s?,?\s?(?:지하\s?)?\d{1,5}\s?호)?"
    r"(?:\s?,?\s?\d{1,3}\s?층)?(?:\s?\((?:[가-힣\d\s,.·-]{1,30})\))?"
)
# Words ending in 로/동/리 that are not roads or neighbourhoods.
_NOT_ROADS = frozenset(
    {
        "도로",
        "경로",
        "통로",
        "진로",
        "항로",
        "선로",
        "회로",
        "미로",
        "수로",
        "별로",
        "주로",
        "새로",
        "바로",
        "서로",
        "대로",
        "실로",
        "활주로",
        "차로",
        "이동",
        "행동",
        "활동",
        "운동",
        "자동",
        "공동",
        "변동",
        "작동",
        "가동",
        "연동",
        "출동",
        "이리",
        "처리",
        "관리",
        "정리",
        "거리",
        "무리",
        "원리",
        "의리",
        "자리",
        "소리",
        "우리",
        "머리",
        "요리",
        "유리",
        "논리",
        "합리",
        "심리",
        "수리",
        "추가",
        "평가",
        "대가",
        "국가",
        "증가",
        "참가",
        "인가",
        "허가",
        "단가",
        "시가",
        "물가",
        "원가",
        "작가",
    }
)
_NOT_ROAD_ENDINGS = ("으로", "쪽으로", "별로", "스스로", "적으로")
_UNITS = frozenset("억만천백십원명개건회년월일시분초층%배세차부곳대종권장")


def address_at(text: str, start: int, recogniser: str = "address") -> PiiSpan | None:
    """The address whose building/lot number starts at ``start`` (or ``None``)."""
    m = NUMBER.match(text, start)
    if m is None:
        return None
    num_end = m.end(0) - len(m.group("bunji") or "")
    after = text[num_end : num_end + 1]
    if after and (after.isdecimal() or (after in _UNITS and not m.group("bunji"))):
        return None
    key_end = start - 1 if text[start - 1] == " " else start
    kind = text[key_end - 1]
    if kind == "가" and not (key_end >= 2 and text[key_end - 2].isdecimal()):
        return None
    head = text[max(0, key_end - 48) : key_end]
    words = head.split(" ")
    tail = _ROAD_TAIL.search(words[-1])
    if tail is None:
        return None
    road = tail.group()
    begin = key_end - len(road)
    prefix = False
    if len(road) == len(words[-1]):
        # Extend left over 읍·면, 시·군·구 and 시·도 words, in that order.
        level = 3
        for word in reversed(words[:-1]):
            if not word:
                begin -= 1
                continue
            if level >= 3 and word[-1] in "읍면" and len(word) >= 2:
                level = 2
            elif level >= 2 and word[-1] in "시군구" and len(word) >= 2 and word.isalpha():
                level = 1 if word in _SIDO_SET else 2
                if word in _SIDO_SET:
                    level = 0
            elif word in _SIDO_SET:
                level = 0
            else:
                break
            begin -= len(word) + 1
            prefix = True
            if level == 0:
                break
        while text[begin] == " ":
            begin += 1
    if len(road) < 2 or (road in _NOT_ROADS and not prefix):
        return None
    if kind in "로길":
        if road.endswith(_NOT_ROAD_ENDINGS):
            return None
        score = 0.9 if prefix else 0.65
        reason = "도로명 + 건물번호" + (" + 행정구역" if prefix else "")
    else:
        if not (prefix or m.group("bunji")):
            return None
        score = 0.85 if prefix else 0.6
        reason = "지번 주소" + (" + 행정구역" if prefix else " (번지)")
    detail = _DETAIL.match(text, m.end())
    end = max(detail.end(), m.end()) if detail else m.end()
    while end > begin and text[end - 1] in " ,":
        end -= 1
    return PiiSpan(PiiType.ADDRESS, begin, end, text[begin:end], score, reason, recogniser)
